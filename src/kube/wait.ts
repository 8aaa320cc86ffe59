// Waiting with a deadline and a diagnosis: on timeout the error's hint says what is actually
// wrong (from diagnose()), never only "timed out".

import { TimeoutError } from '../errors.js';

export interface WaitOptions<T> {
  /** "Node node-a to be registered by the kubelet" */
  what: string;
  /** the value when ready, undefined while not yet */
  probe: () => Promise<T | undefined>;
  timeoutMs: number;
  intervalMs?: number;
  /** why it is not ready, in the user's terms, with how to look further */
  diagnose: () => Promise<string>;
  /**
   * asked when the deadline passes: a reason to keep waiting (e.g. "the kubelet is healthy"),
   * which buys another timeoutMs, or undefined to fail with the diagnosis
   */
  extend?: () => Promise<string | undefined>;
  /** told each time `extend` gave a reason */
  onExtend?: (reason: string) => void;
}

export async function waitFor<T>(opts: WaitOptions<T>): Promise<T> {
  let end = Date.now() + opts.timeoutMs;
  for (;;) {
    const v = await opts.probe();
    if (v !== undefined) return v;
    if (Date.now() >= end && opts.extend) {
      const reason = await opts.extend().catch(() => undefined);
      if (reason !== undefined) {
        opts.onExtend?.(reason);
        end = Date.now() + opts.timeoutMs;
      }
    }
    if (Date.now() >= end) throw new TimeoutError(opts.what, await opts.diagnose());
    await new Promise((r) => setTimeout(r, Math.min(opts.intervalMs ?? 500, Math.max(0, end - Date.now()))));
  }
}

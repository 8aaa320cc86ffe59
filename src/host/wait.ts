// Waiting with a deadline and a diagnosis: polls a probe until it answers or time runs out,
// then throws a TimeoutError whose hint says what is actually wrong (never only "timed out").

import { TimeoutError } from '../errors.js';

export interface ProbeResult {
  ok: boolean;
  /** what the last attempt saw, e.g. "connection refused" or "HTTP 500: etcd failed" */
  detail?: string;
}

export interface WaitSpec {
  /** what we wait for, in the user's words: "the kubelet's health endpoint http://127.0.0.1:10248/healthz" */
  what: string;
  /** one attempt; true/ok when done. A thrown error counts as "not yet" and its message is kept */
  probe: () => Promise<boolean | ProbeResult>;
  timeoutMs: number;
  intervalMs?: number;
  /** called once on timeout, with the last thing the probe saw; its text becomes the error's hint */
  diagnose?: (lastDetail: string | undefined) => Promise<string>;
  /**
   * asked when the deadline passes: a reason to keep waiting (the thing is slow but visibly
   * progressing, e.g. a healthy kubelet still starting a static pod), or undefined to fail.
   * A wait with this hook never fails on its deadline alone: each reason buys another timeoutMs.
   */
  extend?: (lastDetail: string | undefined) => Promise<string | undefined>;
  /** told each time `extend` gave a reason, with that reason */
  onExtend?: (reason: string) => void;
  /** cut the wait short (another wait failed, the user pressed ^C) */
  signal?: AbortSignal;
  /** for tests: the clock */
  now?: () => number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** Resolves with the elapsed milliseconds once the probe succeeds; throws TimeoutError otherwise. */
export async function waitFor(spec: WaitSpec): Promise<number> {
  const now = spec.now ?? (() => Date.now());
  const interval = spec.intervalMs ?? 300;
  const start = now();
  let deadline = start + spec.timeoutMs;
  let last: string | undefined;
  for (;;) {
    try {
      const r = await spec.probe();
      const res = typeof r === 'boolean' ? { ok: r } : r;
      if (res.ok) return now() - start;
      if (res.detail !== undefined) last = res.detail;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (spec.signal?.aborted) break;
    let left = deadline - now();
    if (left <= 0 && spec.extend) {
      const reason = await spec.extend(last).catch(() => undefined);
      if (reason !== undefined) {
        spec.onExtend?.(reason);
        deadline = now() + spec.timeoutMs;
        left = spec.timeoutMs;
      }
    }
    if (left <= 0) break;
    await sleep(Math.min(interval, left), spec.signal);
  }
  let hint: string;
  try {
    hint = spec.diagnose ? await spec.diagnose(last) : `the last attempt said: ${last ?? 'nothing'}`;
  } catch (e) {
    hint = `the last attempt said: ${last ?? 'nothing'}; diagnosing further failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  throw new TimeoutError(`${spec.what} (after ${Math.round((now() - start) / 1000)}s)`, hint);
}

// Every API call has a deadline (timeouts.kubernetesAPICall, as kubeadm) and is retried
// while the failure is one that goes away by itself: the server not up yet, 5xx, 429.

import { TimeoutError } from '../errors.js';

/** An answer from the API server that is not 2xx. */
export class ApiStatusError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiStatusError';
  }
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN', 'ERR_REQUEST_TIMEOUT']);

/**
 * A Service create refused because its cluster IP is taken: after a create that was cut off
 * (init killed while it applied kube-dns) the API server can hold the IP for a Service that does
 * not exist, and its own repair loop frees such an IP 60 s after it was taken (kube-apiserver
 * 1.37 ipallocator/controller/repairip.go). Retried until the call's deadline; an IP that
 * another Service really holds fails there, with this message as the last error.
 */
const IP_HELD = /provided IP is already allocated/;

/** worth another try before the deadline? */
export function isTransient(e: unknown): boolean {
  if (e instanceof ApiStatusError) return e.status >= 500 || e.status === 429 || (e.status === 422 && IP_HELD.test(e.message));
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  return /socket hang up|ECONNREFUSED|ECONNRESET/.test(String((e as Error | undefined)?.message ?? ''));
}

export interface RetryOptions {
  /** what is being done, for the timeout message: "apply ConfigMap kube-system/coredns" */
  what: string;
  deadlineMs: number;
  intervalMs?: number;
  /** how to fix it when the deadline passes */
  hint: (last: unknown) => string;
}

/** fn(remainingMs) until it succeeds, fails for good, or the deadline passes */
export async function withRetry<T>(opts: RetryOptions, fn: (remainingMs: number) => Promise<T>): Promise<T> {
  const end = Date.now() + opts.deadlineMs;
  const interval = opts.intervalMs ?? 500;
  let last: unknown;
  for (;;) {
    const remaining = end - Date.now();
    if (remaining <= 0) throw new TimeoutError(opts.what, opts.hint(last));
    try {
      return await fn(remaining);
    } catch (e) {
      if (!isTransient(e)) throw e;
      last = e;
    }
    await new Promise((r) => setTimeout(r, Math.min(interval, Math.max(0, end - Date.now()))));
  }
}

export function describeError(e: unknown): string {
  if (e === undefined) return 'no answer yet';
  const err = e as { code?: string; message?: string };
  return err.code && !String(err.message).includes(err.code) ? `${err.code}: ${err.message}` : String(err.message ?? e);
}

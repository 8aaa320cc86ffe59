// Keys generated ahead of need: a parent phase (certs, kubeconfig) asks for every key its
// children will need, and they are made in that order, a few at a time on the thread pool,
// while the children run one by one; a child run alone generates its own.
//
// A few at a time, not all at once: libuv's pool (4 threads by default) also does every file
// read and write and the loading of modules, which queue behind whatever keys were started
// first. With 11 RSA keys queued at once, the ca sub-phase could not read its first file
// until ~8 keys were done, and issuing ran only after key generation instead of beside it.
// As many keys as cores run at once (keeping one pool thread free), so the first key needed
// is also the first made.

import { availableParallelism } from 'node:os';
import type { EncryptionAlgorithm } from '../config/types.js';
import { generateKey, type KeyPair } from './keys.js';

interface Job {
  slot: string;
  /** someone waits for it: it goes before the keys only prefetched */
  taken: boolean;
  alg: EncryptionAlgorithm;
  resolve(pair: KeyPair): void;
  reject(e: unknown): void;
}

/**
 * keys made at once: one per core, leaving at least one of libuv's pool threads for files;
 * `reserveCores` are left to other work (a whole init keeps one for its critical path: preflight,
 * kubelet.conf and the kubelet's own start, which the keys would otherwise slow down)
 */
export function keyConcurrency(env: NodeJS.ProcessEnv = process.env, cores: number = availableParallelism(), reserveCores = 0): number {
  const poolThreads = Number(env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(cores - reserveCores, poolThreads - 1));
}

export class KeyPool {
  private readonly pending = new Map<string, Promise<KeyPair>>();
  /** asked for, not started: in the order they will be needed */
  private readonly queue: Job[] = [];
  private running = 0;
  /** asked for by take(): a key held back (prefetch's `after`) goes before the prefetched ones once it may start */
  private readonly wanted = new Set<string>();
  /** dropPrefetched() was called: held-back keys nobody took are not started either */
  private dropped = false;

  constructor(
    private concurrency: number = keyConcurrency(),
    private readonly generate: (alg: EncryptionAlgorithm) => Promise<KeyPair> = generateKey,
  ) {}

  /** how many keys are made at once from now on (more start at once when raised) */
  setConcurrency(n: number): void {
    this.concurrency = Math.max(1, n);
    this.pump();
  }

  /** keys prefetched and not yet taken: certificates will be made in this run */
  get hasPrefetched(): boolean {
    return this.pending.size > 0;
  }

  /**
   * start generating a key for each id not already started, in this order; with `after`, not
   * before it resolves, even when taken meanwhile (a key needed only later must not take a core
   * from what comes first); when it rejects, so do those keys
   */
  prefetch(ids: readonly string[], alg: EncryptionAlgorithm, after?: Promise<unknown>): void {
    for (const id of ids) {
      const k = this.slot(id, alg);
      if (this.pending.has(k)) continue;
      const p = after
        ? after.then(() => {
            if (this.dropped && !this.wanted.has(k)) throw new Error('internal: key generation was stopped');
            return this.enqueue(k, alg, this.wanted.has(k));
          })
        : this.enqueue(k, alg);
      p.catch(() => {}); // surfaced by take(); an unused failed prefetch must not crash the process
      this.pending.set(k, p);
    }
  }

  /** the key made ahead for this id, or a new one; each is handed out once, and one not yet started is made next */
  take(id: string, alg: EncryptionAlgorithm): Promise<KeyPair> {
    const k = this.slot(id, alg);
    this.wanted.add(k);
    const p = this.pending.get(k);
    this.pending.delete(k);
    if (!p) return this.enqueue(k, alg, true);
    const i = this.queue.findIndex((j) => j.slot === k);
    if (i >= 0) this.lineUp(this.queue.splice(i, 1)[0]!, true);
    return p;
  }

  /**
   * Drop every key only prefetched and not yet started (a run that stops early should not wait
   * for keys it will never use); keys already being made finish, and taken ones are kept.
   */
  dropPrefetched(): void {
    this.dropped = true;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i]!;
      if (job.taken) continue;
      this.queue.splice(i, 1);
      this.pending.delete(job.slot);
      job.reject(new Error('internal: key generation was stopped'));
    }
  }

  private enqueue(slot: string, alg: EncryptionAlgorithm, taken = false): Promise<KeyPair> {
    return new Promise<KeyPair>((resolve, reject) => {
      this.lineUp({ slot, taken, alg, resolve, reject }, taken);
      this.pump();
    });
  }

  /** a taken key goes after the other taken ones, before those only prefetched */
  private lineUp(job: Job, taken: boolean): void {
    job.taken = taken;
    const i = taken ? this.queue.findIndex((j) => !j.taken) : -1;
    this.queue.splice(i < 0 ? this.queue.length : i, 0, job);
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running++;
      let made: Promise<KeyPair>;
      try {
        made = this.generate(job.alg);
      } catch (e) {
        made = Promise.reject(e);
      }
      made
        .then(job.resolve, job.reject)
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }

  private slot(id: string, alg: EncryptionAlgorithm): string {
    return `${id}\0${alg}`;
  }
}

/** where the run's pool sits in the state map */
export const KEY_POOL_STATE = 'pki.keyPool';

/** The run's pool, kept in the context's state map so all phases of one run share it; `concurrency` counts only when the pool is made. */
export function keyPoolOf(state: Map<string, unknown>, concurrency?: number): KeyPool {
  let pool = state.get(KEY_POOL_STATE) as KeyPool | undefined;
  if (!pool) {
    pool = new KeyPool(concurrency);
    state.set(KEY_POOL_STATE, pool);
  }
  return pool;
}

// Keys generated ahead of need: a parent phase (certs, kubeconfig) starts every key its
// children will need at once, so they are made concurrently on the thread pool while the
// children run one by one; a child run alone generates its own.

import type { EncryptionAlgorithm } from '../config/types.js';
import { generateKey, type KeyPair } from './keys.js';

export class KeyPool {
  private readonly pending = new Map<string, Promise<KeyPair>>();

  /** start generating a key for each id not already started */
  prefetch(ids: readonly string[], alg: EncryptionAlgorithm): void {
    for (const id of ids) {
      const k = this.slot(id, alg);
      if (this.pending.has(k)) continue;
      const p = generateKey(alg);
      p.catch(() => {}); // surfaced by take(); an unused failed prefetch must not crash the process
      this.pending.set(k, p);
    }
  }

  /** the key made ahead for this id, or a new one; each is handed out once */
  take(id: string, alg: EncryptionAlgorithm): Promise<KeyPair> {
    const k = this.slot(id, alg);
    const p = this.pending.get(k);
    this.pending.delete(k);
    return p ?? generateKey(alg);
  }

  private slot(id: string, alg: EncryptionAlgorithm): string {
    return `${id}\0${alg}`;
  }
}

const STATE_KEY = 'pki.keyPool';

/** The run's pool, kept in the context's state map so all phases of one run share it. */
export function keyPoolOf(state: Map<string, unknown>): KeyPool {
  let pool = state.get(STATE_KEY) as KeyPool | undefined;
  if (!pool) {
    pool = new KeyPool();
    state.set(STATE_KEY, pool);
  }
  return pool;
}

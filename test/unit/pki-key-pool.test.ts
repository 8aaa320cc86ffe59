// The key pool: keys started ahead are handed out once each, per id and algorithm; a take
// without a prefetch still gets a fresh key; the run's pool lives in the context state.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyPool, keyPoolOf } from '../../src/pki/key-pool.js';
import { describeKey, sameKey } from '../../src/pki/keys.js';

test('a prefetched key is handed out once; the next take makes a new one', async () => {
  const pool = new KeyPool();
  pool.prefetch(['ca', 'apiserver'], 'ECDSA-P256');
  const a = await pool.take('ca', 'ECDSA-P256');
  const b = await pool.take('ca', 'ECDSA-P256');
  assert.equal(describeKey(a.privateKey), 'ECDSA-P256');
  assert.ok(!sameKey(a.privateKey, b.privateKey), 'never the same key twice');
});

test('a key prefetched for another algorithm is not handed out', async () => {
  const pool = new KeyPool();
  pool.prefetch(['sa'], 'ECDSA-P256');
  assert.equal(describeKey((await pool.take('sa', 'ECDSA-P384')).privateKey), 'ECDSA-P384');
});

test('one pool per run, kept in the state map', () => {
  const state = new Map<string, unknown>();
  assert.equal(keyPoolOf(state), keyPoolOf(state));
  assert.notEqual(keyPoolOf(new Map()), keyPoolOf(state));
});

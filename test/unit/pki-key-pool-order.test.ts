// The key pool's scheduling: no more keys at once than its concurrency (libuv's pool must keep
// a thread for files), started in the order asked, taken keys before the others, failures handed to
// the taker, and the concurrency derived from the cores and UV_THREADPOOL_SIZE.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { KeyPool, keyConcurrency } from '../../src/pki/key-pool.js';
import type { KeyPair } from '../../src/pki/keys.js';

/** a generator whose keys finish only when the test says so, recording the order they were started */
function manualGenerator() {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) as KeyPair;
  const started: number[] = [];
  const finish: (() => void)[] = [];
  let n = 0;
  let running = 0;
  let maxRunning = 0;
  const generate = () => {
    const i = n++;
    started.push(i);
    running++;
    maxRunning = Math.max(maxRunning, running);
    return new Promise<KeyPair>((resolve) => {
      finish[i] = () => {
        running--;
        resolve(pair);
      };
    });
  };
  return { generate, started, finish, maxRunning: () => maxRunning };
}

const tick = () => new Promise((r) => setImmediate(r));

test('keys start in the order asked, never more at once than the concurrency', async () => {
  const g = manualGenerator();
  const pool = new KeyPool(2, g.generate);
  pool.prefetch(['ca', 'apiserver', 'front-proxy-ca', 'etcd-ca', 'sa'], 'RSA-2048');
  assert.equal(g.started.length, 2, 'two started at once');
  g.finish[0]!();
  await tick();
  assert.equal(g.started.length, 3, 'a finished key makes room for the next');
  for (let i = 1; i < 5; i++) {
    g.finish[i]?.();
    await tick();
  }
  for (const id of ['ca', 'apiserver', 'front-proxy-ca', 'etcd-ca', 'sa']) await pool.take(id, 'RSA-2048');
  assert.equal(g.maxRunning(), 2);
});

test('a key taken before its turn is made next', async () => {
  const g = manualGenerator();
  const pool = new KeyPool(1, g.generate);
  pool.prefetch(['a', 'b', 'c', 'd'], 'ECDSA-P256'); // job 0 makes a; b, c, d wait
  const done: string[] = [];
  const track = (name: string, p: Promise<KeyPair>) => void p.then(() => done.push(name));
  track('d', pool.take('d', 'ECDSA-P256'));
  track('other', pool.take('other', 'ECDSA-P256')); // not prefetched: before b and c too
  track('b', pool.take('b', 'ECDSA-P256'));
  for (let i = 0; i < 5; i++) {
    g.finish[i]?.();
    await tick();
  }
  // a (job 0) was never taken; then the taken ones in the order taken, then c
  assert.deepEqual(done, ['d', 'other', 'b']);
  assert.equal(g.started.length, 5);
});

test('a failed key is handed to its taker and frees its place', async () => {
  let calls = 0;
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }) as KeyPair;
  const pool = new KeyPool(1, async () => {
    if (calls++ === 0) throw new Error('no entropy');
    return pair;
  });
  pool.prefetch(['ca', 'sa'], 'ECDSA-P256');
  await assert.rejects(pool.take('ca', 'ECDSA-P256'), /no entropy/);
  assert.equal(await pool.take('sa', 'ECDSA-P256'), pair);
});

test('concurrency: one key per core, leaving a libuv pool thread free', () => {
  const cases: { name: string; env: NodeJS.ProcessEnv; cores: number; reserve?: number; want: number }[] = [
    { name: '2 cores, default pool of 4', env: {}, cores: 2, want: 2 },
    { name: '8 cores, default pool of 4', env: {}, cores: 8, want: 3 },
    { name: '8 cores, pool of 16', env: { UV_THREADPOOL_SIZE: '16' }, cores: 8, want: 8 },
    { name: '1 core', env: {}, cores: 1, want: 1 },
    { name: 'pool of 1', env: { UV_THREADPOOL_SIZE: '1' }, cores: 4, want: 1 },
    { name: 'a whole init on 2 cores: one kept for the critical path', env: {}, cores: 2, reserve: 1, want: 1 },
    { name: 'a whole init on 1 core: still one key at a time', env: {}, cores: 1, reserve: 1, want: 1 },
    { name: 'a whole init on 8 cores, default pool', env: {}, cores: 8, reserve: 1, want: 3 },
    { name: 'a whole init on 4 cores, pool of 16', env: { UV_THREADPOOL_SIZE: '16' }, cores: 4, reserve: 1, want: 3 },
  ];
  for (const c of cases) assert.equal(keyConcurrency(c.env, c.cores, c.reserve), c.want, c.name);
});

test('dropPrefetched: keys not yet started are dropped, running and taken ones kept', async () => {
  const g = manualGenerator();
  const pool = new KeyPool(1, g.generate);
  pool.prefetch(['ca', 'apiserver', 'sa'], 'RSA-2048');
  const taken = pool.take('sa', 'RSA-2048');
  pool.dropPrefetched();
  g.finish[0]!();
  await tick();
  assert.deepEqual(g.started, [0, 1], 'ca (running) and sa (taken) only');
  g.finish[1]!();
  await taken;
  await pool.take('ca', 'RSA-2048');
  // apiserver was dropped: a take makes it anew
  const again = pool.take('apiserver', 'RSA-2048');
  await tick();
  assert.equal(g.started.length, 3);
  g.finish[2]!();
  await again;
});

test('a raised concurrency starts waiting keys at once (init raises it once the kubelet is started)', async () => {
  const g = manualGenerator();
  const pool = new KeyPool(1, g.generate);
  pool.prefetch(['ca', 'apiserver', 'sa', 'etcd-ca'], 'RSA-2048');
  assert.equal(g.started.length, 1, 'one at a time');
  pool.setConcurrency(3);
  assert.equal(g.started.length, 3, 'two more start at once');
  g.finish[0]!();
  await tick();
  assert.equal(g.started.length, 4, 'and a finished one makes room at the new width');
  for (let i = 1; i < 4; i++) g.finish[i]!();
  for (const id of ['ca', 'apiserver', 'sa', 'etcd-ca']) await pool.take(id, 'RSA-2048');
  assert.equal(g.maxRunning(), 3);
});

test('keys prefetched with `after` start only once it resolves, taken or not, and then before the other waiting keys when taken', async () => {
  const g = manualGenerator();
  const pool = new KeyPool(1, g.generate);
  let release!: () => void;
  const until = new Promise<void>((r) => (release = r));
  pool.prefetch(['a', 'b', 'c'], 'ECDSA-P256'); // job 0 makes a
  pool.prefetch(['admin', 'super-admin'], 'ECDSA-P256', until);
  let adminMade = false;
  const admin = pool.take('admin', 'ECDSA-P256').then(() => (adminMade = true));
  for (let i = 0; i < 3; i++) {
    g.finish[i]?.();
    await tick();
  }
  assert.equal(g.started.length, 3, 'a, b and c made; admin waits though taken, super-admin too');
  assert.equal(adminMade, false);
  pool.prefetch(['z'], 'ECDSA-P256'); // job 3: z starts at once (nothing runs)
  release();
  await tick();
  g.finish[3]!(); // z done: admin (taken) goes before super-admin
  await tick();
  g.finish[4]!();
  await admin;
  assert.equal(adminMade, true);
  await tick();
  assert.equal(g.started.length, 6, 'super-admin made after admin');
});

test('a held key nobody took is not made when the run stops (dropPrefetched), and fails if its `after` fails', async () => {
  const g = manualGenerator();
  const pool = new KeyPool(1, g.generate);
  let release!: () => void;
  pool.prefetch(['admin'], 'ECDSA-P256', new Promise<void>((r) => (release = r)));
  pool.dropPrefetched();
  release();
  await tick();
  await tick();
  assert.equal(g.started.length, 0);
  const failed = new KeyPool(1, g.generate);
  failed.prefetch(['admin'], 'ECDSA-P256', Promise.reject(new Error('gate failed')));
  await assert.rejects(failed.take('admin', 'ECDSA-P256'), /gate failed/);
});

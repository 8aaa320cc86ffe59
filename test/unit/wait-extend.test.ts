// Steady waits: past its deadline a wait goes on for as long as its `extend` gives a reason
// (a slow but healthy kubelet), and fails with its diagnosis the first time it gives none.
// Both wait helpers (host/wait for health endpoints, kube/wait for API objects) behave alike.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor as waitHealth } from '../../src/host/wait.js';
import { waitFor as waitObject } from '../../src/kube/wait.js';
import { TimeoutError } from '../../src/errors.js';

const cases: { name: string; reasons: (string | undefined)[]; readyAfterChecks?: number; want: 'ok' | 'timeout'; extensions: number }[] = [
  { name: 'no reason: fails on the deadline, with the diagnosis', reasons: [undefined], want: 'timeout', extensions: 0 },
  { name: 'two reasons, then none: three deadlines, then the diagnosis', reasons: ['kubelet healthy', 'kubelet healthy', undefined], want: 'timeout', extensions: 2 },
  { name: 'ready during an extension: succeeds', reasons: ['kubelet healthy', 'kubelet healthy', 'kubelet healthy'], readyAfterChecks: 6, want: 'ok', extensions: 1 },
];

for (const c of cases) {
  test(`host wait: ${c.name}`, async () => {
    let checks = 0;
    const told: string[] = [];
    const reasons = [...c.reasons];
    const run = waitHealth({
      what: 'kube-apiserver',
      probe: async () => ++checks >= (c.readyAfterChecks ?? Infinity),
      timeoutMs: 20,
      intervalMs: 5,
      extend: async () => reasons.shift(),
      onExtend: (r) => told.push(r),
      diagnose: async () => 'the diagnosis',
    });
    if (c.want === 'ok') await run;
    else await assert.rejects(run, (e: unknown) => e instanceof TimeoutError && e.hint === 'the diagnosis');
    if (c.want === 'ok') assert.ok(told.length >= c.extensions && told.length <= reasons.length + told.length);
    else assert.equal(told.length, c.extensions);
  });

  test(`kube wait: ${c.name}`, async () => {
    let checks = 0;
    const told: string[] = [];
    const reasons = [...c.reasons];
    const run = waitObject({
      what: 'Node node-a',
      probe: async () => (++checks >= (c.readyAfterChecks ?? Infinity) ? 'node' : undefined),
      timeoutMs: 20,
      intervalMs: 5,
      extend: async () => reasons.shift(),
      onExtend: (r) => told.push(r),
      diagnose: async () => 'the diagnosis',
    });
    if (c.want === 'ok') assert.equal(await run, 'node');
    else await assert.rejects(run, (e: unknown) => e instanceof TimeoutError && e.hint === 'the diagnosis');
    if (c.want === 'ok') assert.ok(told.length >= c.extensions && told.length <= reasons.length + told.length);
    else assert.equal(told.length, c.extensions);
  });
}

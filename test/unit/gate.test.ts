// Gates between the lanes of a schedule (wait-control-plane and the phases beside it): a lane
// waits until another opens the gate; when the opener fails, the waiting lane stops at once
// and the run reports the opener's failure, not a hang.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Phase } from '../../src/workflow/phase.js';
import { Gate } from '../../src/workflow/gate.js';
import { runScheduled, selectPhases, PhaseFailedError } from '../../src/workflow/runner.js';
import { MemoryReporter } from '../../src/report/memory.js';

interface Ctx {
  log: string[];
  gate: Gate;
  fail?: boolean;
}
const tree: Phase<Ctx>[] = [
  {
    name: 'waiter',
    short: 'opens the gate half-way',
    run: async (ctx) => {
      await new Promise((r) => setTimeout(r, 10));
      if (ctx.fail) {
        const e = new Error('API server never answered');
        ctx.gate.fail(e);
        throw e;
      }
      ctx.log.push('gate opened');
      ctx.gate.open();
      await new Promise((r) => setTimeout(r, 10));
      ctx.log.push('waiter done');
    },
  },
  {
    name: 'addon',
    short: 'waits for the gate',
    run: async (ctx) => {
      await ctx.gate.opened;
      ctx.log.push('addon ran');
    },
  },
];
const schedule = [[['waiter'], ['addon']]];

test('gate: the waiting lane starts when the gate opens, before the opener ends', async () => {
  const ctx: Ctx = { log: [], gate: new Gate('the API server') };
  await runScheduled(ctx, selectPhases(tree, undefined, []), schedule, new MemoryReporter());
  assert.deepEqual(ctx.log, ['gate opened', 'addon ran', 'waiter done']);
});

test("gate: the opener's failure ends the waiting lane and is the run's error", async () => {
  const ctx: Ctx = { log: [], gate: new Gate('the API server'), fail: true };
  await assert.rejects(
    runScheduled(ctx, selectPhases(tree, undefined, []), schedule, new MemoryReporter()),
    (e: unknown) => e instanceof PhaseFailedError && e.phasePath === 'waiter' && /never answered/.test(e.message),
  );
  assert.deepEqual(ctx.log, []);
});

// The workflow runner on toy trees: order, paths, `all`, --skip-phases, timing, failure.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Phase } from '../../src/workflow/phase.js';
import { findPhase, placePhases, runPhases, selectPhases, validPhaseNames, flagsOf, PhaseFailedError } from '../../src/workflow/runner.js';
import { MemoryReporter } from '../../src/report/memory.js';
import { UserError } from '../../src/errors.js';

interface Toy {
  log: string[];
  skipB?: boolean;
}

const leaf = (name: string, flags: string[] = []): Phase<Toy> => ({
  name,
  short: `leaf ${name}`,
  flags,
  run: async (ctx) => void ctx.log.push(name),
});

const tree: Phase<Toy>[] = [
  leaf('a', ['x']),
  {
    name: 'b',
    short: 'parent b',
    flags: ['y'],
    skipReason: (ctx) => (ctx.skipB ? 'b not wanted' : undefined),
    run: async (ctx) => void ctx.log.push('b'),
    children: [leaf('b1', ['z']), leaf('b2')],
  },
  { name: 'c', short: 'parent c, no all', noAll: true, children: [leaf('c1')] },
  leaf('d', ['x']),
];

test('paths and order: parents before children', () => {
  assert.deepEqual(
    placePhases(tree).map((p) => p.path),
    ['a', 'b', 'b/b1', 'b/b2', 'c', 'c/c1', 'd'],
  );
});

test('valid names include PARENT/all except where a parent has none', () => {
  const names = validPhaseNames(tree);
  assert.ok(names.includes('b/all'));
  assert.ok(!names.includes('c/all'));
});

const selections: { name: string; target?: string; skip: string[]; want: string[] }[] = [
  { name: 'everything', skip: [], want: ['a', 'b', 'b/b1', 'b/b2', 'c', 'c/c1', 'd'] },
  { name: 'a subtree', target: 'b', skip: [], want: ['b', 'b/b1', 'b/b2'] },
  { name: 'PARENT/all is the subtree', target: 'b/all', skip: [], want: ['b', 'b/b1', 'b/b2'] },
  { name: 'one leaf', target: 'b/b2', skip: [], want: ['b/b2'] },
  { name: 'skip a subtree', skip: ['b'], want: ['a', 'c', 'c/c1', 'd'] },
  { name: 'skip a child', skip: ['b/b1'], want: ['a', 'b', 'b/b2', 'c', 'c/c1', 'd'] },
  { name: 'skip with /all and spaces', skip: [' b/all ', ''], want: ['a', 'c', 'c/c1', 'd'] },
];
for (const s of selections) {
  test(`select: ${s.name}`, () => {
    assert.deepEqual(selectPhases(tree, s.target, s.skip).map((p) => p.path), s.want);
  });
}

test('unknown names are user errors that list the valid ones', () => {
  for (const bad of ['nope', 'b/b3', 'c/all', 'a/all']) {
    assert.throws(() => findPhase(tree, bad), (e: unknown) => e instanceof UserError && e.code === 'UNKNOWN_PHASE' && /b\/b1/.test(e.hint ?? ''));
  }
  assert.throws(() => selectPhases(tree, undefined, ['zzz']), /--skip-phases "zzz"/);
});

test('run: every selected phase runs once in order, and each end is reported with a duration', async () => {
  const ctx: Toy = { log: [] };
  const report = new MemoryReporter();
  let clock = 0;
  const timings = await runPhases(ctx, selectPhases(tree, undefined, []), report, () => (clock += 10));
  assert.deepEqual(ctx.log, ['a', 'b', 'b1', 'b2', 'c1', 'd']);
  const ends = report.events.filter((e) => e.type === 'phaseEnd').map((e) => (e as { path: string }).path);
  // a parent ends after its last child, so its duration covers them
  assert.deepEqual(ends, ['a', 'b/b1', 'b/b2', 'b', 'c/c1', 'c', 'd']);
  const b = timings.find((t) => t.path === 'b')!;
  const b1 = timings.find((t) => t.path === 'b/b1')!;
  assert.ok(b.durationMs > b1.durationMs, 'parent duration includes its children');
});

test('run: a skipReason skips the phase and its children, and says why', async () => {
  const ctx: Toy = { log: [], skipB: true };
  const report = new MemoryReporter();
  await runPhases(ctx, selectPhases(tree, undefined, []), report);
  assert.deepEqual(ctx.log, ['a', 'c1', 'd']);
  assert.ok(report.events.some((e) => e.type === 'phaseEnd' && e.path === 'b' && e.skipped === 'b not wanted'));
});

test('run: the first failure stops the run and names the phase', async () => {
  const failing: Phase<Toy>[] = [leaf('a'), { name: 'boom', short: 'fails', run: async () => { throw new Error('disk full'); } }, leaf('after')];
  const ctx: Toy = { log: [] };
  const report = new MemoryReporter();
  await assert.rejects(runPhases(ctx, selectPhases(failing, undefined, []), report), (e: unknown) => e instanceof PhaseFailedError && e.phasePath === 'boom' && /disk full/.test(e.message));
  assert.deepEqual(ctx.log, ['a']);
  assert.ok(report.events.some((e) => e.type === 'phaseEnd' && e.path === 'boom' && !e.ok));
});

test('flags: the union of what the phases read, first-seen order', () => {
  assert.deepEqual(flagsOf(tree), ['x', 'y', 'z']);
});

// The phase catalog the command tree is built from (and that the front bundle carries as JSON):
// every phase of the init and reset trees at its place, with the texts and flags help shows,
// and nothing that JSON would lose.

import assert from 'node:assert/strict';
import test from 'node:test';
import { describePhases, initCatalog, resetCatalog, type PhaseInfo } from '../../src/phases/catalog.js';
import { initPhases } from '../../src/phases/init/index.js';
import { resetPhases } from '../../src/phases/reset/index.js';
import type { Phase } from '../../src/workflow/phase.js';
import { flagsOf, placePhases, validPhaseNames } from '../../src/workflow/runner.js';

const trees: { name: string; phases: readonly Phase<never>[]; catalog: readonly PhaseInfo[] }[] = [
  { name: 'init', phases: initPhases as readonly Phase<never>[], catalog: initCatalog },
  { name: 'reset', phases: resetPhases as readonly Phase<never>[], catalog: resetCatalog },
];

for (const t of trees) {
  test(`${t.name} catalog: the same phases, paths, texts and flags as the phase tree`, () => {
    const placed = placePhases(t.phases);
    const described = placePhases(t.catalog);
    assert.deepEqual(described.map((p) => p.path), placed.map((p) => p.path));
    assert.deepEqual(validPhaseNames(t.catalog), validPhaseNames(t.phases));
    assert.deepEqual(flagsOf(t.catalog), flagsOf(t.phases));
    for (const [i, p] of placed.entries()) {
      const d = described[i]!.phase;
      for (const field of ['short', 'long', 'example', 'hidden', 'noAll'] as const) assert.equal(d[field], p.phase[field], `${p.path}: ${field}`);
      assert.deepEqual(d.flags, p.phase.flags, `${p.path}: flags`);
    }
    assert.ok(placed.some((p) => p.phase.run) && !described.some((p) => 'run' in p.phase || 'skipReason' in p.phase), 'no code in the catalog');
  });

  test(`${t.name} catalog: survives JSON as it is (the front bundle carries it so)`, () => {
    assert.deepEqual(JSON.parse(JSON.stringify(t.catalog)), t.catalog);
  });
}

test('describePhases: keeps the optional fields only where a phase has them', () => {
  const toy: Phase<never>[] = [
    { name: 'a', short: 'A', run: async () => undefined },
    { name: 'b', short: 'B', long: 'Bee', example: 'x b', flags: ['config'], hidden: true, noAll: true, skipReason: () => 'never', children: [{ name: 'c', short: 'C' }] },
  ];
  assert.deepEqual(describePhases(toy), [
    { name: 'a', short: 'A' },
    { name: 'b', short: 'B', long: 'Bee', example: 'x b', flags: ['config'], hidden: true, noAll: true, children: [{ name: 'c', short: 'C' }] },
  ]);
});

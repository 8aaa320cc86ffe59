// The runner's schedule for a whole run: lanes of a stage overlap, stages follow each other,
// every phase still reports its start and end, a failure lets its stage finish then stops;
// and init's own schedule names every phase of init's tree exactly once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Phase } from '../../src/workflow/phase.js';
import { runScheduled, scheduleProblems, selectPhases, PhaseFailedError, type Schedule } from '../../src/workflow/runner.js';
import { MemoryReporter } from '../../src/report/memory.js';
import { initKeyOrder, initPhases, initSchedule } from '../../src/phases/init/index.js';
import { CERT_SPECS } from '../../src/pki/cert-specs.js';
import { buildManifest } from '../../src/manifests/static-pod.js';
import type { TemplateName } from '../../src/manifests/render.js';
import { testConfig } from '../helpers/test-config.js';

interface Toy {
  log: string[];
}
const tick = () => new Promise((r) => setTimeout(r, 5));
/** a phase that logs its start, waits `ticks` timer turns, logs its end */
const slow = (name: string, ticks: number, children?: Phase<Toy>[]): Phase<Toy> => ({
  name,
  short: name,
  children,
  run: async (ctx) => {
    ctx.log.push(`${name}>`);
    for (let i = 0; i < ticks; i++) await tick();
    ctx.log.push(`<${name}`);
  },
});
const tree: Phase<Toy>[] = [slow('pre', 0), slow('a', 4), slow('b', 1, [slow('b1', 1)]), slow('c', 1), slow('post', 0)];
const schedule: Schedule = [[['pre']], [['a'], ['b', 'c']], [['post']]];

test('schedule: lanes overlap, a lane keeps its order, stages wait for each other', async () => {
  const ctx: Toy = { log: [] };
  const report = new MemoryReporter();
  await runScheduled(ctx, selectPhases(tree, undefined, []), schedule, report);
  const at = (s: string) => ctx.log.indexOf(s);
  assert.ok(at('<pre') < at('a>') && at('<pre') < at('b>'), 'stage 2 starts after stage 1');
  assert.ok(at('b>') < at('<a'), 'lane b starts while a runs');
  assert.ok(at('<b1') < at('c>'), 'c follows b (and its child) in its lane');
  assert.ok(at('<a') < at('post>') && at('<c') < at('post>'), 'stage 3 waits for both lanes');
  const starts = report.events.filter((e) => e.type === 'phaseStart').map((e) => (e as { path: string }).path);
  const ends = report.events.filter((e) => e.type === 'phaseEnd').map((e) => (e as { path: string }).path);
  assert.deepEqual([...starts].sort(), ['a', 'b', 'b/b1', 'c', 'post', 'pre']);
  assert.deepEqual([...ends].sort(), ['a', 'b', 'b/b1', 'c', 'post', 'pre']);
  assert.ok(ends.indexOf('b/b1') < ends.indexOf('b'), 'a parent still ends after its child');
});

test('schedule: --skip-phases still applies; a failure lets the other lane finish, then stops', async () => {
  const failing: Phase<Toy>[] = [slow('pre', 0), { name: 'a', short: 'a', run: async () => { throw new Error('disk full'); } }, slow('b', 3), slow('c', 0), slow('post', 0)];
  const ctx: Toy = { log: [] };
  const report = new MemoryReporter();
  await assert.rejects(
    runScheduled(ctx, selectPhases(failing, undefined, ['c']), schedule, report),
    (e: unknown) => e instanceof PhaseFailedError && e.phasePath === 'a',
  );
  assert.deepEqual(ctx.log, ['pre>', '<pre', 'b>', '<b'], 'b finished, c was skipped, post never ran');
  assert.ok(report.events.some((e) => e.type === 'phaseEnd' && e.path === 'a' && !e.ok));
});

test('schedule: a failed lane is reported at once (onLaneFailed), so a lane waiting on it can stop instead of hanging', async () => {
  const { Gate } = await import('../../src/workflow/gate.js');
  const gate = new Gate('a to finish');
  const waiting: Phase<Toy>[] = [
    slow('pre', 0),
    { name: 'a', short: 'a', run: async () => { throw new Error('disk full'); } },
    { name: 'b', short: 'b', run: async () => gate.opened },
    slow('c', 0),
    slow('post', 0),
  ];
  const ctx: Toy = { log: [] };
  const failed: unknown[] = [];
  await assert.rejects(
    runScheduled(ctx, selectPhases(waiting, undefined, []), schedule, new MemoryReporter(), undefined, (e) => (failed.push(e), gate.fail(e))),
    // the lane that failed first in the schedule's order is the one reported
    (e: unknown) => e instanceof PhaseFailedError && e.phasePath === 'a' && /disk full/.test(e.message),
  );
  assert.equal(failed.length, 2, 'both lanes failed: a, then b on the failed gate');
});

test('schedule: a child as an entry runs with its parent first; the other children where the parent comes later', async () => {
  const ctx: Toy = { log: [] };
  const report = new MemoryReporter();
  const t2: Phase<Toy>[] = [slow('pre', 0), slow('p', 0, [slow('p1', 0), slow('p2', 0)]), slow('q', 0), slow('post', 0)];
  await runScheduled(ctx, selectPhases(t2, undefined, []), [[['pre']], [['p/p2', 'q', 'p']], [['post']]], report);
  assert.deepEqual(ctx.log.filter((l) => l.endsWith('>')), ['pre>', 'p>', 'p2>', 'q>', 'p1>', 'post>']);
  const starts = report.events.filter((e) => e.type === 'phaseStart').map((e) => (e as { path: string }).path);
  assert.deepEqual(starts, ['pre', 'p', 'p/p2', 'q', 'p/p1', 'post'], 'each phase starts (and ends) once');
  const ends = report.events.filter((e) => e.type === 'phaseEnd').map((e) => (e as { path: string }).path);
  assert.deepEqual(ends, ['pre', 'p/p2', 'q', 'p/p1', 'p', 'post'], 'the split parent ends after its last child');
  assert.deepEqual(scheduleProblems(t2, [[['pre']], [['p/p2', 'q', 'p']], [['post']]]), []);
});

const problems: { name: string; schedule: Schedule; want: RegExp }[] = [
  { name: 'a phase left out', schedule: [[['pre', 'a', 'b', 'c']]], want: /post is not in the schedule/ },
  { name: 'a phase twice', schedule: [[['pre', 'a', 'b', 'c', 'post', 'a']]], want: /a twice/ },
  { name: 'an unknown phase', schedule: [[['pre', 'a', 'b', 'c', 'post', 'zz']]], want: /unknown phase zz/ },
];
for (const p of problems) {
  test(`schedule problems: ${p.name}`, () => assert.match(scheduleProblems(tree, p.schedule).join('\n'), p.want));
}

test("init's schedule names each of init's phases once, and keeps kubeadm's dependencies", () => {
  assert.deepEqual(scheduleProblems(initPhases, initSchedule), []);
  const stageOf = (n: string) => initSchedule.findIndex((stage) => stage.some((lane) => lane.includes(n)));
  const laneOf = (n: string) => initSchedule[stageOf(n)]!.find((lane) => lane.includes(n))!;
  const before = (a: string, b: string) => stageOf(a) < stageOf(b) || (laneOf(a) === laneOf(b) && laneOf(a).indexOf(a) < laneOf(a).indexOf(b));
  const needs: [string, string][] = [
    ['preflight', 'kubelet-start'],
    ['preflight', 'certs'],
    ['certs/ca', 'kubeconfig/kubelet'],
    ['certs/ca', 'kubeconfig/scheduler'],
    ['certs/ca', 'kubeconfig/controller-manager'],
    ['certs/ca', 'kubeconfig'],
    // each manifest after the files its component reads: the test below, from the manifests
    ['kubeconfig', 'wait-control-plane'],
    ['kubelet-start', 'wait-control-plane'],
    ['control-plane', 'wait-control-plane'],
    ['upload-certs', 'mark-control-plane'],
    ['bootstrap-token', 'show-join-command'],
    ['upload-certs', 'show-join-command'],
    ['addon', 'show-join-command'],
  ];
  for (const [a, b] of needs) assert.ok(before(a, b), `${a} runs before ${b}`);
  // what needs the API server or the switched kubelet waits on wait-control-plane's gates instead
  for (const n of ['addon', 'kubelet-finalize', 'upload-config', 'mark-control-plane', 'bootstrap-token']) {
    assert.ok(stageOf(n) === stageOf('wait-control-plane') || before('wait-control-plane', n), n);
  }
});

test("init's schedule writes each static pod's manifest after every file its component reads at start", async () => {
  const cfg = testConfig();
  const node = { presentCaDirs: new Set<string>(), env: {}, externalCA: false };
  const lane = initSchedule.flat().find((l) => l.includes('certs/ca'))!;
  const at = (entry: string) => {
    // an entry, or the rest of its parent ("certs" takes the certs not named on their own)
    const i = lane.indexOf(entry);
    return i >= 0 ? i : lane.indexOf(entry.split('/')[0]!);
  };
  // the phase that writes each file under /etc/kubernetes
  const writer = (file: string): string => {
    const conf = /^\/etc\/kubernetes\/([a-z-]+)\.conf$/.exec(file);
    if (conf) return `kubeconfig/${conf[1]}`;
    const base = file.replace(/^\/etc\/kubernetes\/pki\//, '').replace(/\.(crt|key|pub)$/, '');
    if (base === 'sa') return 'certs/sa';
    const spec = CERT_SPECS.find((c) => c.baseName === base);
    assert.ok(spec, `a certificate writes ${file}`);
    return `certs/${spec.name}`;
  };
  const phaseOf: Record<TemplateName, string> = { etcd: 'etcd', 'kube-apiserver': 'control-plane/apiserver', 'kube-controller-manager': 'control-plane/controller-manager', 'kube-scheduler': 'control-plane/scheduler' };
  let seen = 0;
  for (const name of Object.keys(phaseOf) as TemplateName[]) {
    const { text } = await buildManifest(name, cfg, node);
    const files = [...new Set([...text.matchAll(/=(\/etc\/kubernetes\/[^\s"]+\.(?:crt|key|pub|conf))/g)].map((m) => m[1]!))];
    assert.ok(files.length > 0, `${name} reads files`);
    for (const f of files) {
      const w = writer(f);
      assert.ok(at(w) >= 0 && at(w) < at(phaseOf[name]), `${f} (${w}) is written before ${name}'s manifest (${phaseOf[name]})`);
      seen++;
    }
  }
  assert.ok(seen >= 20, `the files read: ${seen}`);
});

test('the keys are made in the order the schedule takes them; those after the last manifest wait', () => {
  const { order, afterManifests } = initKeyOrder();
  assert.deepEqual(order.slice(0, 3), ['ca', 'kubeconfig/kubelet', 'kubeconfig/scheduler']);
  assert.deepEqual(afterManifests, ['etcd-healthcheck-client', 'kubeconfig/admin', 'kubeconfig/super-admin']);
  assert.equal(new Set(order).size, CERT_SPECS.length + 1 + 5, 'every certificate, sa and the five kubeconfigs, once');
});

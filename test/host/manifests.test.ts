// The etcd and control-plane phases on a real file system (RealHost in a temp root): modes,
// the etcd data dir, same-content re-runs that write nothing, regenerated files said so, and
// the skip for external etcd.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync, readFileSync } from 'node:fs';
import { nodePaths } from '../../src/host/paths.js';
import { MemoryReporter } from '../../src/report/memory.js';
import { etcdPhase } from '../../src/phases/init/etcd.js';
import { controlPlanePhase } from '../../src/phases/init/control-plane.js';
import type { InitContext } from '../../src/phases/context.js';
import type { InitConfig } from '../../src/config/types.js';
import { testConfig } from '../helpers/test-config.js';
import { tmpHost } from '../helpers/tmp-host.js';

function ctxFor(t: Parameters<typeof tmpHost>[0], cfg: InitConfig = testConfig()) {
  const host = tmpHost(t);
  const report = new MemoryReporter();
  const paths = nodePaths({ certificatesDir: cfg.certificatesDir, kubeconfigDir: '/etc/kubernetes' });
  return { ctx: { cfg, host, report, paths } as unknown as InitContext, host, report };
}

const child = (name: string) => {
  const all = [...(etcdPhase.children ?? []), ...(controlPlanePhase.children ?? [])];
  const p = all.find((c) => c.name === name);
  assert.ok(p?.run, name);
  return p;
};

async function runAll(ctx: InitContext) {
  for (const n of ['local', 'apiserver', 'controller-manager', 'scheduler']) await child(n).run!(ctx);
}

test('writes four manifests 0600 in a 0700 directory, and the etcd data dir 0700', async (t) => {
  const { ctx, host, report } = ctxFor(t);
  await runAll(ctx);
  const mode = (p: string) => statSync(host.resolve(p)).mode & 0o777;
  assert.equal(mode('/etc/kubernetes/manifests'), 0o700);
  for (const c of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) assert.equal(mode(`/etc/kubernetes/manifests/${c}.yaml`), 0o600, c);
  assert.equal(mode('/var/lib/etcd'), 0o700);
  const results = report.events.filter((e) => e.type === 'result');
  assert.deepEqual(results.filter((e) => e.kind === 'static-pod').length, 4);
  assert.ok(results.some((e) => e.message === 'etcd: /etc/kubernetes/manifests/etcd.yaml (the kubelet starts it from the file, no API server needed)'));
});

test('a second run with the same configuration writes nothing; different content is regenerated and reported', async (t) => {
  const { ctx, host, report } = ctxFor(t);
  await runAll(ctx);
  const writes = host.actions.filter((a) => a.kind === 'write').length;
  assert.ok(writes >= 4, 'the first run wrote the manifests');
  await runAll(ctx);
  assert.equal(host.actions.filter((a) => a.kind === 'write').length, writes, 'no writes on a same-content re-run');
  const file = host.resolve('/etc/kubernetes/manifests/kube-scheduler.yaml');
  const good = readFileSync(file, 'utf8');
  writeFileSync(file, 'edited by hand\n');
  await child('scheduler').run!(ctx);
  assert.equal(readFileSync(file, 'utf8'), good);
  assert.ok(report.events.some((e) => e.type === 'warn' && /kube-scheduler\.yaml existed with other content: regenerated/.test(e.message)));
});

test('CA-bundle dirs present in the root are mounted; absent ones are not', async (t) => {
  const { ctx, host } = ctxFor(t);
  await host.mkdir('/usr/share/ca-certificates', 0o755);
  await child('apiserver').run!(ctx);
  const text = readFileSync(host.resolve('/etc/kubernetes/manifests/kube-apiserver.yaml'), 'utf8');
  assert.match(text, /name: usr-share-ca-certificates/);
  assert.doesNotMatch(text, /etc-pki-ca-trust/);
});

test('external etcd: etcd local is skipped with a reason', (t) => {
  const cfg = testConfig((c) => {
    delete c.etcd.local;
    c.etcd.external = { endpoints: ['https://10.0.0.5:2379'], caFile: '', certFile: '', keyFile: '' };
  });
  const { ctx } = ctxFor(t, cfg);
  assert.match(child('local').skipReason!(ctx) ?? '', /external etcd/);
  assert.equal(child('local').skipReason!(ctxFor(t).ctx), undefined);
});

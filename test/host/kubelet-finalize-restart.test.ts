// kubelet-finalize's restart on a temp rootfs (a recording systemctl stand-in on PATH): run as a
// phase it restarts the kubelet as kubeadm does; in a whole init it does not (the running kubelet
// already uses its certificate store; a restart would re-run the static pods' startup probes).
// Also: kubelet-start repairs what an interrupted init of an older mini-kubeadm left (its
// standalone-mode bootstrap config), and reset takes that file away with /var/lib/kubelet.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { tmpDir, tmpHost } from '../helpers/tmp-host.js';
import { testConfig, testRunOptions } from '../helpers/test-config.js';
import { nodePaths } from '../../src/host/paths.js';
import { writeKubeletFiles } from '../../src/kubelet/kubelet-files.js';
import { runCli } from '../helpers/run-cli.js';
import { newNode, runInitPhases } from './certs-harness.js';
import { initPhases } from '../../src/phases/init/index.js';
import { runPhases, selectPhases } from '../../src/workflow/runner.js';
import { MemoryReporter } from '../../src/report/memory.js';
import type { InitContext } from '../../src/phases/context.js';
import { standInTools, RECORDS } from '../helpers/stand-in-tools.js';

const paths = nodePaths({ certificatesDir: '/etc/kubernetes/pki', kubeconfigDir: '/etc/kubernetes' });
const BOOTSTRAP = '/var/lib/kubelet/mini-kubeadm-bootstrap.yaml';
const PEM = '/var/lib/kubelet/pki/kubelet-client-current.pem';

const fakeSystemctl = (t: Parameters<typeof tmpDir>[0]) => standInTools(t!, { systemctl: RECORDS }, 'none');

/** a node with kubelet.conf (embedded pair) and the store the kubelet writes at its start */
async function nodeWithStore(t: import("node:test").TestContext) {
  const node = newNode(t);
  await runInitPhases(node, ['certs/ca', 'kubeconfig/kubelet']);
  await node.real.writeFile(PEM, 'PEM', 0o600);
  return node;
}

function kubeletConfUser(file: string): Record<string, string> {
  return (yaml.load(readFileSync(file, 'utf8')) as { users: { user: Record<string, string> }[] }).users[0]!.user;
}

test('kubelet-finalize as a phase: kubelet.conf points at the store, and the kubelet restarts (as kubeadm)', async (t) => {
  const node = await nodeWithStore(t);
  await node.real.writeFile('/root/init.yaml', 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nlocalAPIEndpoint:\n  advertiseAddress: 172.31.0.2\nnodeRegistration:\n  name: node-a\n', 0o600);
  const fake = fakeSystemctl(t);
  let r;
  try {
    r = await runCli(['init', 'phase', 'kubelet-finalize', 'all', '--rootfs', node.real.resolve('/'), '--config', '/root/init.yaml']);
  } finally {
    fake.restore();
  }
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(kubeletConfUser(node.file('/etc/kubernetes/kubelet.conf'))['client-certificate'], PEM);
  assert.deepEqual(fake.calls().filter((c) => c.includes('restart')), ['systemctl restart kubelet']);
});

test('kubelet-finalize in a whole init: kubelet.conf points at the store, no restart, and it says why', async (t) => {
  const node = await nodeWithStore(t);
  const cfg = testConfig();
  const report = new MemoryReporter();
  const ctx: InitContext = {
    cfg, opts: testRunOptions(), paths, host: node.real, report, flags: {}, state: new Map(), wholeInit: true,
    kube: async () => {
      throw new Error('no API server in host tests');
    },
  };
  const fake = fakeSystemctl(t);
  try {
    await runPhases(ctx, selectPhases(initPhases, 'kubelet-finalize', []), report);
  } finally {
    fake.restore();
  }
  assert.equal(kubeletConfUser(node.file('/etc/kubernetes/kubelet.conf'))['client-certificate'], PEM);
  assert.deepEqual(fake.calls().filter((c) => c.includes('restart')), []);
  const said = report.events.map((e) => ('message' in e ? String(e.message) : '')).join('\n');
  assert.match(said, /no kubelet restart: it already uses \/var\/lib\/kubelet\/pki\/kubelet-client-current\.pem/);
});

test('kubelet-start after an older init stopped in standalone mode removes its bootstrap config', async (t) => {
  const host = tmpHost(t);
  await host.writeFile(BOOTSTRAP, 'kind: KubeletConfiguration\n', 0o644);
  await host.writeFile('/var/lib/kubelet/kubeadm-flags.env', `KUBELET_KUBEADM_ARGS="--kubeconfig= --bootstrap-kubeconfig= --config=${BOOTSTRAP}"\n`, 0o644);
  const cfg = testConfig((c) => (c.nodeRegistration.kubeletExtraArgs = [{ name: 'v', value: '2' }]));
  const w = await writeKubeletFiles(host, cfg, paths, { hostname: 'node-a' });
  assert.deepEqual(w.removed, [BOOTSTRAP]);
  assert.equal(existsSync(host.resolve(BOOTSTRAP)), false);
  assert.equal(readFileSync(host.resolve('/var/lib/kubelet/kubeadm-flags.env'), 'utf8'), 'KUBELET_KUBEADM_ARGS="--v=2"\n');
});

test('reset takes a left-over bootstrap config away with the rest of /var/lib/kubelet', async (t) => {
  const host = tmpHost(t);
  const root = host.resolve('/');
  await host.writeFile(BOOTSTRAP, 'kind: KubeletConfiguration\n', 0o644);
  const r = await runCli(['reset', 'phase', 'cleanup-node', '--force', '--rootfs', root]);
  assert.equal(existsSync(path.join(root, BOOTSTRAP)), false, r.stdout + r.stderr);
});

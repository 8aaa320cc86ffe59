// The standalone-mode kubelet of a whole init, on a temp rootfs: kubelet-start's transient
// files (the bootstrap config, kubeadm-flags.env with the standalone flags last), the switch
// back to kubeadm's files (byte-identical to a plain kubelet-start), the repair a plain
// kubelet-start makes of a left-over bootstrap, and reset taking the bootstrap file away.
// The service verbs go to a recording systemctl stand-in on PATH.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { tmpDir, tmpHost } from '../helpers/tmp-host.js';
import { testConfig } from '../helpers/test-config.js';
import { nodePaths } from '../../src/host/paths.js';
import { leaveStandalone, writeKubeletFiles } from '../../src/kubelet/kubelet-files.js';
import { inStandaloneBootstrap } from '../../src/kubelet/standalone.js';
import { runCli } from '../helpers/run-cli.js';

const paths = nodePaths({ certificatesDir: '/etc/kubernetes/pki', kubeconfigDir: '/etc/kubernetes' });
const BOOTSTRAP = '/var/lib/kubelet/mini-kubeadm-bootstrap.yaml';

function fakeSystemctl(t: Parameters<typeof tmpDir>[0]): { calls: () => string[]; restore: () => void } {
  const bin = tmpDir(t, 'mk-bin-');
  const log = path.join(bin, 'calls.log');
  writeFileSync(path.join(bin, 'systemctl'), `#!/bin/sh\necho "systemctl $*" >> ${log}\nexit 0\n`);
  chmodSync(path.join(bin, 'systemctl'), 0o755);
  const old = process.env.PATH;
  process.env.PATH = bin;
  return { calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []), restore: () => void (process.env.PATH = old) };
}

const cfg = testConfig((c) => {
  c.nodeRegistration.kubeletExtraArgs = [{ name: 'v', value: '2' }];
});

test('standalone kubelet-start: the bootstrap config and the standalone flags, last so they win', async (t) => {
  const host = tmpHost(t);
  const fake = fakeSystemctl(t);
  t.after(fake.restore);
  const w = await writeKubeletFiles(host, cfg, paths, { hostname: 'node-a', standalone: true });
  assert.deepEqual(w.files, [BOOTSTRAP, '/var/lib/kubelet/kubeadm-flags.env', '/var/lib/kubelet/instance-config.yaml', '/var/lib/kubelet/config.yaml']);
  assert.equal(
    readFileSync(host.resolve('/var/lib/kubelet/kubeadm-flags.env'), 'utf8'),
    `KUBELET_KUBEADM_ARGS="--v=2 --kubeconfig= --bootstrap-kubeconfig= --config=${BOOTSTRAP}"\n`,
  );
  const real = yaml.load(readFileSync(host.resolve('/var/lib/kubelet/config.yaml'), 'utf8')) as Record<string, any>;
  const boot = yaml.load(readFileSync(host.resolve(BOOTSTRAP), 'utf8')) as Record<string, any>;
  assert.equal(boot.enableServer, false);
  assert.equal(boot.authorization.mode, 'AlwaysAllow');
  assert.equal(boot.authentication.webhook.enabled, false);
  assert.equal(boot.authentication.x509.clientCAFile, undefined, 'the CA may not exist yet');
  assert.equal(real.authentication.x509.clientCAFile, '/etc/kubernetes/pki/ca.crt', 'config.yaml is the real one');
  // everything that decides how pods run is the real config's
  for (const k of ['cgroupDriver', 'staticPodPath', 'clusterDNS', 'clusterDomain', 'containerRuntimeEndpoint', 'healthzPort', 'healthzBindAddress']) assert.deepEqual(boot[k], real[k], k);
  assert.equal(await inStandaloneBootstrap(host, paths), true);
});

test("leaving standalone mode: kubeadm's files byte for byte, no bootstrap file, one restart", async (t) => {
  const plain = tmpHost(t);
  const fake = fakeSystemctl(t);
  t.after(fake.restore);
  await writeKubeletFiles(plain, cfg, paths, { hostname: 'node-a' });

  const host = tmpHost(t);
  await writeKubeletFiles(host, cfg, paths, { hostname: 'node-a', standalone: true });
  const outcome = await leaveStandalone(host, cfg, paths, 'node-a');
  assert.equal(outcome.kind, 'restarted');
  for (const f of ['kubeadm-flags.env', 'config.yaml', 'instance-config.yaml']) {
    assert.equal(readFileSync(host.resolve(`/var/lib/kubelet/${f}`), 'utf8'), readFileSync(plain.resolve(`/var/lib/kubelet/${f}`), 'utf8'), f);
  }
  assert.equal(existsSync(host.resolve(BOOTSTRAP)), false);
  assert.equal(await inStandaloneBootstrap(host, paths), false);
  assert.deepEqual(fake.calls().filter((c) => !c.includes('is-active')), ['systemctl daemon-reload', 'systemctl restart kubelet']);
});

test('a plain kubelet-start after an init stopped in standalone mode repairs it', async (t) => {
  const host = tmpHost(t);
  const fake = fakeSystemctl(t);
  t.after(fake.restore);
  await writeKubeletFiles(host, cfg, paths, { hostname: 'node-a', standalone: true });
  const w = await writeKubeletFiles(host, cfg, paths, { hostname: 'node-a' });
  assert.deepEqual(w.removed, [BOOTSTRAP]);
  assert.equal(existsSync(host.resolve(BOOTSTRAP)), false);
  assert.equal(readFileSync(host.resolve('/var/lib/kubelet/kubeadm-flags.env'), 'utf8'), 'KUBELET_KUBEADM_ARGS="--v=2"\n');
});

test('reset takes the bootstrap config away with the rest of /var/lib/kubelet', async (t) => {
  const host = tmpHost(t);
  const root = host.resolve('/');
  await writeKubeletFiles(host, cfg, paths, { hostname: 'node-a', standalone: true });
  assert.ok(existsSync(path.join(root, BOOTSTRAP)));
  const r = await runCli(['reset', 'phase', 'cleanup-node', '--force', '--rootfs', root]);
  assert.equal(existsSync(path.join(root, BOOTSTRAP)), false, r.stdout + r.stderr);
  assert.equal(existsSync(path.join(root, '/var/lib/kubelet/kubeadm-flags.env')), false);
});

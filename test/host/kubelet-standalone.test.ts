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
import { keyPublicKey, newNode, openssl, runInitPhases } from './certs-harness.js';
import { lstatSync, readlinkSync, statSync } from 'node:fs';

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
  assert.equal(outcome.service.kind, 'restarted');
  assert.deepEqual(outcome.seed, { kind: "skipped", why: "there is no /etc/kubernetes/kubelet.conf" });
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

// The kubelet writes its client pair into its certificate store the first time it starts with
// kubelet.conf (kubeadm always sets rotateCertificates); the switch does the same before its
// restart, so kubelet.conf points at it at once and kubelet-finalize has nothing left to change.
const SEED_CASES: { name: string; certDir?: string }[] = [
  { name: 'the kubelet\'s default cert dir' },
  { name: 'a --cert-dir from kubeletExtraArgs', certDir: '/var/lib/kubelet/own-pki' },
];
for (const c of SEED_CASES) {
  test(`leaving standalone mode seeds the client pair and points kubelet.conf at it (${c.name}); kubelet-finalize then restarts nothing`, async (t) => {
    const node = newNode(t);
    const host = node.real;
    await runInitPhases(node, ['certs/ca', 'kubeconfig/kubelet']);
    const cfgSeed = testConfig((x) => {
      x.nodeRegistration.kubeletExtraArgs = c.certDir ? [{ name: 'cert-dir', value: c.certDir }] : [];
    });
    const dir = c.certDir ?? '/var/lib/kubelet/pki';
    const fake = fakeSystemctl(t);
    let left, finalize, restarts;
    try {
      await writeKubeletFiles(host, cfgSeed, paths, { hostname: 'node-a', standalone: true });
      left = await leaveStandalone(host, cfgSeed, paths, 'node-a');
      // kubelet-finalize afterwards (the same node, with its config file)
      await host.writeFile('/root/init.yaml', c.certDir ? `apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nlocalAPIEndpoint:\n  advertiseAddress: 172.31.0.2\nnodeRegistration:\n  name: node-a\n  kubeletExtraArgs:\n  - name: cert-dir\n    value: ${c.certDir}\n` : 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nlocalAPIEndpoint:\n  advertiseAddress: 172.31.0.2\nnodeRegistration:\n  name: node-a\n', 0o600);
      finalize = await runCli(['init', 'phase', 'kubelet-finalize', 'all', '--rootfs', host.resolve('/'), '--config', '/root/init.yaml']);
      restarts = fake.calls().filter((x) => x.includes('restart'));
    } finally {
      fake.restore();
    }
    assert.equal(left.service.kind, 'restarted');
    assert.equal(left.seed.kind, 'seeded');
    // client-go's store: kubelet-client-<2006-01-02-15-04-05>.pem, 0600, and the link to it
    const current = node.file(`${dir}/kubelet-client-current.pem`);
    assert.ok(lstatSync(current).isSymbolicLink());
    const target = readlinkSync(current);
    assert.match(target, /^kubelet-client-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.pem$/);
    const pair = node.file(`${dir}/${target}`);
    assert.equal(statSync(pair).mode & 0o777, 0o600);
    // openssl: the node's client certificate, issued by the CA, and the key that goes with it
    const subject = openssl(['x509', '-in', pair, '-noout', '-subject', '-nameopt', 'RFC2253']);
    assert.match(subject, /CN=system:node:node-a/);
    assert.match(subject, /O=system:nodes/);
    assert.match(openssl(['verify', '-CAfile', node.file('/etc/kubernetes/pki/ca.crt'), pair]), /: OK/);
    assert.equal(keyPublicKey(pair), openssl(['x509', '-in', pair, '-noout', '-pubkey']));
    const kcText = readFileSync(node.file("/etc/kubernetes/kubelet.conf"), "utf8");
    const kc = yaml.load(kcText) as { users: { user: Record<string, string> }[] };
    assert.equal(kc.users[0]!.user['client-certificate'], `${dir}/kubelet-client-current.pem`);
    assert.equal(kc.users[0]!.user['client-key'], `${dir}/kubelet-client-current.pem`);
    assert.equal(kc.users[0]!.user['client-certificate-data'], undefined);
    assert.equal(finalize.code, 0, finalize.stdout + finalize.stderr);
    assert.match(finalize.stdout + finalize.stderr, /already points to the rotatable kubelet client certificate/);
    assert.deepEqual(restarts, ['systemctl restart kubelet'], 'one restart: the switch');
  });
}

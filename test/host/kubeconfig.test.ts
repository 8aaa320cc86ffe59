// The kubeconfig phase on a real temp directory, read back by kubectl (cluster, server,
// context, user) and openssl (the embedded client certs: CN, O, chain to ca.crt, key pair);
// servers per minor, reuse, conflicts, external CA.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { InitConfig } from '../../src/config/types.js';
import { parseKubeVersion } from '../../src/config/defaults.js';
import { MkError } from '../../src/errors.js';
import { certFacts, keyPublicKey, mode, newNode, runInitPhases, verifyAll, type Node } from './certs-harness.js';

interface KubectlView {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
  users: { name: string; user: { 'client-certificate-data': string; 'client-key-data': string } }[];
}

function kubectlView(file: string): KubectlView {
  return JSON.parse(execFileSync('kubectl', ['config', 'view', '--kubeconfig', file, '--raw', '-o', 'json'], { encoding: 'utf8' })) as KubectlView;
}

const ecdsa = (c: InitConfig) => (c.encryptionAlgorithm = 'ECDSA-P256');

/** what kubectl and openssl say about one kubeconfig; the client cert and key land in files beside it */
function inspect(n: Node, name: string) {
  const file = n.file(`/etc/kubernetes/${name}.conf`);
  const v = kubectlView(file);
  assert.equal(v.clusters.length, 1);
  assert.equal(v.users.length, 1);
  const certFile = `${n.real.rootfs}/${name}-client.crt`;
  const keyFile = `${n.real.rootfs}/${name}-client.key`;
  const caFile = `${n.real.rootfs}/${name}-ca.crt`;
  writeFileSync(certFile, Buffer.from(v.users[0]!.user['client-certificate-data'], 'base64'));
  writeFileSync(keyFile, Buffer.from(v.users[0]!.user['client-key-data'], 'base64'));
  writeFileSync(caFile, Buffer.from(v.clusters[0]!.cluster['certificate-authority-data'], 'base64'));
  return { file, view: v, cert: certFacts(certFile), certFile, keyFile, caFile };
}

const FILES: { name: string; user: string; subject: string }[] = [
  { name: 'admin', user: 'kubernetes-admin', subject: 'CN=kubernetes-admin,O=kubeadm:cluster-admins' },
  { name: 'super-admin', user: 'kubernetes-super-admin', subject: 'CN=kubernetes-super-admin,O=system:masters' },
  { name: 'kubelet', user: 'system:node:node-a', subject: 'CN=system:node:node-a,O=system:nodes' },
  { name: 'controller-manager', user: 'system:kube-controller-manager', subject: 'CN=system:kube-controller-manager' },
  { name: 'scheduler', user: 'system:kube-scheduler', subject: 'CN=system:kube-scheduler' },
];

test('kubeconfig (RSA-2048): five files as kubeadm writes them, read by kubectl and openssl', async (t) => {
  const n = newNode(t);
  const startedAt = new Date();
  await runInitPhases(n, ['certs/ca', 'kubeconfig'], { run: { startedAt } });
  const caCrt = n.file('/etc/kubernetes/pki/ca.crt');
  const ca = certFacts(caCrt);
  for (const f of FILES) {
    const k = inspect(n, f.name);
    assert.equal(mode(k.file), 0o600, `${f.name}.conf mode`);
    assert.deepEqual(k.view.clusters.map((c) => [c.name, c.cluster.server]), [['kubernetes', 'https://172.31.0.2:6443']], f.name);
    assert.equal(k.view['current-context'], `${f.user}@kubernetes`);
    assert.deepEqual(k.view.contexts, [{ name: `${f.user}@kubernetes`, context: { cluster: 'kubernetes', user: f.user } }]);
    assert.equal(k.view.users[0]!.name, f.user);
    assert.equal(readFileSync(k.caFile, 'utf8'), readFileSync(caCrt, 'utf8'), 'the embedded CA is ca.crt');
    assert.equal(k.cert.subject, f.subject, `${f.name} client cert subject`);
    assert.equal(k.cert.issuer, 'CN=kubernetes');
    assert.equal(k.cert.extKeyUsage, 'TLS Web Client Authentication');
    assert.equal(k.cert.keyUsage, 'critical: Digital Signature, Key Encipherment');
    assert.equal(k.cert.basicConstraints, 'critical: CA:FALSE');
    assert.equal(k.cert.san, undefined);
    assert.ok(verifyAll(caCrt, [k.certFile]).ok, `${f.name} client cert chains to ca.crt`);
    assert.equal(keyPublicKey(k.keyFile), k.cert.publicKey, `${f.name} client key matches`);
    assert.match(readFileSync(k.keyFile, 'utf8'), /^-----BEGIN RSA PRIVATE KEY-----/);
    // client certs start with their CA and end as leaves do (start + 8760h)
    assert.equal(k.cert.notBefore.getTime(), ca.notBefore.getTime(), `${f.name} notBefore`);
    assert.equal(k.cert.notAfter.getTime(), Math.floor(startedAt.getTime() / 1000) * 1000 + 8760 * 3600_000, `${f.name} notAfter`);
  }
  // the file as client-go writes it: keys sorted, sequences not indented
  assert.match(readFileSync(n.file('/etc/kubernetes/admin.conf'), 'utf8'), /^apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: \S+\n    server: https:\/\/172\.31\.0\.2:6443\n  name: kubernetes\ncontexts:\n- context:\n/);
});

const SERVERS: {
  name: string;
  cfg: (c: InitConfig) => void;
  admin: string;
  kubelet: string;
  local: string;
}[] = [
  { name: 'v1.37, no endpoint', cfg: () => {}, admin: 'https://172.31.0.2:6443', kubelet: 'https://172.31.0.2:6443', local: 'https://172.31.0.2:6443' },
  {
    name: 'v1.37, endpoint without port: the bind port',
    cfg: (c) => {
      c.controlPlaneEndpoint = 'cp.example.com';
      c.localAPIEndpoint.bindPort = 7443;
    },
    admin: 'https://cp.example.com:7443',
    kubelet: 'https://172.31.0.2:7443',
    local: 'https://172.31.0.2:7443',
  },
  {
    name: 'v1.32, endpoint: kubelet.conf follows the endpoint',
    cfg: (c) => {
      c.kubernetesVersion = parseKubeVersion('v1.32.4')!;
      c.controlPlaneEndpoint = '10.0.0.100:8443';
    },
    admin: 'https://10.0.0.100:8443',
    kubelet: 'https://10.0.0.100:8443',
    local: 'https://172.31.0.2:6443',
  },
  {
    name: 'v1.32 with ControlPlaneKubeletLocalMode: kubelet.conf is local',
    cfg: (c) => {
      c.kubernetesVersion = parseKubeVersion('v1.32.4')!;
      c.controlPlaneEndpoint = '10.0.0.100:8443';
      c.featureGates = { ControlPlaneKubeletLocalMode: true };
    },
    admin: 'https://10.0.0.100:8443',
    kubelet: 'https://172.31.0.2:6443',
    local: 'https://172.31.0.2:6443',
  },
  {
    name: 'v1.33 with ControlPlaneKubeletLocalMode=false: kubelet.conf follows the endpoint',
    cfg: (c) => {
      c.kubernetesVersion = parseKubeVersion('v1.33.1')!;
      c.controlPlaneEndpoint = 'cp.example.com:6443';
      c.featureGates = { ControlPlaneKubeletLocalMode: false };
    },
    admin: 'https://cp.example.com:6443',
    kubelet: 'https://cp.example.com:6443',
    local: 'https://172.31.0.2:6443',
  },
  {
    name: 'IPv6 advertise address and endpoint',
    cfg: (c) => {
      c.localAPIEndpoint.advertiseAddress = 'fd00::2';
      c.controlPlaneEndpoint = '[fd00::100]:6443';
    },
    admin: 'https://[fd00::100]:6443',
    kubelet: 'https://[fd00::2]:6443',
    local: 'https://[fd00::2]:6443',
  },
];

for (const s of SERVERS) {
  test(`servers: ${s.name}`, async (t) => {
    const n = newNode(t);
    await runInitPhases(n, ['certs/ca', 'kubeconfig'], {
      cfg: (c) => {
        ecdsa(c);
        s.cfg(c);
      },
    });
    const server = (name: string) => kubectlView(n.file(`/etc/kubernetes/${name}.conf`)).clusters[0]!.cluster.server;
    assert.equal(server('admin'), s.admin, 'admin.conf');
    assert.equal(server('super-admin'), s.admin, 'super-admin.conf');
    assert.equal(server('kubelet'), s.kubelet, 'kubelet.conf');
    assert.equal(server('controller-manager'), s.local, 'controller-manager.conf');
    assert.equal(server('scheduler'), s.local, 'scheduler.conf');
  });
}

const PREFERENCES: { version: string; has: boolean }[] = [
  { version: 'v1.33.0', has: true },
  { version: 'v1.34.0', has: false },
];

for (const p of PREFERENCES) {
  test(`${p.version}: ${p.has ? 'writes' : 'omits'} "preferences: {}" as that minor's client-go does`, async (t) => {
    const n = newNode(t);
    await runInitPhases(n, ['certs/ca', 'kubeconfig/scheduler'], { cfg: (c) => ((c.kubernetesVersion = parseKubeVersion(p.version)!), ecdsa(c)) });
    assert.equal(/^preferences: \{\}$/m.test(readFileSync(n.file('/etc/kubernetes/scheduler.conf'), 'utf8')), p.has);
    assert.equal(kubectlView(n.file('/etc/kubernetes/scheduler.conf'))['current-context'], 'system:kube-scheduler@kubernetes');
  });
}

test('--kubeconfig-dir and clusterName are honoured', async (t) => {
  const n = newNode(t);
  await runInitPhases(n, ['certs/ca', 'kubeconfig/admin'], { cfg: (c) => ((c.clusterName = 'lab'), ecdsa(c)), run: { kubeconfigDir: '/srv/kc' } });
  const v = kubectlView(n.file('/srv/kc/admin.conf'));
  assert.equal(v['current-context'], 'kubernetes-admin@lab');
  assert.equal(v.clusters[0]!.name, 'lab');
  assert.equal(existsSync(n.file('/etc/kubernetes/admin.conf')), false);
});

test('a second run reuses every kubeconfig byte for byte', async (t) => {
  const n = newNode(t);
  await runInitPhases(n, ['certs/ca', 'kubeconfig'], { cfg: ecdsa });
  const before = FILES.map((f) => readFileSync(n.file(`/etc/kubernetes/${f.name}.conf`), 'utf8'));
  const again = await runInitPhases(n, ['kubeconfig'], { cfg: ecdsa });
  assert.deepEqual(FILES.map((f) => readFileSync(n.file(`/etc/kubernetes/${f.name}.conf`), 'utf8')), before);
  const results = again.report.events.filter((e) => e.type === 'result').map((e) => (e as { message: string }).message);
  assert.equal(results.filter((m) => m.startsWith('Using existing kubeconfig file')).length, 5, results.join('\n'));
});

async function expectError(p: Promise<unknown>, code: string, names: RegExp): Promise<void> {
  const e = await p.then(
    () => assert.fail(`expected ${code}`),
    (err: unknown) => err,
  );
  const inner = (e as { inner?: unknown }).inner ?? e;
  assert.ok(inner instanceof MkError, String(inner));
  assert.equal(inner.code, code, inner.message);
  assert.match(inner.message, names);
  assert.ok(inner.hint, 'says how to fix it');
}

test('conflict: an existing kubeconfig pointing elsewhere is refused, naming the file, and kept', async (t) => {
  const n = newNode(t);
  await runInitPhases(n, ['certs/ca', 'kubeconfig'], { cfg: ecdsa });
  const before = readFileSync(n.file('/etc/kubernetes/admin.conf'), 'utf8');
  await expectError(
    runInitPhases(n, ['kubeconfig/admin'], { cfg: (c) => ((c.controlPlaneEndpoint = 'other.example.com'), ecdsa(c)) }),
    'KUBECONFIG_WRONG_SERVER',
    /\/etc\/kubernetes\/admin\.conf.*https:\/\/172\.31\.0\.2:6443.*https:\/\/other\.example\.com:6443/,
  );
  assert.equal(readFileSync(n.file('/etc/kubernetes/admin.conf'), 'utf8'), before);
});

test('conflict: a kubeconfig of another cluster (other CA) is refused, naming the file, and kept', async (t) => {
  const other = newNode(t);
  await runInitPhases(other, ['certs/ca', 'kubeconfig/scheduler'], { cfg: ecdsa });
  const n = newNode(t);
  await runInitPhases(n, ['certs/ca'], { cfg: ecdsa });
  const foreign = readFileSync(other.file('/etc/kubernetes/scheduler.conf'));
  writeFileSync(n.file('/etc/kubernetes/scheduler.conf'), foreign, { mode: 0o600 });
  await expectError(runInitPhases(n, ['kubeconfig/scheduler'], { cfg: ecdsa }), 'KUBECONFIG_WRONG_CA', /\/etc\/kubernetes\/scheduler\.conf.*\/etc\/kubernetes\/pki\/ca\.crt/);
  assert.deepEqual(readFileSync(n.file('/etc/kubernetes/scheduler.conf')), foreign);
});

test('external CA: existing kubeconfigs are validated and used, a missing one is an error', async (t) => {
  const n = newNode(t);
  await runInitPhases(n, ['certs/ca', 'kubeconfig'], { cfg: ecdsa });
  rmSync(n.file('/etc/kubernetes/pki/ca.key'));
  const run = await runInitPhases(n, ['kubeconfig'], { cfg: ecdsa });
  assert.equal(run.report.events.filter((e) => e.type === 'result' && /user-provided kubeconfig/.test(e.message)).length, 5);
  rmSync(n.file('/etc/kubernetes/kubelet.conf'));
  await expectError(runInitPhases(n, ['kubeconfig'], { cfg: ecdsa }), 'EXTERNAL_CA_MISSING_KUBECONFIG', /\/etc\/kubernetes\/kubelet\.conf.*ca\.key/);
  assert.equal(existsSync(n.file('/etc/kubernetes/kubelet.conf')), false);
});

test('without ca.crt the kubeconfig phase says which CA to make first', async (t) => {
  const n = newNode(t);
  await expectError(runInitPhases(n, ['kubeconfig/admin'], { cfg: ecdsa }), 'CA_MISSING', /\/etc\/kubernetes\/pki\/ca\.crt/);
});

test('dry-run: kubeconfigs are recorded (0600), not written, even over a dry-run CA', async (t) => {
  const n = newNode(t);
  const run = await runInitPhases(n, ['certs', 'kubeconfig'], { dryRun: true, cfg: ecdsa });
  const writes = run.host.actions.filter((a) => a.kind === 'write' && a.path.endsWith('.conf')) as { path: string; mode: number }[];
  assert.deepEqual(writes.map((w) => [w.path, w.mode]), FILES.map((f) => [`/etc/kubernetes/${f.name}.conf`, 0o600]));
  assert.equal(existsSync(n.file('/etc')), false);
});

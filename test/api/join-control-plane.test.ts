// A control-plane join's first steps against a real kube-apiserver (lab build cache): init's
// certs phase makes the control plane's keys (with the API server's own CA), init's upload-certs
// phase code stores them in Secret kubeadm-certs; then `join phase control-plane-prepare ...
// --control-plane --certificate-key K` downloads them (bytes and kubeadm's modes checked against
// the init node's files), makes this node's certificates (checked with openssl) and kubeconfigs
// (admin.conf checked with kubectl against the API server). A cluster without a
// controlPlaneEndpoint, a wrong key and a missing Secret each fail with kubeadm's text, a hint,
// exit 1, and the node unchanged.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { tmpHost } from '../helpers/tmp-host.js';
import { testConfig, testRunOptions } from '../helpers/test-config.js';
import { fakeNodeRoot, snapshotTree } from '../helpers/config-fake-node.js';
import { runCli } from '../helpers/run-cli.js';
import { nodePaths } from '../../src/host/paths.js';
import type { InitContext } from '../../src/phases/context.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { InitConfig } from '../../src/config/types.js';
import { connect } from '../../src/kube/connect.js';
import { initPhases } from '../../src/phases/init/index.js';
import { runPhases, selectPhases } from '../../src/workflow/runner.js';
import { MemoryReporter } from '../../src/report/memory.js';
import { applyProfile } from '../../src/profiles/apply.js';
import { profileNamed } from '../../src/profiles/profiles.js';
import { writeProfileFiles } from '../../src/profiles/write.js';
import { RECORDS, standInTools } from '../helpers/stand-in-tools.js';

const TOKEN = 'abcdef.0123456789abcdef';
const SOCK = '/var/run/containerd/containerd.sock';
const KEY = randomBytes(32).toString('hex');
const kubectl = (kubeconfig: string, ...args: string[]) => execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** the shared files and the Secret key each travels under */
const SHARED: [string, string, number][] = [
  ['ca.crt', 'ca.crt', 0o644],
  ['ca.key', 'ca.key', 0o600],
  ['front-proxy-ca.crt', 'front-proxy-ca.crt', 0o644],
  ['front-proxy-ca.key', 'front-proxy-ca.key', 0o600],
  ['sa.pub', 'sa.pub', 0o644],
  ['sa.key', 'sa.key', 0o600],
  ['etcd-ca.crt', 'etcd/ca.crt', 0o644],
  ['etcd-ca.key', 'etcd/ca.key', 0o600],
];

/** an init node: the API server's CA, init's certs phase, then upload-config and (optionally) upload-certs */
async function initNode(t: TestContext, api: ApiServer, controlPlaneEndpoint: string, uploadCerts: boolean, profile?: string): Promise<{ root: string; cfg: InitConfig }> {
  const host = tmpHost(t);
  const cfg = testConfig((c) => {
    c.localAPIEndpoint = { advertiseAddress: '127.0.0.1', bindPort: api.port };
    c.controlPlaneEndpoint = controlPlaneEndpoint;
    c.bootstrapTokens[0]!.token = TOKEN;
    c.timeouts.kubernetesAPICallMs = 20_000;
  });
  if (profile) {
    // init --profile: its flags and volumes in the configuration (uploaded with it), its files on the node
    cfg.profile = profile;
    applyProfile(cfg, profileNamed(profile)!);
    await writeProfileFiles(host, profileNamed(profile)!);
  }
  const paths = nodePaths({ certificatesDir: cfg.certificatesDir, kubeconfigDir: '/etc/kubernetes' });
  await host.writeFile(paths.kubeconfig('admin'), readFileSync(api.clientKubeconfig('cp-admin.conf', 'kubernetes-admin', 'kubeadm:cluster-admins')), 0o600);
  await host.writeFile(paths.kubeconfig('super-admin'), readFileSync(api.clientKubeconfig('cp-super.conf', 'kubernetes-super-admin', 'system:masters')), 0o600);
  await host.writeFile(paths.pki('ca.crt'), api.caCert, 0o644);
  await host.writeFile(paths.pki('ca.key'), api.caKey, 0o600);
  const report = new MemoryReporter();
  let client: Promise<KubeClient> | undefined;
  const flags = uploadCerts ? { 'upload-certs': true, 'certificate-key': KEY } : {};
  const ctx: InitContext = { cfg, opts: testRunOptions(), paths, host, report, flags, state: new Map(), kube: () => (client ??= connect(ctx)) };
  for (const phase of ['certs', 'upload-config', 'bootstrap-token', ...(uploadCerts ? ['upload-certs'] : [])]) await runPhases(ctx, selectPhases(initPhases, phase, []), report);
  return { root: host.rootfs, cfg };
}

/** cluster-info signed for the token, as the controller-manager's bootstrapsigner would (HMAC of the test's own) */
function signClusterInfo(api: ApiServer): void {
  const cm = JSON.parse(kubectl(api.adminKubeconfig, 'get', 'cm', 'cluster-info', '-n', 'kube-public', '-o', 'json')) as { data: Record<string, string> };
  const enc = (b: Buffer | string) => Buffer.from(b).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  const header = enc(JSON.stringify({ alg: 'HS256', kid: 'abcdef' }));
  const jws = `${header}..${enc(createHmac('sha256', '0123456789abcdef').update(`${header}.${enc(cm.data.kubeconfig!)}`).digest())}`;
  kubectl(api.adminKubeconfig, 'patch', 'cm', 'cluster-info', '-n', 'kube-public', '--type=merge', '-p', JSON.stringify({ data: { 'jws-kubeconfig-abcdef': jws } }));
}

const joinNode = (t: TestContext) => fakeNodeRoot(t, { hostname: 'cp-b', sockets: [SOCK] });

function joinArgs(api: ApiServer, root: string, key: string | undefined, ...phase: string[]): string[] {
  return ['join', ...phase, `127.0.0.1:${api.port}`, '--token', TOKEN, '--discovery-token-unsafe-skip-ca-verification', '--cri-socket', `unix://${SOCK}`, '--control-plane', '--apiserver-advertise-address', '127.0.0.2', ...(key ? ['--certificate-key', key] : []), '--rootfs', root];
}

async function fails(t: TestContext, api: ApiServer, key: string | undefined, phase: string[], expect: RegExp[], hint: RegExp): Promise<void> {
  const root = joinNode(t);
  const before = snapshotTree(root);
  const r = await runCli(joinArgs(api, root, key, ...phase), { cwd: '/' });
  assert.equal(r.code, 1, r.stderr);
  for (const e of expect) assert.match(r.stderr, e);
  assert.match(r.stderr, hint);
  assert.doesNotMatch(r.stderr, /This is a bug/);
  assert.equal(snapshotTree(root), before, 'the node is unchanged');
}

test('join --control-plane: download-certs, certs and kubeconfig against a real kube-apiserver', { timeout: 300_000 }, async (t) => {
  const api = await startApiServer(t);
  const endpoint = `127.0.0.1:${api.port}`;

  await initNode(t, api, '', false);
  signClusterInfo(api);
  await t.test('a cluster without a controlPlaneEndpoint: kubeadm\'s conditions text and the init flag that fixes it', async (t2) => {
    await fails(t2, api, KEY, ['phase', 'preflight', '--ignore-preflight-errors', 'all'], [/One or more conditions for hosting a new control plane instance is not satisfied\./, /unable to add a new control plane instance to a cluster that doesn't have a stable controlPlaneEndpoint address/, /\* The cluster has a stable controlPlaneEndpoint address\./], /init --control-plane-endpoint/);
  });

  // the same cluster, with an endpoint and the certificates uploaded
  const init = await initNode(t, api, endpoint, true);
  signClusterInfo(api);

  await t.test('no certificate key and no shared files: says which files are missing', async (t2) => {
    await fails(t2, api, undefined, ['phase', 'preflight', '--ignore-preflight-errors', 'all'], [/the shared certificates and keys are missing: \/etc\/kubernetes\/pki\/ca\.crt/, /etc\/kubernetes\/pki\/etcd\/ca\.key/], /--certificate-key/);
  });

  await t.test('a wrong certificate key: kubeadm\'s decoding error, nothing written', async (t2) => {
    await fails(t2, api, randomBytes(32).toString('hex'), ['phase', 'control-plane-prepare', 'download-certs'], [/error decoding secret data with provided key: cipher: message authentication failed/], /mini-kubeadm init phase upload-certs --upload-certs/);
  });

  await t.test("kubelet-start of a cluster without a profile: kubeadm's 0644, the kubelet drop-in left as it is", async (t2) => {
    const DROP_IN = '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf';
    const root = fakeNodeRoot(t2, { hostname: 'cp-b', sockets: [SOCK], files: { [DROP_IN]: '[Service]\n' } });
    const fake = standInTools(t2, { systemctl: RECORDS });
    t2.after(fake.restore);
    const r = await runCli(joinArgs(api, root, KEY, 'phase', 'kubelet-start'), { cwd: '/' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(path.join(root, 'var/lib/kubelet/config.yaml')).mode & 0o777, 0o644);
    assert.doesNotMatch(readFileSync(path.join(root, 'var/lib/kubelet/config.yaml'), 'utf8'), /protectKernelDefaults/);
    assert.equal(statSync(path.join(root, DROP_IN)).mode & 0o777, 0o644);
    assert.doesNotMatch(r.stdout + r.stderr, /profile/);
  });

  await t.test('the Secret, its files, this node\'s certificates and kubeconfigs', async (t2) => {
    const root = joinNode(t2);
    const r = await runCli(joinArgs(api, root, KEY, 'phase', 'control-plane-prepare', 'download-certs'), { cwd: '/' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /\[download-certs\] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace/);
    for (const [, rel, mode] of SHARED) {
      const mine = path.join(root, 'etc/kubernetes/pki', rel);
      assert.deepEqual(readFileSync(mine), readFileSync(path.join(init.root, 'etc/kubernetes/pki', rel)), `${rel}: the init node's bytes`);
      assert.equal(statSync(mine).mode & 0o777, mode, `${rel}: mode 0${mode.toString(8)}`);
    }
    assert.equal(statSync(path.join(root, 'etc/kubernetes/pki/etcd')).mode & 0o777, 0o755);

    for (const phase of ['certs', 'kubeconfig']) {
      const p = await runCli(joinArgs(api, root, KEY, 'phase', 'control-plane-prepare', phase), { cwd: '/' });
      assert.equal(p.code, 0, p.stderr);
    }
    const pki = (f: string) => path.join(root, 'etc/kubernetes/pki', f);
    const apiserver = openssl('x509', '-in', pki('apiserver.crt'), '-noout', '-text');
    assert.match(apiserver, /Subject: CN\s*=\s*kube-apiserver/);
    assert.match(apiserver, /DNS:cp-b/, "this node's name");
    assert.match(apiserver, /IP Address:127\.0\.0\.2/, "this node's advertise address");
    assert.match(apiserver, /IP Address:127\.0\.0\.1\b/, 'the control-plane endpoint');
    for (const leaf of ['apiserver.crt', 'apiserver-kubelet-client.crt']) assert.match(openssl('verify', '-CAfile', pki('ca.crt'), pki(leaf)), /OK/);
    assert.match(openssl('verify', '-CAfile', pki('front-proxy-ca.crt'), pki('front-proxy-client.crt')), /OK/);
    for (const leaf of ['etcd/server.crt', 'etcd/peer.crt', 'etcd/healthcheck-client.crt', 'apiserver-etcd-client.crt']) assert.match(openssl('verify', '-CAfile', pki('etcd/ca.crt'), pki(leaf)), /OK/);
    assert.match(openssl('x509', '-in', pki('etcd/peer.crt'), '-noout', '-ext', 'subjectAltName'), /DNS:cp-b.*IP Address:127\.0\.0\.2/s);

    const kc = (f: string) => path.join(root, 'etc/kubernetes', f);
    for (const f of ['admin.conf', 'controller-manager.conf', 'scheduler.conf']) assert.equal(statSync(kc(f)).mode & 0o777, 0o600, f);
    for (const f of ['super-admin.conf', 'kubelet.conf']) assert.throws(() => statSync(kc(f)), `${f} is not written by a join`);
    assert.match(readFileSync(kc('admin.conf'), 'utf8'), new RegExp(`server: https://${endpoint.replace(/\./g, '\\.')}\n`), 'admin.conf: the control-plane endpoint');
    assert.match(readFileSync(kc('scheduler.conf'), 'utf8'), /server: https:\/\/127\.0\.0\.2:6443\n/, 'scheduler.conf: this node\'s API server');
    assert.equal(kubectl(kc('admin.conf'), 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'), 'kubernetes-admin');
  });

  await t.test('--dry-run of the whole control-plane join: every phase, nothing written, kubeadm\'s closing text', async (t2) => {
    const root = joinNode(t2);
    const before = snapshotTree(root);
    const r = await runCli([...joinArgs(api, root, KEY), '--ignore-preflight-errors', 'all', '--dry-run'], { cwd: '/' });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, /would write \/etc\/kubernetes\/pki\/ca\.key \(mode 0600/);
    assert.match(out, /would write \/etc\/kubernetes\/pki\/sa\.pub \(mode 0644/);
    assert.match(out, /would write \/etc\/kubernetes\/manifests\/kube-apiserver\.yaml/);
    assert.match(out, /server https:\/\/127\.0\.0\.2:6443, token user tls-bootstrap-token-user/, 'LocalMode: the kubelet bootstraps against this node\'s API server');
    assert.match(out, /would announce a new etcd member at https:\/\/127\.0\.0\.2:2380/);
    assert.ok(r.stdout.includes('This node has joined the cluster and a new control plane instance was created:'), r.stdout);
    assert.equal(snapshotTree(root), before, 'a dry run changes nothing');
  });

  await t.test('a Secret that is gone (expired): kubeadm\'s text, nothing written', async (t2) => {
    kubectl(api.adminKubeconfig, 'delete', 'secret', 'kubeadm-certs', '-n', 'kube-system');
    await fails(t2, api, KEY, ['phase', 'control-plane-prepare', 'download-certs'], [/Secret "kubeadm-certs" was not found in the "kube-system" Namespace\. This Secret might have expired/], /mini-kubeadm init phase upload-certs --upload-certs/);
  });
});

test("join --control-plane of a --profile cis cluster: the profile's files (the encryption key) travel in kubeadm-certs", { timeout: 300_000 }, async (t) => {
  const api = await startApiServer(t);
  const init = await initNode(t, api, `127.0.0.1:${api.port}`, true, 'cis');
  signClusterInfo(api);
  const FILES = ['audit-policy.yaml', 'admission-config.yaml', 'encryption-config.yaml'];

  await t.test("download-certs writes them with the init node's bytes, mode 0600", async (t2) => {
    const root = joinNode(t2);
    const r = await runCli(joinArgs(api, root, KEY, 'phase', 'control-plane-prepare', 'download-certs'), { cwd: '/' });
    assert.equal(r.code, 0, r.stderr);
    for (const f of FILES) {
      const mine = path.join(root, 'etc/kubernetes/cis', f);
      assert.deepEqual(readFileSync(mine), readFileSync(path.join(init.root, 'etc/kubernetes/cis', f)), `${f}: the init node's bytes`);
      assert.equal(statSync(mine).mode & 0o777, 0o600, `${f}: mode 0600`);
    }
    assert.match(readFileSync(path.join(root, 'etc/kubernetes/cis/encryption-config.yaml'), 'utf8'), /aescbc/);
  });

  await t.test("kubelet-start and etcd-join: this node's kubelet config 0600, the kubelet drop-in tightened, the etcd data directory the etcd user's", async (t2) => {
    const DROP_IN = '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf';
    const root = fakeNodeRoot(t2, {
      hostname: 'cp-b',
      sockets: [SOCK],
      files: { [DROP_IN]: '[Service]\n', '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\netcd:x:4711:4712::/nonexistent:/usr/sbin/nologin\n', '/etc/group': 'root:x:0:\netcd:x:4712:\n' },
    });
    assert.equal(statSync(path.join(root, DROP_IN)).mode & 0o777, 0o644);
    const fake = standInTools(t2, { systemctl: RECORDS });
    t2.after(fake.restore);
    const r = await runCli(joinArgs(api, root, KEY, 'phase', 'kubelet-start'), { cwd: '/' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(path.join(root, 'var/lib/kubelet/config.yaml')).mode & 0o777, 0o600, "the profile's mode, as on the init node");
    assert.match(readFileSync(path.join(root, 'var/lib/kubelet/config.yaml'), 'utf8'), /protectKernelDefaults: true/);
    assert.equal(statSync(path.join(root, DROP_IN)).mode & 0o777, 0o600);
    assert.match(r.stdout + r.stderr, /the cluster's profile cis: \/etc\/systemd\/system\/kubelet\.service\.d\/10-kubeadm\.conf \(0600\)/);
    assert.ok(fake.calls().includes('systemctl restart kubelet'), fake.calls().join('\n'));
    const e = await runCli([...joinArgs(api, root, KEY, 'phase', 'etcd-join'), '--dry-run'], { cwd: '/' });
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout + e.stderr, /\/var\/lib\/etcd owned by etcd \(4711:4712\)/);
  });

  await t.test('an upload without them (kubeadm\'s own, say): the files named, the fix, nothing written', async (t2) => {
    const ops = FILES.map((f) => ({ op: 'remove', path: `/data/profile-${f}` }));
    kubectl(api.adminKubeconfig, 'patch', 'secret', 'kubeadm-certs', '-n', 'kube-system', '--type=json', '-p', JSON.stringify(ops));
    await fails(t2, api, KEY, ['phase', 'control-plane-prepare', 'download-certs'], [/this cluster's API servers read \/etc\/kubernetes\/cis\/audit-policy\.yaml, .*encryption-config\.yaml \(its security profile\), and Secret kube-system\/kubeadm-certs has no copy of them; nothing was written/], /upload-certs --upload-certs .*or copy the files from a control plane/);
  });
});

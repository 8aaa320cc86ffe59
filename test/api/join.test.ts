// join against a real kube-apiserver (lab build cache): init's upload-config and bootstrap-token
// phases make the objects a joining node reads; cluster-info is signed here by a small HMAC of
// the test's own (there is no controller-manager), then `join --dry-run` runs discovery and the
// config fetch for real, and each bad input fails with exit 1, its message, and the node's tree
// unchanged. bootstrap-kubelet.conf is checked with kubectl as the identity it carries.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, X509Certificate } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { tmpHost } from '../helpers/tmp-host.js';
import { testConfig, testRunOptions } from '../helpers/test-config.js';
import { fakeNodeRoot, snapshotTree } from '../helpers/config-fake-node.js';
import { runCli } from '../helpers/run-cli.js';
import { nodePaths } from '../../src/host/paths.js';
import type { InitContext } from '../../src/phases/context.js';
import type { KubeClient } from '../../src/kube/client.js';
import { connect } from '../../src/kube/connect.js';
import { initPhases } from '../../src/phases/init/index.js';
import { runPhases, selectPhases } from '../../src/workflow/runner.js';
import { MemoryReporter } from '../../src/report/memory.js';
import { RealHost } from '../../src/host/real-host.js';
import { loadJoinConfig } from '../../src/config/join-load.js';
import { findCluster } from '../../src/phases/join/cluster.js';
import { WORKER_DONE_TEXT } from '../../src/commands/join.js';
import { httpKubeClient } from '../../src/kube/http-client.js';
import { flannelNodeConfig, flannelObjects } from '../../src/addons/flannel.js';
import { cniConfigFromNodePods, writeCniConfigAhead } from '../../src/addons/cni-ahead.js';

const TOKEN = 'abcdef.0123456789abcdef';
const SOCK = '/var/run/containerd/containerd.sock';
const kubectl = (kubeconfig: string, ...args: string[]) => execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });

/** the test's own detached JWS (RFC 7515 appendix F, HS256), independent of src/kube/jws.ts */
function sign(payload: string, id: string, secret: string): string {
  const enc = (b: Buffer | string) => Buffer.from(b).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  const header = enc(JSON.stringify({ alg: 'HS256', kid: id }));
  return `${header}..${enc(createHmac('sha256', secret).update(`${header}.${enc(payload)}`).digest())}`;
}

/** the CA pin, computed by openssl from the CA file */
function opensslPin(caFile: string): string {
  const out = execFileSync('sh', ['-c', `openssl x509 -pubkey -noout -in '${caFile}' | openssl pkey -pubin -outform der | openssl dgst -sha256 -r`], { encoding: 'utf8' });
  return `sha256:${out.split(' ')[0]}`;
}

/** init's cluster-side objects for a joining node, as `mini-kubeadm init` makes them */
async function initCluster(t: TestContext, api: ApiServer): Promise<void> {
  const host = tmpHost(t);
  const cfg = testConfig((c) => {
    c.localAPIEndpoint = { advertiseAddress: '127.0.0.1', bindPort: api.port };
    c.bootstrapTokens[0]!.token = TOKEN;
    c.timeouts.kubernetesAPICallMs = 20_000;
    c.clusterName = 'lab-cluster';
  });
  const paths = nodePaths({ certificatesDir: cfg.certificatesDir, kubeconfigDir: '/etc/kubernetes' });
  await host.writeFile(paths.kubeconfig('admin'), readFileSync(api.clientKubeconfig('join-admin.conf', 'kubernetes-admin', 'kubeadm:cluster-admins')), 0o600);
  await host.writeFile(paths.kubeconfig('super-admin'), readFileSync(api.clientKubeconfig('join-super.conf', 'kubernetes-super-admin', 'system:masters')), 0o600);
  await host.writeFile(paths.pki('ca.crt'), api.caCert, 0o644);
  const report = new MemoryReporter();
  let client: Promise<KubeClient> | undefined;
  const ctx: InitContext = { cfg, opts: testRunOptions(), paths, host, report, flags: {}, state: new Map(), kube: () => (client ??= connect(ctx)) };
  for (const phase of ['upload-config', 'bootstrap-token']) await runPhases(ctx, selectPhases(initPhases, phase, []), report);
}

function signClusterInfo(api: ApiServer): void {
  const cm = JSON.parse(kubectl(api.adminKubeconfig, 'get', 'cm', 'cluster-info', '-n', 'kube-public', '-o', 'json')) as { data: Record<string, string> };
  const jws = sign(cm.data.kubeconfig!, 'abcdef', '0123456789abcdef');
  kubectl(api.adminKubeconfig, 'patch', 'cm', 'cluster-info', '-n', 'kube-public', '--type=merge', '-p', JSON.stringify({ data: { 'jws-kubeconfig-abcdef': jws } }));
}

/** a node root with a host name and a containerd socket; a JoinConfiguration at /root/join.yaml when given */
function node(t: TestContext, file?: string): string {
  return fakeNodeRoot(t, { hostname: 'jn-w1', sockets: [SOCK], files: file ? { '/root/join.yaml': file } : {} });
}

const joinFile = (api: ApiServer, o: { token?: string; hashes: string[]; endpoint?: string; discovery?: string; name?: string }) =>
  [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: JoinConfiguration',
    'discovery:',
    '  bootstrapToken:',
    `    apiServerEndpoint: "${o.endpoint ?? `127.0.0.1:${api.port}`}"`,
    `    token: ${o.token ?? TOKEN}`,
    `    caCertHashes: [${o.hashes.map((h) => `"${h}"`).join(', ')}]`,
    'nodeRegistration:',
    `  name: ${o.name ?? 'jn-w1'}`,
    `  criSocket: unix://${SOCK}`,
    '  ignorePreflightErrors: [all]',
    'timeouts:',
    `  discovery: ${o.discovery ?? '3s'}`,
    '',
  ].join('\n');

async function joinFails(t: TestContext, file: string, expect: RegExp[], extra: string[] = []): Promise<string> {
  const root = node(t, file);
  const before = snapshotTree(root);
  const r = await runCli(['join', '--config', '/root/join.yaml', '--rootfs', root, ...extra], { cwd: '/' });
  assert.equal(r.code, 1, r.stderr);
  for (const e of expect) assert.match(r.stderr, e);
  assert.doesNotMatch(r.stderr, /This is a bug/);
  assert.equal(snapshotTree(root), before, 'the node is unchanged');
  return r.stderr;
}

test('join discovery and config fetch against a real kube-apiserver', { timeout: 300_000 }, async (t) => {
  const api = await startApiServer(t);
  await initCluster(t, api);
  const caFile = path.join(api.dir, 'ca.crt');
  const pin = opensslPin(caFile);
  const otherPin = `sha256:${createHash('sha256').update('another CA').digest('hex')}`;

  await t.test('cluster-info without a signature: says that the controller-manager signs it', async () => {
    await joinFails(t, joinFile(api, { hashes: [pin] }), [/could not find a JWS signature in the cluster-info ConfigMap for token ID "abcdef": cluster-info carries no signature at all/, /bootstrapsigner/]);
  });

  signClusterInfo(api);

  await t.test('--dry-run: discovery, the cluster\'s configuration, every phase; nothing written', async () => {
    const root = node(t);
    const before = snapshotTree(root);
    const r = await runCli(['join', `127.0.0.1:${api.port}`, '--token', TOKEN, '--discovery-token-ca-cert-hash', otherPin, '--discovery-token-ca-cert-hash', pin, '--cri-socket', `unix://${SOCK}`, '--ignore-preflight-errors', 'all', '--dry-run', '--rootfs', root], { cwd: '/' });
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout + r.stderr;
    assert.match(out, /Cluster info signature and contents are valid and the CA is pinned/);
    assert.match(out, /Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"/);
    assert.match(out, /the cluster runs Kubernetes v1\.37\.2 \(cluster name "lab-cluster"\)/);
    assert.match(out, /would write \/etc\/kubernetes\/bootstrap-kubelet\.conf \(mode 0600/);
    assert.match(out, /would write \/etc\/kubernetes\/pki\/ca\.crt \(mode 0644/);
    assert.match(out, /would write \/var\/lib\/kubelet\/config\.yaml/);
    assert.match(out, /would write \/var\/lib\/kubelet\/instance-config\.yaml/);
    assert.match(out, /\[kubelet-wait\] Would wait for the kubelet to be bootstrapped/);
    assert.ok(r.stdout.includes(WORKER_DONE_TEXT), 'kubeadm\'s closing text');
    assert.equal(snapshotTree(root), before, 'a dry run changes nothing');
  });

  await t.test('bootstrap-kubelet.conf: kubeadm\'s layout, and kubectl as its user may create a CSR and read the config', async (t2) => {
    const root = node(t2);
    const host = new RealHost(root);
    const { join } = await loadJoinConfig({ flags: { 'api-server-endpoint': `127.0.0.1:${api.port}`, token: TOKEN, 'discovery-token-ca-cert-hash': pin, 'cri-socket': `unix://${SOCK}` }, host, cwd: '/' });
    const report = new MemoryReporter();
    const c = await findCluster(join, host, report);
    assert.equal(c.cfg.clusterName, 'lab-cluster');
    assert.equal(c.cfg.kubernetesVersion.text, 'v1.37.2');
    assert.equal(c.cfg.nodeRegistration.name, 'jn-w1');
    assert.equal(c.discovered.server, api.url);
    assert.equal(new X509Certificate(c.discovered.caPem).fingerprint256, new X509Certificate(api.caCert).fingerprint256);
    assert.match(c.bootstrapKubeconfig, /\n  name: lab-cluster\n/);
    assert.match(c.bootstrapKubeconfig, /current-context: tls-bootstrap-token-user@kubernetes\n/);
    const file = path.join(root, 'bootstrap-kubelet.conf');
    writeFileSync(file, c.bootstrapKubeconfig, { mode: 0o600 });
    const can = (...a: string[]) => spawnSync('kubectl', ['--kubeconfig', file, 'auth', 'can-i', ...a], { encoding: 'utf8' }).stdout.trim();
    assert.equal(can('create', 'certificatesigningrequests.certificates.k8s.io'), 'yes');
    assert.equal(can('get', 'configmap/kubeadm-config', '-n', 'kube-system'), 'yes');
    assert.equal(can('list', 'secrets', '-n', 'kube-system'), 'no');
    assert.match(kubectl(file, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'), /^system:bootstrap:abcdef$/);
  });

  await t.test('file discovery: a kubeconfig with the cluster, the TLS bootstrap token beside it (--dry-run)', async (t2) => {
    const cm = JSON.parse(kubectl(api.adminKubeconfig, 'get', 'cm', 'cluster-info', '-n', 'kube-public', '-o', 'json')) as { data: Record<string, string> };
    const root = node(t2);
    mkdirSync(path.join(root, 'root'), { recursive: true });
    writeFileSync(path.join(root, 'root/discovery.conf'), cm.data.kubeconfig!);
    const before = snapshotTree(root);
    const r = await runCli(['join', '--discovery-file', '/root/discovery.conf', '--tls-bootstrap-token', TOKEN, '--cri-socket', `unix://${SOCK}`, '--ignore-preflight-errors', 'all', '--dry-run', '--rootfs', root], { cwd: '/' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /Checking the discovery kubeconfig against ConfigMap kube-public\/cluster-info/);
    assert.match(r.stdout + r.stderr, /would write \/etc\/kubernetes\/bootstrap-kubelet\.conf/);
    assert.equal(snapshotTree(root), before);
  });

  await t.test('a v1beta3 JoinConfiguration for a 1.37 cluster: refused once the cluster\'s minor is known, nothing written', async () => {
    const v1beta3 = joinFile(api, { hashes: [pin] }).replace('kubeadm.k8s.io/v1beta4', 'kubeadm.k8s.io/v1beta3').replace(/timeouts:\n  discovery: .*\n/, '');
    await joinFails(t, v1beta3, [/your configuration file uses an old API spec: "kubeadm\.k8s\.io\/v1beta3"/, /kubeadm\.k8s\.io\/v1beta4/], ['--dry-run']);
  });

  await t.test('a wrong CA pin: names the expected pins and the CA found', async () => {
    await joinFails(t, joinFile(api, { hashes: [otherPin] }), [new RegExp(`none of the public keys "${pin}" are pinned \\(expected ${otherPin}\\)`), /openssl x509 -pubkey/]);
  });

  await t.test('a token the cluster does not know: no JWS for its id', async () => {
    await joinFails(t, joinFile(api, { hashes: [pin], token: 'zzzzzz.0123456789abcdef' }), [/could not find a JWS signature in the cluster-info ConfigMap for token ID "zzzzzz": token id "zzzzzz" is invalid for this cluster or it has expired/, /token create/]);
  });

  await t.test('a token whose secret is wrong: the signature does not verify', async () => {
    await joinFails(t, joinFile(api, { hashes: [pin], token: 'abcdef.aaaaaaaaaaaaaaaa' }), [/failed to verify JWS signature of received cluster info object, can't trust this API Server/]);
  });

  await t.test('an endpoint that does not answer: what was tried, for how long', async () => {
    const err = await joinFails(t, joinFile(api, { hashes: [pin], endpoint: '127.0.0.1:1', discovery: '2s' }), [/could not read kube-public\/cluster-info from https:\/\/127\.0\.0\.1:1: 1 attempt over \d+\.\ds \(timeouts\.discovery 2s\); last error: .*ECONNREFUSED/, /curl -k https:\/\/127\.0\.0\.1:1\/version/]);
    assert.match(err, /timeouts\.discovery/);
  });

  await t.test('a node name that is Ready in the cluster: refused before anything is written', async () => {
    const nodeFile = path.join(api.dir, 'node-jn-w1.json');
    mkdirSync(api.dir, { recursive: true });
    writeFileSync(nodeFile, JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'jn-w1' } }));
    kubectl(api.adminKubeconfig, 'create', '-f', nodeFile);
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const ready = { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }] } };
    kubectl(api.adminKubeconfig, 'patch', 'node', 'jn-w1', '--subresource=status', '--type=merge', '-p', JSON.stringify(ready));
    // --dry-run: the check reads the Node for real; were it missed, nothing would be written either
    await joinFails(t, joinFile(api, { hashes: [pin] }), [/a Node with name "jn-w1" and status "Ready" already exists in the cluster\. You must delete the existing Node or change the name of this new joining Node/, /--node-name/], ['--dry-run']);
  });
  await t.test('the CNI config ahead: read with the node\'s own identity from the flannel pod bound to it, the bytes init writes', async () => {
    const objects = await flannelObjects({ networking: { podSubnet: '10.244.0.0/16' } } as Parameters<typeof flannelObjects>[0]);
    const listFile = path.join(api.dir, 'flannel.json');
    writeFileSync(listFile, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    kubectl(api.adminKubeconfig, 'apply', '-f', listFile);
    const nodeClient = async (name: string) => {
      const file = api.clientKubeconfig(`node-${name}.conf`, `system:node:${name}`, 'system:nodes');
      return httpKubeClient({ kubeconfig: readFileSync(file, 'utf8'), kubeconfigPath: file, callTimeoutMs: 20_000 });
    };
    const w1 = await nodeClient('jn-w1');
    // no pod on the node yet: nothing, within the deadline
    const t0 = Date.now();
    assert.equal(await cniConfigFromNodePods(w1, 'jn-w1', { deadlineMs: 1200 }), undefined);
    assert.ok(Date.now() - t0 >= 1000, 'looked until the deadline');
    // the DaemonSet controller's pod, as it binds it to the node (there is no controller-manager here)
    const ds = objects.find((o) => o.kind === 'DaemonSet') as unknown as { spec: { template: { metadata?: object; spec: object } } };
    const podFile = path.join(api.dir, 'flannel-pod.json');
    writeFileSync(podFile, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'kube-flannel-ds-jnw1', namespace: 'kube-flannel', ...ds.spec.template.metadata }, spec: { ...ds.spec.template.spec, nodeName: 'jn-w1' } }));
    kubectl(api.adminKubeconfig, 'create', '-f', podFile);
    const found = await cniConfigFromNodePods(w1, 'jn-w1', { deadlineMs: 10_000 });
    const expected = flannelNodeConfig(objects);
    assert.deepEqual(found, { ...expected, agent: 'kube-flannel/kube-flannel-ds-jnw1' });
    assert.equal(expected.path, '/etc/cni/net.d/10-flannel.conflist');
    // another node may neither see that pod nor read its ConfigMap (the Node authorizer): nothing for it
    const w2 = await nodeClient('jn-w2');
    await assert.rejects(w2.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-flannel', name: 'kube-flannel-cfg' }), /forbidden|403/i);
    assert.equal(await cniConfigFromNodePods(w2, 'jn-w2', { deadlineMs: 600 }), undefined);
    // written as install-cni leaves it; a second time it is already there
    const host = tmpHost(t);
    assert.match(await writeCniConfigAhead(host, found!, found!.agent), /^wrote \/etc\/cni\/net\.d\/10-flannel\.conflist \(0644\)/);
    assert.equal(await host.readText(expected.path), expected.content);
    assert.equal(((await host.stat(expected.path))!.mode & 0o777).toString(8), '644');
    assert.match(await writeCniConfigAhead(host, found!, found!.agent), /is already kube-flannel\/kube-flannel-ds-jnw1's CNI config/);
  });
});

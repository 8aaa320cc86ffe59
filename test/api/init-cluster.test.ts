// The cluster-side phases of init against a real kube-apiserver (lab build cache): each phase
// runs twice (the second run changes nothing), objects are checked through the API and with
// real kubectl as the users that will use them (anonymous, a bootstrap token, the admin), and
// every rendered add-on object passes a server-side dry run.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { tmpHost } from '../helpers/tmp-host.js';
import { testConfig, testRunOptions } from '../helpers/test-config.js';
import { nodePaths } from '../../src/host/paths.js';
import type { RealHost } from '../../src/host/real-host.js';
import type { InitContext } from '../../src/phases/context.js';
import type { InitConfig } from '../../src/config/types.js';
import type { KubeClient } from '../../src/kube/client.js';
import { connect } from '../../src/kube/connect.js';
import { initPhases } from '../../src/phases/init/index.js';
import { runPhases, selectPhases } from '../../src/workflow/runner.js';
import { MemoryReporter } from '../../src/report/memory.js';
import { parseKubeVersion } from '../../src/config/defaults.js';
import { decryptBytes } from '../../src/kube/objects/kubeadm-certs.js';
import { httpKubeClient } from '../../src/kube/http-client.js';
import { corednsObjects } from '../../src/addons/coredns.js';
import { kubeProxyObjects } from '../../src/addons/kube-proxy.js';
import { flannelObjects } from '../../src/addons/flannel.js';
import { TimeoutError } from '../../src/errors.js';

const TOKEN = 'abcdef.0123456789abcdef';
const CERT_KEY = '0'.repeat(62) + 'ff';

// stdin answers kubectl's username/password prompt (shown for a kubeconfig without credentials) with nothing: anonymous
const kubectl = (kubeconfig: string, ...args: string[]) => execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', input: '\n\n' });
/** `kubectl auth can-i` answers "no" with exit code 1: read the answer, not the code */
function canI(kubeconfig: string, ...args: string[]): string {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'auth', 'can-i', ...args], { encoding: 'utf8' });
  return r.stdout.trim() || `kubectl failed: ${r.stderr.trim()}`;
}
const kubectlJson = (kubeconfig: string, ...args: string[]) => JSON.parse(kubectl(kubeconfig, ...args, '-o', 'json'));

interface Node {
  host: RealHost;
  ctx: InitContext;
  report: MemoryReporter;
  client: () => Promise<KubeClient>;
}

async function makeNode(t: TestContext, api: ApiServer, over: (c: InitConfig) => void = () => {}, flags: Record<string, string | boolean> = {}): Promise<Node> {
  const host = tmpHost(t);
  const cfg = testConfig((c) => {
    c.localAPIEndpoint = { advertiseAddress: '127.0.0.1', bindPort: api.port };
    c.bootstrapTokens[0]!.token = TOKEN;
    c.timeouts.kubernetesAPICallMs = 20_000;
    over(c);
  });
  const paths = nodePaths({ certificatesDir: cfg.certificatesDir, kubeconfigDir: '/etc/kubernetes' });
  // admin.conf's group is not yet bound to cluster-admin: connect() must create the binding through super-admin.conf
  await host.writeFile(paths.kubeconfig('admin'), readFileSync(api.clientKubeconfig(`admin-${Math.random()}.conf`, 'kubernetes-admin', 'kubeadm:cluster-admins')), 0o600);
  await host.writeFile(paths.kubeconfig('super-admin'), readFileSync(api.clientKubeconfig(`super-${Math.random()}.conf`, 'kubernetes-super-admin', 'system:masters')), 0o600);
  for (const f of ['ca', 'front-proxy-ca', 'etcd/ca']) {
    await host.writeFile(paths.pki(`${f}.crt`), api.caCert, 0o644);
    await host.writeFile(paths.pki(`${f}.key`), api.caKey, 0o600);
  }
  await host.writeFile(paths.pki('sa.key'), api.caKey, 0o600);
  await host.writeFile(paths.pki('sa.pub'), 'public key\n', 0o600);
  const report = new MemoryReporter();
  let client: Promise<KubeClient> | undefined;
  const ctx: InitContext = { cfg, opts: testRunOptions(), paths, host, report, flags, state: new Map(), kube: () => (client ??= connect(ctx)) };
  return { host, ctx, report, client: () => ctx.kube() };
}

async function run(node: Node, phase: string): Promise<string[]> {
  const before = node.report.events.length;
  await runPhases(node.ctx, selectPhases(initPhases, phase, []), node.report);
  return node.report.events.slice(before).flatMap((e) => (e.type === 'result' ? [`${e.kind}: ${e.message}`] : []));
}

/** the second run of a phase must change nothing */
async function twice(node: Node, phase: string): Promise<string[]> {
  const first = await run(node, phase);
  const second = await run(node, phase);
  assert.ok(first.length > 0, `${phase} reported nothing`);
  const changed = second.filter((r) => !/ unchanged| already marked/.test(r) && !/Secret kube-system\/bootstrap-token-/.test(r));
  assert.deepEqual(changed, [], `${phase} changed objects on its second run`);
  return first;
}

test('cluster-side phases against a real kube-apiserver', { timeout: 240_000 }, async (t) => {
  const api = await startApiServer(t);
  const admin = api.adminKubeconfig;
  const node = await makeNode(t, api, undefined, { 'upload-certs': true, 'certificate-key': CERT_KEY });

  await t.test('connect: creates ClusterRoleBinding kubeadm:cluster-admins through super-admin.conf', async () => {
    const adminConf = node.host.resolve('/etc/kubernetes/admin.conf');
    assert.equal(canI(adminConf, 'list', 'secrets', '-A'), 'no');
    await node.client();
    const crb = kubectlJson(admin, 'get', 'clusterrolebinding', 'kubeadm:cluster-admins');
    assert.deepEqual([crb.roleRef.name, crb.subjects[0].kind, crb.subjects[0].name], ['cluster-admin', 'Group', 'kubeadm:cluster-admins']);
    assert.equal(canI(adminConf, 'list', 'secrets', '-A'), 'yes');
  });

  await t.test('upload-config: kubeadm-config and kubelet-config, readable by joining nodes', async () => {
    await twice(node, 'upload-config');
    const cm = kubectlJson(admin, 'get', 'cm', 'kubeadm-config', '-n', 'kube-system');
    assert.match(cm.data.ClusterConfiguration, /^apiServer: \{\}\napiVersion: kubeadm.k8s.io\/v1beta4\n/);
    const kubelet = kubectlJson(admin, 'get', 'cm', 'kubelet-config', '-n', 'kube-system');
    assert.match(kubelet.metadata.annotations['kubeadm.kubernetes.io/component-config.hash'], /^sha256:[0-9a-f]{64}$/);
    for (const cmName of ['kubeadm-config', 'kubelet-config']) {
      assert.equal(canI(admin, 'get', `configmap/${cmName}`, '-n', 'kube-system', '--as=system:bootstrap:abcdef', '--as-group=system:bootstrappers:kubeadm:default-node-token'), 'yes');
      assert.equal(canI(admin, 'get', `configmap/${cmName}`, '-n', 'kube-system', '--as=system:node:node-b', '--as-group=system:nodes'), 'yes');
    }
  });

  await t.test('bootstrap-token: the token authenticates as a bootstrapper; cluster-info is readable anonymously', async () => {
    await twice(node, 'bootstrap-token');
    const asToken = api.tokenKubeconfig('token.conf', TOKEN);
    assert.equal(canI(asToken, 'get', 'nodes'), 'yes');
    assert.equal(canI(asToken, 'create', 'certificatesigningrequests.certificates.k8s.io'), 'yes');
    assert.equal(canI(asToken, 'list', 'secrets', '-n', 'kube-system'), 'no');
    // anonymous, as token discovery reads it: kubectl insists on prompting for a user when a kubeconfig has none, so curl
    const anonGet = (p: string) => spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', `${api.dir}/ca.crt`, `${api.url}${p}`], { encoding: 'utf8' }).stdout;
    const info = JSON.parse(execFileSync('curl', ['-sf', '--cacert', `${api.dir}/ca.crt`, `${api.url}/api/v1/namespaces/kube-public/configmaps/cluster-info`], { encoding: 'utf8' }));
    assert.match(info.data.kubeconfig, new RegExp(`server: https://127.0.0.1:${api.port}\\n`));
    assert.equal(anonGet('/api/v1/namespaces/kube-system/configmaps/kubeadm-config'), '403');
    assert.equal(canI(admin, 'get', 'nodes', '--subresource=proxy', '--as=kube-apiserver-kubelet-client'), 'yes');
  });

  await t.test('upload-certs: kubeadm-certs decrypts with the certificate key and is owned by a short-lived token', async () => {
    await run(node, 'upload-certs');
    await run(node, 'upload-certs');
    const s = kubectlJson(admin, 'get', 'secret', 'kubeadm-certs', '-n', 'kube-system');
    assert.equal(decryptBytes(Buffer.from(s.data['ca.key'], 'base64'), Buffer.from(CERT_KEY, 'hex')).toString(), api.caKey);
    assert.equal(decryptBytes(Buffer.from(s.data['etcd-ca.crt'], 'base64'), Buffer.from(CERT_KEY, 'hex')).toString(), api.caCert);
    // no profile on this node: kubeadm's entries only (a --profile node adds profile-FILE: join-control-plane.test)
    assert.deepEqual(Object.keys(s.data).sort(), ['ca.crt', 'ca.key', 'etcd-ca.crt', 'etcd-ca.key', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'sa.key', 'sa.pub']);
    const owner = kubectlJson(admin, 'get', 'secret', s.metadata.ownerReferences[0].name, '-n', 'kube-system');
    assert.equal(owner.type, 'bootstrap.kubernetes.io/token');
    assert.equal(s.metadata.ownerReferences[0].uid, owner.metadata.uid);
    assert.equal(canI(admin, 'get', 'secret/kubeadm-certs', '-n', 'kube-system', '--as=x', '--as-group=system:bootstrappers:kubeadm:default-node-token'), 'yes');
  });

  await t.test('mark-control-plane: labels and taints the Node, keeps its other taints', async () => {
    const nodeObj = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', labels: { 'kubernetes.io/hostname': 'node-a' } }, spec: { taints: [{ key: 'example.com/other', effect: 'NoExecute' }] } };
    execFileSync('kubectl', ['--kubeconfig', admin, 'create', '-f', '-'], { input: JSON.stringify(nodeObj) });
    await twice(node, 'mark-control-plane');
    const n = kubectlJson(admin, 'get', 'node', 'node-a');
    assert.equal(n.metadata.labels['node-role.kubernetes.io/control-plane'], '');
    assert.equal(n.metadata.labels['node.kubernetes.io/exclude-from-external-load-balancers'], '');
    // ours first, the Node's own kept (the API server's admission added node.kubernetes.io/not-ready)
    const taints = n.spec.taints.map((x: { key: string; effect: string }) => `${x.key}:${x.effect}`);
    assert.deepEqual(taints.slice(0, 2), ['node-role.kubernetes.io/control-plane:NoSchedule', 'example.com/other:NoExecute']);
    assert.equal(new Set(taints).size, taints.length);
  });

  await t.test('mark-control-plane: a Node that never registers ends in a timeout that says what to check', async (tt) => {
    const ghost = await makeNode(tt, api, (c) => {
      c.nodeRegistration.name = 'ghost';
      c.timeouts.kubernetesAPICallMs = 1500;
    });
    await assert.rejects(run(ghost, 'mark-control-plane'), (e: unknown) => {
      const cause = (e as { cause?: unknown }).cause ?? e;
      return cause instanceof TimeoutError && /Node "ghost"/.test(cause.message) && /systemctl status kubelet/.test(cause.hint ?? '');
    });
  });

  await t.test('addon: CoreDNS, kube-proxy and flannel; dynamic workloads; CoreDNS keeps its scaled replicas', async () => {
    const results = await twice(node, 'addon');
    assert.ok(results.some((r) => /^dynamic: Deployment kube-system\/coredns created/.test(r)));
    assert.ok(results.some((r) => /^dynamic: DaemonSet kube-system\/kube-proxy created/.test(r)));
    assert.ok(results.some((r) => /^dynamic: DaemonSet kube-flannel\/kube-flannel-ds created/.test(r)));
    assert.equal(kubectlJson(admin, 'get', 'svc', 'kube-dns', '-n', 'kube-system').spec.clusterIP, '10.96.0.10');
    kubectl(admin, 'scale', 'deployment/coredns', '-n', 'kube-system', '--replicas=3');
    await run(node, 'addon/coredns');
    assert.equal(kubectlJson(admin, 'get', 'deployment', 'coredns', '-n', 'kube-system').spec.replicas, 3);
  });

  await t.test('addon: only a whole init that runs addon/cni writes flannel\'s CNI config ahead of it, the bytes its install-cni copies', async () => {
    const conflist = '/etc/cni/net.d/10-flannel.conflist';
    assert.equal(await node.host.readText(conflist), undefined, 'a phase run must not write the CNI config');
    // a whole init: the addon phase writes it before it waits for the API server (open here)
    const { Gate } = await import('../../src/workflow/gate.js');
    const gates = { apiServer: new Gate('the API server to answer'), kubeletConf: new Gate('kubelet.conf') };
    gates.apiServer.open();
    Object.assign(node.ctx, { wholeInit: true, gates, runsPhase: () => true });
    try {
      const first = await run(node, 'addon');
      assert.ok(first.some((r) => r.startsWith(`file: wrote ${conflist} (0644)`)), first.join('\n'));
      const cm = kubectlJson(admin, 'get', 'configmap', 'kube-flannel-cfg', '-n', 'kube-flannel');
      assert.equal(await node.host.readText(conflist), cm.data['cni-conf.json']);
      assert.equal(JSON.parse(cm.data['cni-conf.json']).plugins[0].type, 'flannel');
      assert.equal(((await node.host.stat(conflist))?.mode ?? 0) & 0o777, 0o644);
      const second = await run(node, 'addon');
      assert.ok(second.some((r) => r === `file: ${conflist} is already flannel's CNI config`), second.join('\n'));
    } finally {
      Object.assign(node.ctx, { wholeInit: false, gates: undefined, runsPhase: undefined });
    }
    // and not when the whole init skips addon/cni
    await node.host.remove(conflist);
    Object.assign(node.ctx, { wholeInit: true, gates, runsPhase: (p: string) => p !== 'addon/cni' });
    try {
      await run(node, 'addon');
    } finally {
      Object.assign(node.ctx, { wholeInit: false, gates: undefined, runsPhase: undefined });
    }
    assert.equal(await node.host.readText(conflist), undefined, 'written although addon/cni is skipped');
  });

  await t.test('show-join-command: kubeadm join with the token and the CA hash openssl computes', async () => {
    await run(node, 'show-join-command');
    const text = node.report.events.filter((e) => e.type === 'print').map((e) => (e as { message: string }).message).join('\n');
    const pub = execFileSync('openssl', ['x509', '-pubkey', '-noout'], { input: api.caCert });
    const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: pub });
    const hex = execFileSync('sha256sum', [], { input: der }).toString().split(' ')[0];
    assert.ok(text.includes(`kubeadm join 127.0.0.1:${api.port} --token ${TOKEN} \\\n\t--discovery-token-ca-cert-hash sha256:${hex} `), text);
  });

  await t.test('every rendered add-on object, for 1.29 and 1.37, passes a server-side dry run', async () => {
    const client = await httpKubeClient({ kubeconfig: readFileSync(admin, 'utf8'), kubeconfigPath: admin, callTimeoutMs: 20_000 });
    for (const v of ['v1.29.15', 'v1.37.2']) {
      const cfg = testConfig((c) => (c.kubernetesVersion = parseKubeVersion(v)!));
      for (const o of [...(await corednsObjects(cfg)), ...(await kubeProxyObjects(cfg)), ...(await flannelObjects(cfg))]) {
        const r = await client.apply(o, { serverDryRun: true });
        assert.equal(r.action, 'would apply', `${v} ${o.kind} ${o.metadata.name}`);
      }
    }
  });
});

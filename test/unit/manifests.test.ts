// Static-pod manifests across minors, against kubeadm's facts (kubeadm-spec.md and kubeadm's
// source of each release): flags and their order, probes, volumes, ports, images; and the strict
// template renderer. The byte-for-byte comparison with the real kubeadm is test/compat.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKubeVersion } from '../../src/config/defaults.js';
import type { InitConfig } from '../../src/config/types.js';
import { factsFor } from '../../src/config/versions.js';
import type { NodeFacts } from '../../src/manifests/components.js';
import { apiServerFlags, controllerManagerFlags, etcdFlags, etcdTagAtLeast36, schedulerFlags } from '../../src/manifests/flags.js';
import { fillTemplate, renderManifest, TemplateError, type TemplateName } from '../../src/manifests/render.js';
import { buildManifest } from '../../src/manifests/static-pod.js';
import type { Container, StaticPod } from '../../src/manifests/validate.js';
import { testConfig } from '../helpers/test-config.js';

const ALL_CA_DIRS = new Set(['/etc/pki', '/etc/pki/ca-trust', '/etc/pki/tls/certs', '/etc/ca-certificates', '/usr/share/ca-certificates', '/usr/local/share/ca-certificates']);
const NODE: NodeFacts = { presentCaDirs: ALL_CA_DIRS, env: {}, externalCA: false };

function cfgAt(version: string, edit: (cfg: InitConfig) => void = () => {}): InitConfig {
  return testConfig((cfg) => {
    cfg.kubernetesVersion = parseKubeVersion(version)!;
    edit(cfg);
  });
}

async function pod(name: TemplateName, cfg: InitConfig, node: NodeFacts = NODE): Promise<StaticPod> {
  return (await buildManifest(name, cfg, node)).pod;
}
const container = (p: StaticPod): Container => p.spec.containers[0]!;
const flagNames = (cmd: string[]) => cmd.map((w) => w.replace(/^--/, '').split('=')[0]!);

interface MinorCase {
  version: string;
  etcdImage: string;
  schedulerProbes: [string, string | undefined, string];
  etcdProbes: [string, string | undefined, string];
  namedPort: boolean;
  flexvolume: boolean;
  caVolumes: string[];
  etcdCorruptFlag: string;
}

const SPLIT_PKI = ['etc-ca-certificates', 'etc-pki-ca-trust', 'etc-pki-tls-certs', 'usr-local-share-ca-certificates', 'usr-share-ca-certificates'];
const MINORS: MinorCase[] = [
  { version: 'v1.29.15', etcdImage: 'registry.k8s.io/etcd:3.5.16-0', schedulerProbes: ['/healthz', undefined, '/healthz'], etcdProbes: ['/health?exclude=NOSPACE&serializable=true', undefined, '/health?serializable=false'], namedPort: false, flexvolume: true, caVolumes: ['etc-ca-certificates', 'etc-pki', 'usr-local-share-ca-certificates', 'usr-share-ca-certificates'], etcdCorruptFlag: 'experimental-initial-corrupt-check' },
  { version: 'v1.31.3', etcdImage: 'registry.k8s.io/etcd:3.5.15-0', schedulerProbes: ['/healthz', undefined, '/healthz'], etcdProbes: ['/livez', '/readyz', '/readyz'], namedPort: false, flexvolume: true, caVolumes: SPLIT_PKI, etcdCorruptFlag: 'experimental-initial-corrupt-check' },
  { version: 'v1.32.4', etcdImage: 'registry.k8s.io/etcd:3.5.16-0', schedulerProbes: ['/livez', '/readyz', '/livez'], etcdProbes: ['/livez', '/readyz', '/readyz'], namedPort: false, flexvolume: true, caVolumes: SPLIT_PKI, etcdCorruptFlag: 'experimental-initial-corrupt-check' },
  { version: 'v1.34.4', etcdImage: 'registry.k8s.io/etcd:3.6.5-0', schedulerProbes: ['/livez', '/readyz', '/livez'], etcdProbes: ['/livez', '/readyz', '/readyz'], namedPort: true, flexvolume: true, caVolumes: SPLIT_PKI, etcdCorruptFlag: 'feature-gates' },
  { version: 'v1.36.0', etcdImage: 'registry.k8s.io/etcd:3.6.8-0', schedulerProbes: ['/livez', '/readyz', '/livez'], etcdProbes: ['/livez', '/readyz', '/readyz'], namedPort: true, flexvolume: false, caVolumes: SPLIT_PKI, etcdCorruptFlag: 'feature-gates' },
  { version: 'v1.37.2', etcdImage: 'registry.k8s.io/etcd:3.7.0-0', schedulerProbes: ['/livez', '/readyz', '/livez'], etcdProbes: ['/livez', '/readyz', '/readyz'], namedPort: true, flexvolume: false, caVolumes: SPLIT_PKI, etcdCorruptFlag: 'feature-gates' },
];

const paths = (c: Container): [string | undefined, string | undefined, string | undefined] => [c.livenessProbe?.httpGet.path, c.readinessProbe?.httpGet.path, c.startupProbe?.httpGet.path];

for (const m of MINORS) {
  test(`${m.version}: images, probes, ports, volumes, etcd flags`, async () => {
    const cfg = cfgAt(m.version);
    const [etcd, api, kcm, sched] = await Promise.all((['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const).map((n) => pod(n, cfg)));
    assert.equal(container(etcd!).image, m.etcdImage);
    assert.equal(container(api!).image, `registry.k8s.io/kube-apiserver:${m.version}`);
    assert.deepEqual(paths(container(sched!)), m.schedulerProbes);
    assert.deepEqual(paths(container(etcd!)), m.etcdProbes);
    assert.deepEqual(paths(container(api!)), ['/livez', '/readyz', '/livez']);
    assert.deepEqual(paths(container(kcm!)), ['/healthz', undefined, '/healthz']);
    const expectedPorts: [StaticPod, number][] = [[etcd!, 2381], [api!, 6443], [kcm!, 10257], [sched!, 10259]];
    for (const [p, port] of expectedPorts) {
      const c = container(p);
      assert.equal(c.livenessProbe!.httpGet.port, m.namedPort ? 'probe-port' : port, `${p.metadata.name} probe port`);
      assert.deepEqual(c.ports, m.namedPort ? [{ containerPort: port, name: 'probe-port', protocol: 'TCP' }] : undefined);
      assert.equal(c.startupProbe!.failureThreshold, 24);
      assert.deepEqual(p.spec.volumes.map((v) => v.name), [...p.spec.volumes.map((v) => v.name)].sort(), 'volumes sorted by name');
    }
    const kcmVols = kcm!.spec.volumes.map((v) => v.name);
    assert.equal(kcmVols.includes('flexvolume-dir'), m.flexvolume);
    assert.deepEqual(api!.spec.volumes.map((v) => v.name), ['ca-certs', ...m.caVolumes, 'k8s-certs'].sort());
    assert.deepEqual(sched!.spec.volumes.map((v) => v.name), ['kubeconfig']);
    assert.deepEqual(etcd!.spec.containers[0]!.volumeMounts.map((v) => v.name), ['etcd-data', 'etcd-certs']);
    assert.ok(flagNames(container(etcd!).command).includes(m.etcdCorruptFlag));
  });
}

interface OrderCase {
  name: string;
  version: string;
  /** the apiserver command after the binary, names only, from --enable-admission-plugins on */
  tail: 'sorted' | 'appended';
}

const ORDER: OrderCase[] = [
  { name: '1.29 sorts everything', version: 'v1.29.15', tail: 'sorted' },
  { name: '1.32.12 still sorts', version: 'v1.32.12', tail: 'sorted' },
  { name: '1.32.13 backport appends', version: 'v1.32.13', tail: 'appended' },
  { name: '1.33.8 still sorts', version: 'v1.33.8', tail: 'sorted' },
  { name: '1.33.9 backport appends', version: 'v1.33.9', tail: 'appended' },
  { name: '1.34.3 still sorts', version: 'v1.34.3', tail: 'sorted' },
  { name: '1.34.4 backport appends', version: 'v1.34.4', tail: 'appended' },
  { name: '1.35.0 still sorts', version: 'v1.35.0', tail: 'sorted' },
  { name: '1.35.1 backport appends', version: 'v1.35.1', tail: 'appended' },
  { name: '1.36.0 appends', version: 'v1.36.0', tail: 'appended' },
  { name: '1.37.2 appends', version: 'v1.37.2', tail: 'appended' },
];

for (const c of ORDER) {
  test(`extraArgs order: ${c.name}`, () => {
    const cfg = cfgAt(c.version, (cfg) => {
      cfg.scheduler.extraArgs = [{ name: 'v', value: '4' }, { name: 'bind-address', value: '0.0.0.0' }, { name: 'authentication-tolerate-lookup-failure', value: 'true' }];
    });
    const flags = schedulerFlags(cfg, factsFor(cfg.kubernetesVersion));
    const sorted = ['--authentication-kubeconfig=/etc/kubernetes/scheduler.conf', '--authentication-tolerate-lookup-failure=true', '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf', '--bind-address=0.0.0.0', '--kubeconfig=/etc/kubernetes/scheduler.conf', '--leader-elect=true', '--v=4'];
    const appended = ['--authentication-kubeconfig=/etc/kubernetes/scheduler.conf', '--authorization-kubeconfig=/etc/kubernetes/scheduler.conf', '--kubeconfig=/etc/kubernetes/scheduler.conf', '--leader-elect=true', '--v=4', '--bind-address=0.0.0.0', '--authentication-tolerate-lookup-failure=true'];
    assert.deepEqual(flags, c.tail === 'sorted' ? sorted : appended);
  });
}

test('1.37 mergeMethod merges into the default in place; earlier minors replace', () => {
  const edit = (cfg: InitConfig) => {
    cfg.apiServer.extraArgs = [{ name: 'enable-admission-plugins', value: ',PodSecurity', mergeMethod: 'append' }];
  };
  const v37 = apiServerFlags(cfgAt('v1.37.2', edit), factsFor(parseKubeVersion('v1.37.2')!));
  assert.ok(v37.includes('--enable-admission-plugins=NodeRestriction,PodSecurity'));
  assert.equal(v37.indexOf('--enable-admission-plugins=NodeRestriction,PodSecurity'), v37.indexOf('--enable-bootstrap-token-auth=true') - 1, 'in place, among the sorted defaults');
  const v36 = apiServerFlags(cfgAt('v1.36.0', edit), factsFor(parseKubeVersion('v1.36.0')!));
  assert.equal(v36.at(-1), '--enable-admission-plugins=,PodSecurity');
});

interface AuthzCase {
  name: string;
  version: string;
  extra: { name: string; value: string }[];
  expect: string[];
}

const AUTHZ: AuthzCase[] = [
  { name: '1.29 filters unknown modes out of the user value', version: 'v1.29.15', extra: [{ name: 'authorization-mode', value: 'Node,Bogus,RBAC' }], expect: ['--authorization-mode=Node,RBAC'] },
  { name: '1.29 keeps authorization-mode with authorization-config', version: 'v1.29.15', extra: [{ name: 'authorization-config', value: '/etc/authz.yaml' }], expect: ['--authorization-config=/etc/authz.yaml', '--authorization-mode=Node,RBAC'] },
  { name: '1.30 drops authorization-mode with authorization-config', version: 'v1.30.2', extra: [{ name: 'authorization-config', value: '/etc/authz.yaml' }], expect: ['--authorization-config=/etc/authz.yaml'] },
  { name: '1.37 user authorization-mode replaces the default, at the end', version: 'v1.37.2', extra: [{ name: 'authorization-mode', value: 'Node,RBAC,Webhook' }], expect: ['--authorization-mode=Node,RBAC,Webhook'] },
];

for (const c of AUTHZ) {
  test(`authorization: ${c.name}`, () => {
    const cfg = cfgAt(c.version, (cfg) => (cfg.apiServer.extraArgs = c.extra));
    const flags = apiServerFlags(cfg, factsFor(cfg.kubernetesVersion)).filter((f) => f.startsWith('--authorization-'));
    assert.deepEqual(flags, c.expect);
  });
}

test('controller-manager: pod CIDR flags only with a pod CIDR; external CA empties the signer files', () => {
  const facts = factsFor(parseKubeVersion('v1.37.2')!);
  const withPods = controllerManagerFlags(cfgAt('v1.37.2'), facts);
  assert.ok(withPods.includes('--allocate-node-cidrs=true') && withPods.includes('--cluster-cidr=10.244.0.0/16') && withPods.includes('--service-cluster-ip-range=10.96.0.0/12'));
  const noPods = controllerManagerFlags(cfgAt('v1.37.2', (c) => (c.networking.podSubnet = '')), facts);
  assert.ok(!noPods.some((f) => /allocate-node-cidrs|cluster-cidr|service-cluster-ip-range/.test(f)));
  const ext = controllerManagerFlags(cfgAt('v1.37.2'), facts, { externalCA: true });
  assert.ok(ext.includes('--cluster-signing-cert-file=') && ext.includes('--cluster-signing-key-file='));
});

test('IPv6 advertise address: ::1 for local etcd, brackets in URLs and the endpoint annotation', async () => {
  const cfg = cfgAt('v1.37.2', (c) => (c.localAPIEndpoint.advertiseAddress = 'fd00::2'));
  const facts = factsFor(cfg.kubernetesVersion);
  assert.ok(apiServerFlags(cfg, facts).includes('--etcd-servers=https://[::1]:2379'));
  const e = etcdFlags(cfg, facts);
  assert.ok(e.includes('--listen-client-urls=https://[::1]:2379,https://[fd00::2]:2379'));
  assert.ok(e.includes('--listen-metrics-urls=http://[::1]:2381'));
  const etcd = await pod('etcd', cfg);
  assert.equal(container(etcd).livenessProbe!.httpGet.host, '::1');
  const api = await pod('kube-apiserver', cfg);
  assert.equal(api.metadata.annotations!['kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint'], '[fd00::2]:6443');
});

test('etcd on 1.34/1.35 picks its flags by the image tag; 3.6.0 pre-releases are not 3.6', () => {
  const cfg = cfgAt('v1.35.1', (c) => (c.etcd.local!.imageTag = '3.5.24-0'));
  assert.ok(flagNames(etcdFlags(cfg, factsFor(cfg.kubernetesVersion))).includes('experimental-watch-progress-notify-interval'));
  for (const [tag, want] of [['3.6.0', true], ['3.6.0-0', false], ['3.6.5-0', true], ['3.5.24-0', false], ['v3.7.0', true], ['latest', false]] as const)
    assert.equal(etcdTagAtLeast36(tag), want, tag);
});

test('env: *_proxy of the process (any case, non-empty) merged with extraEnvs, sorted; etcd only extraEnvs', async () => {
  const cfg = cfgAt('v1.37.2', (c) => {
    c.apiServer.extraEnvs = [{ name: 'https_proxy', value: 'http://mine' }, { name: 'A', value: '1' }];
    c.etcd.local!.extraEnvs = [{ name: 'E', value: '2' }];
  });
  const node: NodeFacts = { ...NODE, env: { https_proxy: 'http://env', NO_PROXY: 'x', EMPTY_proxy: '', PATH: '/bin' } };
  assert.deepEqual(container(await pod('kube-apiserver', cfg, node)).env, [{ name: 'A', value: '1' }, { name: 'NO_PROXY', value: 'x' }, { name: 'https_proxy', value: 'http://mine' }]);
  assert.deepEqual(container(await pod('etcd', cfg, node)).env, [{ name: 'E', value: '2' }]);
  assert.equal(container(await pod('kube-scheduler', cfgAt('v1.37.2'))).env, undefined);
});

test('bind-address 0.0.0.0 leaves the probe host out; the startup threshold follows the health-check timeout', async () => {
  const cfg = cfgAt('v1.37.2', (c) => {
    c.controllerManager.extraArgs = [{ name: 'bind-address', value: '0.0.0.0' }];
    c.timeouts.controlPlaneComponentHealthCheckMs = 95_000;
  });
  const c = container(await pod('kube-controller-manager', cfg));
  assert.equal(c.livenessProbe!.httpGet.host, undefined);
  assert.equal(c.startupProbe!.failureThreshold, 10);
});

test('images: repository override, etcd tag override, imagePullPolicy from nodeRegistration', async () => {
  const cfg = cfgAt('v1.37.2', (c) => {
    c.imageRepository = 'reg.lab:5000/k8s';
    c.etcd.local!.imageRepository = 'reg.lab:5000/etcd-images';
    c.etcd.local!.imageTag = '3.6.99-0';
    c.nodeRegistration.imagePullPolicy = 'Never';
  });
  assert.equal(container(await pod('kube-scheduler', cfg)).image, 'reg.lab:5000/k8s/kube-scheduler:v1.37.2');
  const etcd = container(await pod('etcd', cfg));
  assert.equal(etcd.image, 'reg.lab:5000/etcd-images/etcd:3.6.99-0');
  assert.equal(etcd.imagePullPolicy, 'Never');
});

test('extraVolumes replace a default of the same name and are sorted in', async () => {
  const cfg = cfgAt('v1.37.2', (c) => {
    c.apiServer.extraVolumes = [
      { name: 'ca-certs', hostPath: '/opt/certs', mountPath: '/etc/ssl/certs', readOnly: true, pathType: 'Directory' },
      { name: 'audit', hostPath: '/var/log/audit', mountPath: '/var/log/audit', readOnly: false, pathType: '' },
    ];
  });
  const p = await pod('kube-apiserver', cfg, { ...NODE, presentCaDirs: new Set() });
  assert.deepEqual(p.spec.volumes, [
    { name: 'audit', hostPath: { path: '/var/log/audit', type: '' } },
    { name: 'ca-certs', hostPath: { path: '/opt/certs', type: 'Directory' } },
    { name: 'k8s-certs', hostPath: { path: '/etc/kubernetes/pki', type: 'DirectoryOrCreate' } },
  ]);
  assert.deepEqual(container(p).volumeMounts[0], { name: 'audit', mountPath: '/var/log/audit' });
});

test('external etcd: apiserver gets its endpoints and files, and mounts their directories', async () => {
  const cfg = cfgAt('v1.37.2', (c) => {
    delete c.etcd.local;
    c.etcd.external = { endpoints: ['https://10.0.0.5:2379', 'https://10.0.0.6:2379'], caFile: '/etc/etcd/pki/ca.crt', certFile: '/etc/etcd/pki/client/c.crt', keyFile: '/etc/kubernetes/pki/c.key' };
  });
  const p = await pod('kube-apiserver', cfg, { ...NODE, presentCaDirs: new Set() });
  const cmd = container(p).command;
  assert.ok(cmd.includes('--etcd-servers=https://10.0.0.5:2379,https://10.0.0.6:2379'));
  assert.ok(cmd.includes('--etcd-cafile=/etc/etcd/pki/ca.crt') && cmd.includes('--etcd-certfile=/etc/etcd/pki/client/c.crt'));
  assert.deepEqual(p.spec.volumes.filter((v) => v.name.startsWith('etcd-certs')), [{ name: 'etcd-certs-0', hostPath: { path: '/etc/etcd/pki', type: 'DirectoryOrCreate' } }]);
});

test('renderer: a missing placeholder, an unused value, a block given a scalar are errors', async () => {
  const tpl = '# header {{ignored}}\na: {{x}}\nb:\n  {{list}}\n';
  assert.equal(await fillTemplate('t', tpl, { x: 'word', list: ['p', 'q'] }), 'a: word\nb:\n  - p\n  - q\n');
  await assert.rejects(fillTemplate('t', tpl, { x: 'y' }), (e: unknown) => e instanceof TemplateError && /no value for placeholder\(s\) \{\{list\}\}/.test(e.message));
  await assert.rejects(fillTemplate('t', tpl, { x: 'y', list: [], extra: 1 }), /value\(s\) with no placeholder: extra/);
  await assert.rejects(fillTemplate('t', tpl, { x: 'y', list: 'scalar' }), /needs a list or a mapping/);
});

test('renderer: a rendered pod that breaks an invariant is refused before it is written', async () => {
  const cfg = cfgAt('v1.37.2');
  const { pod: good } = await buildManifest('kube-scheduler', cfg, NODE);
  assert.equal(good.metadata.name, 'kube-scheduler');
  const tpl = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: kube-scheduler\n  namespace: kube-system\n  labels: {component: kube-scheduler, tier: control-plane}\nspec:\n  hostNetwork: true\n  containers:\n  - name: kube-scheduler\n    image: {{image}}\n    imagePullPolicy: IfNotPresent\n    command: [kube-scheduler]\n    volumeMounts: [{name: nope, mountPath: /x}]\n    livenessProbe: {httpGet: {path: /livez, port: probe-port, scheme: HTTPS}, periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 8}\n    startupProbe: {httpGet: {path: /livez, port: 10259, scheme: HTTPS}, periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 8}\n  volumes: []\n';
  await assert.rejects(renderManifest('kube-scheduler', { image: 'registry.k8s.io/kube-scheduler:v1.37.2' }, tpl), (e: unknown) => {
    assert.ok(e instanceof TemplateError);
    assert.match(e.message, /mount nope has no volume/);
    assert.match(e.message, /names port probe-port that the container does not declare/);
    return true;
  });
});

test('etcd of a control-plane join: --initial-cluster lists the existing members and this one, --initial-cluster-state=existing, in kubeadm sorted order', () => {
  const one = etcdFlags(cfgAt('v1.37.2'), factsFor(parseKubeVersion('v1.37.2')!));
  assert.ok(!flagNames(one).includes('initial-cluster-state'), 'a new cluster has no state flag');
  const cfg = cfgAt('v1.37.2', (c) => (c.etcd.local!.joinInitialCluster = 'cp1=https://10.0.0.1:2380,node-a=https://172.31.0.2:2380'));
  const e = etcdFlags(cfg, factsFor(cfg.kubernetesVersion));
  assert.ok(e.includes('--initial-cluster=cp1=https://10.0.0.1:2380,node-a=https://172.31.0.2:2380'));
  assert.ok(e.includes('--initial-cluster-state=existing'));
  const names = flagNames(e);
  assert.equal(names.indexOf('initial-cluster-state'), names.indexOf('initial-cluster') + 1);
});

// loadInitConfig end to end over a fake node root: flags only, a file only, v1beta3 and
// v1beta4 saying the same thing, the defaults kubeadm computes, and the print/read round trip.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RealHost } from '../../src/host/real-host.js';
import { loadInitConfig, type LoadResult } from '../../src/config/load.js';
import type { FlagValues } from '../../src/config/flags.js';
import type { InitConfig } from '../../src/config/types.js';
import { initDefaultsYaml } from '../../src/commands/config.js';
import { fakeNodeRoot, type FakeNode } from '../helpers/config-fake-node.js';

const STARTED = new Date('2030-01-01T00:00:00Z');

async function load(t: TestContext, flags: FlagValues, node: FakeNode = {}): Promise<LoadResult> {
  const root = fakeNodeRoot(t, node);
  return loadInitConfig({ flags: { rootfs: root, ...flags }, host: new RealHost(root), cwd: '/', env: {}, startedAt: STARTED });
}

test('defaults: what kubeadm computes for a node with no flags', async (t) => {
  const { cfg, opts, warnings } = await load(t, {});
  assert.equal(cfg.nodeRegistration.name, 'node-a', 'host name Node-A, lower-cased');
  assert.equal(cfg.localAPIEndpoint.advertiseAddress, '192.168.56.11');
  assert.equal(cfg.localAPIEndpoint.bindPort, 6443);
  assert.equal(cfg.nodeRegistration.criSocket, 'unix:///var/run/containerd/containerd.sock');
  assert.match(cfg.bootstrapTokens[0]!.token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  assert.equal(cfg.bootstrapTokens[0]!.ttlMs, 24 * 3_600_000);
  assert.equal(cfg.kubernetesVersion.text, 'v1.37.2');
  assert.equal(cfg.networking.podSubnet, '10.244.0.0/16', 'flannel needs a pod range');
  assert.equal(cfg.networking.serviceSubnet, '10.96.0.0/12');
  assert.deepEqual(cfg.cni, { kind: 'flannel' });
  assert.equal(cfg.nodeRegistration.taints, null);
  assert.equal(opts.kubeconfigDir, '/etc/kubernetes');
  assert.equal(opts.dryRun, false);
  assert.deepEqual(warnings, []);
});

const flagCases: { name: string; flags: FlagValues; node?: FakeNode; check: (cfg: InitConfig, r: LoadResult) => void }[] = [
  {
    name: 'networking flags',
    flags: { 'pod-network-cidr': '192.168.0.0/16', 'service-cidr': '10.112.0.0/12', 'service-dns-domain': 'corp.internal' },
    check: (c) => assert.deepEqual(c.networking, { podSubnet: '192.168.0.0/16', serviceSubnet: '10.112.0.0/12', dnsDomain: 'corp.internal' }),
  },
  {
    name: 'API endpoint flags; the control-plane endpoint gets the bind port',
    flags: { 'apiserver-advertise-address': '10.0.0.5', 'apiserver-bind-port': '8443', 'control-plane-endpoint': 'cp.example.com' },
    check: (c) => {
      assert.deepEqual(c.localAPIEndpoint, { advertiseAddress: '10.0.0.5', bindPort: 8443 });
      assert.equal(c.controlPlaneEndpoint, 'cp.example.com:8443');
    },
  },
  {
    name: 'extra SANs are split and lower-cased',
    flags: { 'apiserver-cert-extra-sans': 'LB.Example.com, 10.0.0.100,*.apps.example.com' },
    check: (c) => assert.deepEqual(c.apiServer.certSANs, ['lb.example.com', '10.0.0.100', '*.apps.example.com']),
  },
  {
    name: 'token, TTL, certificate key, feature gates, image repository',
    flags: { token: 'abcdef.0123456789abcdef', 'token-ttl': '2h30m', 'certificate-key': 'a'.repeat(64), 'feature-gates': 'RootlessControlPlane=true', 'image-repository': 'mirror.example.com:5000/k8s' },
    check: (c) => {
      assert.equal(c.bootstrapTokens[0]!.token, 'abcdef.0123456789abcdef');
      assert.equal(c.bootstrapTokens[0]!.ttlMs, 2.5 * 3_600_000);
      assert.equal(c.certificateKey, 'a'.repeat(64));
      assert.deepEqual(c.featureGates, { RootlessControlPlane: true });
      assert.equal(c.imageRepository, 'mirror.example.com:5000/k8s');
    },
  },
  {
    name: 'relative --cert-dir and --kubeconfig-dir resolve against the working directory',
    flags: { 'cert-dir': 'pki', 'kubeconfig-dir': '../conf' },
    check: (c, r) => {
      assert.equal(c.certificatesDir, '/pki');
      assert.equal(r.opts.kubeconfigDir, '/conf');
    },
  },
  {
    name: '--cni none leaves the pod range empty, as kubeadm does',
    flags: { cni: 'none' },
    check: (c) => {
      assert.deepEqual(c.cni, { kind: 'none' });
      assert.equal(c.networking.podSubnet, '');
    },
  },
  {
    name: '--cni FILE must exist and is kept as a node path',
    flags: { cni: '/opt/calico.yaml' },
    node: { files: { '/opt/calico.yaml': 'kind: List\n' } },
    check: (c) => assert.deepEqual(c.cni, { kind: 'file', path: '/opt/calico.yaml' }),
  },
  {
    name: '--cri-socket without a scheme gets unix:// and a warning',
    flags: { 'cri-socket': '/run/containerd/containerd.sock' },
    check: (c, r) => {
      assert.equal(c.nodeRegistration.criSocket, 'unix:///run/containerd/containerd.sock');
      assert.match(r.warnings.join('\n'), /without a URL scheme/);
    },
  },
  {
    name: 'a detected CRI-O socket is used',
    flags: {},
    node: { sockets: ['/var/run/crio/crio.sock'] },
    check: (c) => assert.equal(c.nodeRegistration.criSocket, 'unix:///var/run/crio/crio.sock'),
  },
  {
    name: '--ignore-preflight-errors lower-cased; --skip-phases kept',
    flags: { 'ignore-preflight-errors': 'Swap,NumCPU', 'skip-phases': 'addon/kube-proxy' },
    check: (c) => {
      assert.deepEqual(c.nodeRegistration.ignorePreflightErrors, ['numcpu', 'swap']);
      assert.deepEqual(c.skipPhases, ['addon/kube-proxy']);
    },
  },
  {
    name: '--kubernetes-version picks the minor; PublicKeysECDSA becomes ECDSA-P256',
    flags: { 'kubernetes-version': 'v1.30.3', 'feature-gates': 'PublicKeysECDSA=true' },
    check: (c) => {
      assert.deepEqual([c.kubernetesVersion.minor, c.kubernetesVersion.patch, c.kubernetesVersion.text], [30, 3, 'v1.30.3']);
      assert.equal(c.encryptionAlgorithm, 'ECDSA-P256');
    },
  },
];
for (const c of flagCases) {
  test(`flags only: ${c.name}`, async (t) => {
    const r = await load(t, c.flags, c.node);
    c.check(r.cfg, r);
  });
}

const V1BETA4 = `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens:
- token: abcdef.0123456789abcdef
  ttl: 1h0m0s
  description: first
nodeRegistration:
  name: cp-1
  criSocket: unix:///run/containerd/containerd.sock
  taints: []
  kubeletExtraArgs:
  - name: node-labels
    value: tier=cp
  - name: max-pods
    value: "50"
localAPIEndpoint:
  advertiseAddress: 10.1.2.3
  bindPort: 6443
timeouts:
  controlPlaneComponentHealthCheck: 6m
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.33.5
controlPlaneEndpoint: cp.example.com:6443
networking:
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
apiServer:
  certSANs: [cp.example.com]
  extraArgs:
  - name: audit-log-maxage
    value: "7"
controllerManager:
  extraArgs:
  - name: bind-address
    value: 0.0.0.0
etcd:
  local:
    dataDir: /data/etcd
    extraArgs:
    - name: quota-backend-bytes
      value: "8589934592"
`;

const V1BETA3 = `apiVersion: kubeadm.k8s.io/v1beta3
kind: InitConfiguration
bootstrapTokens:
- token: abcdef.0123456789abcdef
  ttl: 1h
  description: first
nodeRegistration:
  name: cp-1
  criSocket: unix:///run/containerd/containerd.sock
  taints: []
  kubeletExtraArgs:
    node-labels: tier=cp
    max-pods: "50"
localAPIEndpoint:
  advertiseAddress: 10.1.2.3
---
apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.33.5
controlPlaneEndpoint: cp.example.com:6443
networking:
  podSubnet: 10.244.0.0/16
apiServer:
  timeoutForControlPlane: 6m0s
  certSANs: [cp.example.com]
  extraArgs:
    audit-log-maxage: "7"
controllerManager:
  extraArgs:
    bind-address: 0.0.0.0
etcd:
  local:
    dataDir: /data/etcd
    extraArgs:
      quota-backend-bytes: "8589934592"
`;

test('file only (v1beta4): every field lands where it belongs', async (t) => {
  const { cfg } = await load(t, { config: '/kubeadm.yaml' }, { files: { '/kubeadm.yaml': V1BETA4 } });
  assert.equal(cfg.bootstrapTokens[0]!.token, 'abcdef.0123456789abcdef');
  assert.equal(cfg.bootstrapTokens[0]!.description, 'first');
  assert.equal(cfg.bootstrapTokens[0]!.ttlMs, 3_600_000);
  assert.equal(cfg.nodeRegistration.name, 'cp-1');
  assert.deepEqual(cfg.nodeRegistration.taints, []);
  assert.deepEqual(cfg.nodeRegistration.kubeletExtraArgs, [{ name: 'node-labels', value: 'tier=cp' }, { name: 'max-pods', value: '50' }]);
  assert.equal(cfg.timeouts.controlPlaneComponentHealthCheckMs, 6 * 60_000);
  assert.equal(cfg.timeouts.kubeletHealthCheckMs, 4 * 60_000, 'other timeouts keep their defaults');
  assert.equal(cfg.kubernetesVersion.text, 'v1.33.5');
  assert.deepEqual(cfg.apiServer.extraArgs, [{ name: 'audit-log-maxage', value: '7' }]);
  assert.equal(cfg.etcd.local?.dataDir, '/data/etcd');
  assert.equal(cfg.controlPlaneEndpoint, 'cp.example.com:6443');
});

test('v1beta3 and v1beta4 saying the same thing give the same configuration (maps become sorted lists)', async (t) => {
  const a = await load(t, { config: '/a.yaml' }, { files: { '/a.yaml': V1BETA4 } });
  const b = await load(t, { config: '/b.yaml' }, { files: { '/b.yaml': V1BETA3 } });
  // v1beta3 maps have no order: kubeadm sorts them by name
  a.cfg.nodeRegistration.kubeletExtraArgs.sort((x, y) => x.name.localeCompare(y.name));
  assert.deepEqual(b.cfg, a.cfg);
  assert.deepEqual(a.warnings, []);
  assert.match(b.warnings.join('\n'), /kubeadm\.k8s\.io\/v1beta3, which is deprecated for Kubernetes 1\.33/);
});

test('KubeletConfiguration and KubeProxyConfiguration documents are kept as written', async (t) => {
  const file = `${V1BETA4}---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
maxPods: 50
---
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: ipvs
`;
  const { cfg } = await load(t, { config: '/k.yaml' }, { files: { '/k.yaml': file } });
  assert.deepEqual(cfg.kubeletConfiguration, { cgroupDriver: 'systemd', maxPods: 50 });
  assert.deepEqual(cfg.kubeProxyConfiguration, { mode: 'ipvs' });
});

test('flags kubeadm allows next to --config: --node-name overrides, --ignore-preflight-errors joins', async (t) => {
  const file = V1BETA4.replace('  taints: []\n', '  taints: []\n  ignorePreflightErrors: [Swap]\n');
  const { cfg, opts } = await load(t, { config: 'kubeadm.yaml', 'node-name': 'other', 'ignore-preflight-errors': 'NumCPU', 'kubeconfig-dir': '/tmp/kc' }, { files: { '/kubeadm.yaml': file } });
  assert.equal(cfg.nodeRegistration.name, 'other');
  assert.deepEqual(cfg.nodeRegistration.ignorePreflightErrors, ['numcpu', 'swap']);
  assert.equal(opts.kubeconfigDir, '/tmp/kc');
});

test('kubeadm.k8s.io/v1 (1.37): mergeMethod on extraArgs, with an experimental warning', async (t) => {
  const file = `apiVersion: kubeadm.k8s.io/v1
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
apiServer:
  extraArgs:
  - name: enable-admission-plugins
    value: NodeRestriction,AlwaysPullImages
    mergeMethod: append
`;
  const { cfg, warnings } = await load(t, { config: '/v1.yaml' }, { files: { '/v1.yaml': file } });
  assert.deepEqual(cfg.apiServer.extraArgs, [{ name: 'enable-admission-plugins', value: 'NodeRestriction,AlwaysPullImages', mergeMethod: 'append' }]);
  assert.match(warnings.join('\n'), /experimental/);
});

const roundTrips: { name: string; flags: FlagValues; apiVersion: string; version: string }[] = [
  { name: '1.37 (v1beta4)', flags: {}, apiVersion: 'kubeadm.k8s.io/v1beta4', version: 'v1.37.2' },
  { name: '1.31 (v1beta4)', flags: { 'kubernetes-version': 'v1.31.4' }, apiVersion: 'kubeadm.k8s.io/v1beta4', version: 'v1.31.4' },
  { name: '1.30 (v1beta3)', flags: { 'kubernetes-version': 'v1.30.2' }, apiVersion: 'kubeadm.k8s.io/v1beta3', version: 'v1.30.2' },
];
for (const c of roundTrips) {
  test(`config print init-defaults reads back with --config: ${c.name}`, async (t) => {
    const yaml = await initDefaultsYaml(c.flags);
    assert.equal((yaml.match(new RegExp(`^apiVersion: ${c.apiVersion.replace(/\./g, '\\.')}$`, 'gm')) ?? []).length, 2);
    const { cfg, warnings } = await load(t, { config: '/defaults.yaml' }, { files: { '/defaults.yaml': yaml } });
    assert.deepEqual(warnings, []);
    assert.equal(cfg.kubernetesVersion.text, c.version);
    assert.equal(cfg.bootstrapTokens[0]!.token, 'abcdef.0123456789abcdef');
    assert.equal(cfg.localAPIEndpoint.advertiseAddress, '1.2.3.4');
    assert.equal(cfg.nodeRegistration.name, 'node');
    assert.equal(cfg.nodeRegistration.taints, null);
    assert.equal(cfg.timeouts.controlPlaneComponentHealthCheckMs, 4 * 60_000);
    assert.equal(cfg.certificatesDir, '/etc/kubernetes/pki');
    assert.equal(cfg.etcd.local?.dataDir, '/var/lib/etcd');
  });
}

test('the e2e lab\'s init config reads as the lab means it', async (t) => {
  const lab = readFileSync(new URL('../../../test/e2e/manifests/init-config.yaml', import.meta.url), 'utf8').replaceAll('@K8S_VERSION@', 'v1.37.2');
  const { cfg, warnings } = await load(t, { config: '/root/init-config.yaml' }, { files: { '/root/init-config.yaml': lab } });
  assert.deepEqual(warnings, []);
  assert.equal(cfg.nodeRegistration.criSocket, 'unix:///run/containerd/containerd.sock');
  assert.equal(cfg.nodeRegistration.imagePullPolicy, 'Never');
  assert.deepEqual(cfg.nodeRegistration.ignorePreflightErrors, ['systemverification']);
  assert.equal(cfg.timeouts.kubernetesAPICallMs, 4 * 60_000);
  assert.deepEqual(cfg.kubeletConfiguration, { cgroupDriver: 'cgroupfs', failCgroupV1: false });
});

// What a joining worker makes of the cluster's configuration: the InitConfig built from the
// kubeadm-config and kubelet-config texts with the join's nodeRegistration, the check table in
// kubeadm's join order, and kubeadm-flags.env's --register-with-taints for a worker.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeConfig } from '../../src/kube/join-cluster.js';
import { joinChecks } from '../../src/preflight/join-checks.js';
import { kubeadmFlagsEnv } from '../../src/kubelet/flags-env.js';
import { nodeFacts } from '../../src/config/versions.js';
import type { JoinConfig } from '../../src/config/join-types.js';
import { defaultInitConfig } from '../../src/config/defaults.js';

const CLUSTER = `apiServer: {}
apiVersion: kubeadm.k8s.io/v1beta4
caCertificateValidityPeriod: 87600h0m0s
certificateValidityPeriod: 8760h0m0s
certificatesDir: /etc/kubernetes/pki
clusterName: prod
controllerManager: {}
dns: {}
encryptionAlgorithm: RSA-2048
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: v1.33.4
networking:
  dnsDomain: cluster.local
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
proxy: {}
scheduler: {}
`;
const KUBELET = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: cgroupfs\nclusterDNS:\n- 10.96.0.10\nhealthzPort: 10248\n';

function join(): JoinConfig {
  const d = defaultInitConfig({ name: 'w1', advertiseAddress: '' });
  return {
    nodeRegistration: { ...d.nodeRegistration, name: 'w1', criSocket: 'unix:///run/containerd/containerd.sock', kubeletExtraArgs: [{ name: 'node-ip', value: '10.0.0.12' }] },
    caCertPath: '/etc/kubernetes/pki/ca.crt',
    discovery: { tlsBootstrapToken: 'abcdef.0123456789abcdef' },
    skipPhases: [],
    timeouts: { ...d.timeouts, tlsBootstrapMs: 1234 },
  };
}

test('the node\'s configuration: the cluster\'s settings and version, this node\'s registration and timeouts', async () => {
  const cfg = await nodeConfig(CLUSTER, KUBELET, join());
  assert.equal(cfg.kubernetesVersion.text, 'v1.33.4');
  assert.equal(cfg.clusterName, 'prod');
  assert.equal(cfg.networking.podSubnet, '10.244.0.0/16');
  assert.equal(cfg.nodeRegistration.name, 'w1');
  assert.deepEqual(cfg.nodeRegistration.taints, [], 'a worker has no taint unless it asks for one');
  assert.deepEqual(cfg.nodeRegistration.kubeletExtraArgs, [{ name: 'node-ip', value: '10.0.0.12' }]);
  assert.equal(cfg.timeouts.tlsBootstrapMs, 1234);
  assert.deepEqual(cfg.kubeletConfiguration, { cgroupDriver: 'cgroupfs', clusterDNS: ['10.96.0.10'], healthzPort: 10248 });
});

test('a ClusterConfiguration that cannot be read is an error naming the ConfigMap', async () => {
  await assert.rejects(nodeConfig('kind: ClusterConfiguration\napiVersion: kubeadm.k8s.io/v1beta4\nbogus: 1\n', KUBELET, join()), /ClusterConfiguration in ConfigMap kube-system\/kubeadm-config cannot be read: unknown field "bogus"/);
});

test('join\'s checks, in kubeadm\'s join order (token discovery over IPv4)', async () => {
  const cfg = await nodeConfig(CLUSTER, KUBELET, join());
  const names = joinChecks(cfg, { kubeconfigDir: '/etc/kubernetes', caCertPath: '/etc/kubernetes/pki/ca.crt', endpointHost: '10.0.0.10', env: {} }).map((c) => c.name);
  assert.deepEqual(names, [
    'FileAvailable--etc-kubernetes-kubelet.conf',
    'FileAvailable--etc-kubernetes-bootstrap-kubelet.conf',
    'CRI',
    'Swap',
    'FileExisting-losetup',
    'FileExisting-mount',
    'FileExisting-cp',
    'SystemVerification',
    'Hostname',
    'KubeletVersion',
    'Service-kubelet',
    'Port-10250',
    'FileAvailable--etc-kubernetes-pki-ca.crt',
    'HTTPProxy',
    'FileContent--proc-sys-net-ipv4-ip_forward',
    'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables',
    'ContainerdCRIPlugin',
    'CgroupDriver',
    'ContainerdOOMScoreAdj',
    'SandboxImage',
  ]);
  const fileDiscovery = joinChecks(cfg, { kubeconfigDir: '/etc/kubernetes', caCertPath: '/etc/kubernetes/pki/ca.crt', env: {} }).map((c) => c.name);
  assert.ok(!fileDiscovery.includes('HTTPProxy') && !fileDiscovery.includes('FileContent--proc-sys-net-ipv4-ip_forward'), 'file discovery has no endpoint checks');
  assert.ok(!names.includes('KernelTunables'), "no KernelTunables: the cluster's kubelet does not protect kernel defaults");
});

test("join's checks on a cluster whose KubeletConfiguration protects kernel defaults (--profile cis): KernelTunables last", async () => {
  const cfg = await nodeConfig(CLUSTER, `${KUBELET.trimEnd()}\nprotectKernelDefaults: true\n`, join());
  assert.equal(cfg.kubeletConfiguration?.protectKernelDefaults, true);
  const names = joinChecks(cfg, { kubeconfigDir: '/etc/kubernetes', caCertPath: '/etc/kubernetes/pki/ca.crt', endpointHost: '10.0.0.10', env: {} }).map((c) => c.name);
  assert.equal(names.at(-1), 'KernelTunables');
});

test('HTTPProxy: a proxy that would carry the calls to the endpoint is a warning; NO_PROXY exempts it', async () => {
  const cfg = await nodeConfig(CLUSTER, KUBELET, join());
  const check = (env: NodeJS.ProcessEnv) => joinChecks(cfg, { kubeconfigDir: '/etc/kubernetes', caCertPath: '/x.crt', endpointHost: 'cp.example.com', env }).find((c) => c.name === 'HTTPProxy')!;
  const found = await check({ HTTPS_PROXY: 'http://proxy:3128' }).run({} as never);
  assert.equal(found[0]?.severity, 'warning');
  assert.match(found[0]!.message, /Connection to "https:\/\/cp\.example\.com" uses proxy "http:\/\/proxy:3128"/);
  assert.deepEqual(await check({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '.example.com' }).run({} as never), []);
});

test('kubeadm-flags.env of a worker: nodeRegistration.taints as --register-with-taints', async () => {
  const cfg = await nodeConfig(CLUSTER, KUBELET, join());
  cfg.nodeRegistration.taints = [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }, { key: 'spot', effect: 'PreferNoSchedule' }];
  const env = kubeadmFlagsEnv(cfg, nodeFacts(33), 'w1', { registerTaints: true });
  assert.equal(env, 'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/containerd/containerd.sock --node-ip=10.0.0.12 --pod-infra-container-image=registry.k8s.io/pause:3.10 --register-with-taints=dedicated=gpu:NoSchedule,spot:PreferNoSchedule"\n');
  assert.doesNotMatch(kubeadmFlagsEnv(cfg, nodeFacts(33), 'w1'), /register-with-taints/, 'init (a control plane) gets its taints from mark-control-plane');
});

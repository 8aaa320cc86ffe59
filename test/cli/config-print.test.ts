// `config print init-defaults` through the CLI: kubeadm's exact layout for its placeholder
// configuration, in the API version kubeadm of the target minor writes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';

// kubeadm v1.31+ prints this (its own version in kubernetesVersion, without the leading v)
const V1BETA4 = `apiVersion: kubeadm.k8s.io/v1beta4
bootstrapTokens:
- groups:
  - system:bootstrappers:kubeadm:default-node-token
  token: abcdef.0123456789abcdef
  ttl: 24h0m0s
  usages:
  - signing
  - authentication
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 1.2.3.4
  bindPort: 6443
nodeRegistration:
  criSocket: unix:///var/run/containerd/containerd.sock
  imagePullPolicy: IfNotPresent
  imagePullSerial: true
  name: node
  taints: null
timeouts:
  controlPlaneComponentHealthCheck: 4m0s
  discovery: 5m0s
  etcdAPICall: 2m0s
  kubeletHealthCheck: 4m0s
  kubernetesAPICall: 1m0s
  tlsBootstrap: 5m0s
  upgradeManifests: 5m0s
---
apiServer: {}
apiVersion: kubeadm.k8s.io/v1beta4
caCertificateValidityPeriod: 87600h0m0s
certificateValidityPeriod: 8760h0m0s
certificatesDir: /etc/kubernetes/pki
clusterName: kubernetes
controllerManager: {}
dns: {}
encryptionAlgorithm: RSA-2048
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: VERSION
networking:
  dnsDomain: cluster.local
  serviceSubnet: 10.96.0.0/12
proxy: {}
scheduler: {}
`;

// kubeadm v1.29 / v1.30 prints this
const V1BETA3 = `apiVersion: kubeadm.k8s.io/v1beta3
bootstrapTokens:
- groups:
  - system:bootstrappers:kubeadm:default-node-token
  token: abcdef.0123456789abcdef
  ttl: 24h0m0s
  usages:
  - signing
  - authentication
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 1.2.3.4
  bindPort: 6443
nodeRegistration:
  criSocket: unix:///var/run/containerd/containerd.sock
  imagePullPolicy: IfNotPresent
  name: node
  taints: null
---
apiServer:
  timeoutForControlPlane: 4m0s
apiVersion: kubeadm.k8s.io/v1beta3
certificatesDir: /etc/kubernetes/pki
clusterName: kubernetes
controllerManager: {}
dns: {}
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: VERSION
networking:
  dnsDomain: cluster.local
  serviceSubnet: 10.96.0.0/12
scheduler: {}
`;

const cases: { name: string; argv: string[]; want: string }[] = [
  { name: 'default (1.37)', argv: [], want: V1BETA4.replace('VERSION', '1.37.2') },
  { name: '1.31', argv: ['--kubernetes-version', 'v1.31.0'], want: V1BETA4.replace('VERSION', '1.31.0') },
  { name: '1.30', argv: ['--kubernetes-version', 'v1.30.14'], want: V1BETA3.replace('VERSION', '1.30.14') },
  { name: '1.29', argv: ['--kubernetes-version', '1.29.0'], want: V1BETA3.replace('VERSION', '1.29.0') },
];
for (const c of cases) {
  test(`config print init-defaults: ${c.name}`, async () => {
    const r = await runCli(['config', 'print', 'init-defaults', ...c.argv]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, c.want);
  });
}

test('config print init-defaults: an unsupported version is a user error', async () => {
  const r = await runCli(['config', 'print', 'init-defaults', '--kubernetes-version', 'v1.40.0']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--kubernetes-version: Kubernetes v1\.40\.0 is not supported/);
});

// kubeadm's defaults for every field of InitConfig (kubeadm-spec.md, "Defaults").

import type { InitConfig } from './types.js';
import { DEFAULT_KUBERNETES_VERSION } from './versions.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** "v1.37.2", "1.37.2" or "v1.37.0-rc.1" (kubeadm's semantic version); the text always gets its leading v */
export function parseKubeVersion(text: string): { major: number; minor: number; patch: number; text: string } | undefined {
  const m = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)([-+][0-9A-Za-z.+-]*)?$/.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), text: `v${m[1]}.${m[2]}.${m[3]}${m[4] ?? ''}` };
}

/** A complete configuration with kubeadm's defaults; node name and address as given. */
export function defaultInitConfig(node: { name: string; advertiseAddress: string }): InitConfig {
  return {
    bootstrapTokens: [
      {
        token: '',
        ttlMs: 24 * HOUR,
        usages: ['signing', 'authentication'],
        groups: ['system:bootstrappers:kubeadm:default-node-token'],
      },
    ],
    nodeRegistration: {
      name: node.name,
      criSocket: 'unix:///var/run/containerd/containerd.sock',
      taints: null,
      kubeletExtraArgs: [],
      ignorePreflightErrors: [],
      imagePullPolicy: 'IfNotPresent',
      imagePullSerial: true,
    },
    localAPIEndpoint: { advertiseAddress: node.advertiseAddress, bindPort: 6443 },
    certificateKey: '',
    skipPhases: [],
    timeouts: {
      controlPlaneComponentHealthCheckMs: 4 * MINUTE,
      kubeletHealthCheckMs: 4 * MINUTE,
      kubernetesAPICallMs: 1 * MINUTE,
      etcdAPICallMs: 2 * MINUTE,
      tlsBootstrapMs: 5 * MINUTE,
      discoveryMs: 5 * MINUTE,
      upgradeManifestsMs: 5 * MINUTE,
    },
    kubernetesVersion: parseKubeVersion(DEFAULT_KUBERNETES_VERSION)!,
    controlPlaneEndpoint: '',
    networking: { serviceSubnet: '10.96.0.0/12', podSubnet: '', dnsDomain: 'cluster.local' },
    etcd: {
      local: { imageRepository: '', imageTag: '', dataDir: '/var/lib/etcd', extraArgs: [], extraEnvs: [], serverCertSANs: [], peerCertSANs: [] },
    },
    apiServer: { extraArgs: [], extraVolumes: [], extraEnvs: [], certSANs: [] },
    controllerManager: { extraArgs: [], extraVolumes: [], extraEnvs: [] },
    scheduler: { extraArgs: [], extraVolumes: [], extraEnvs: [] },
    dns: { disabled: false, imageRepository: '', imageTag: '' },
    proxy: { disabled: false },
    certificatesDir: '/etc/kubernetes/pki',
    imageRepository: 'registry.k8s.io',
    featureGates: {},
    clusterName: 'kubernetes',
    encryptionAlgorithm: 'RSA-2048',
    certificateValidityPeriodMs: 8760 * HOUR,
    caCertificateValidityPeriodMs: 87600 * HOUR,
    cni: { kind: 'flannel' },
  };
}

// Every per-minor difference between Kubernetes 1.29 and 1.37, as one table, so that a new
// minor is a new row and no other file asks "which minor is this?".

export const DEFAULT_KUBERNETES_VERSION = 'v1.37.2';
export const MIN_SUPPORTED_MINOR = 29;
export const MAX_SUPPORTED_MINOR = 37;

// ---------------------------------------------------------------------------------------------
// Configuration API, per minor (owned by the config work: config/load.ts and friends read it).
// One row per target minor: which kubeadm config API versions a file may use, which one
// kubeadm of that minor writes (config print init-defaults, the kubeadm-config ConfigMap), the
// encryption algorithms it knows and its feature gates with their defaults.
// ---------------------------------------------------------------------------------------------

export type KubeadmApiVersion = 'kubeadm.k8s.io/v1beta3' | 'kubeadm.k8s.io/v1beta4' | 'kubeadm.k8s.io/v1';

/** ok: read silently; deprecated: read with a warning; experimental: read with a warning; rejected: an error */
export type ApiVersionStatus = 'ok' | 'deprecated' | 'experimental' | 'rejected';

export type EncryptionAlgorithmName = 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'ECDSA-P256' | 'ECDSA-P384';

export interface ConfigApiRow {
  minor: number;
  /** how a --config file of each API version is treated when this minor is the target */
  reads: Record<KubeadmApiVersion, ApiVersionStatus>;
  /** the version kubeadm of this minor writes: config print init-defaults, kubeadm-config */
  writes: KubeadmApiVersion;
  /** kubeadm-config's ClusterConfiguration carries certificate validity, encryptionAlgorithm and proxy {} */
  clusterConfigHasV1beta4Fields: boolean;
  encryptionAlgorithms: readonly EncryptionAlgorithmName[];
  /** kubeadm's feature gates of this minor and their defaults */
  featureGates: Readonly<Record<string, boolean>>;
}

const RSA = ['RSA-2048', 'RSA-3072', 'RSA-4096'] as const;
const V1BETA3_ERA = { 'kubeadm.k8s.io/v1beta3': 'ok', 'kubeadm.k8s.io/v1beta4': 'ok', 'kubeadm.k8s.io/v1': 'rejected' } as const;
const V1BETA4_ERA = { 'kubeadm.k8s.io/v1beta3': 'deprecated', 'kubeadm.k8s.io/v1beta4': 'ok', 'kubeadm.k8s.io/v1': 'rejected' } as const;

export const CONFIG_API_BY_MINOR: readonly ConfigApiRow[] = [
  { minor: 29, reads: V1BETA3_ERA, writes: 'kubeadm.k8s.io/v1beta3', clusterConfigHasV1beta4Fields: false,
    encryptionAlgorithms: ['RSA-2048', 'ECDSA-P256'],
    featureGates: { EtcdLearnerMode: true, PublicKeysECDSA: false, RootlessControlPlane: false, UpgradeAddonsBeforeControlPlane: false } },
  { minor: 30, reads: V1BETA3_ERA, writes: 'kubeadm.k8s.io/v1beta3', clusterConfigHasV1beta4Fields: false,
    encryptionAlgorithms: ['RSA-2048', 'ECDSA-P256'],
    featureGates: { EtcdLearnerMode: true, PublicKeysECDSA: false, RootlessControlPlane: false, UpgradeAddonsBeforeControlPlane: false, WaitForAllControlPlaneComponents: false } },
  { minor: 31, reads: V1BETA4_ERA, writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256'],
    featureGates: { ControlPlaneKubeletLocalMode: false, EtcdLearnerMode: true, PublicKeysECDSA: false, RootlessControlPlane: false, WaitForAllControlPlaneComponents: false } },
  { minor: 32, reads: V1BETA4_ERA, writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256'],
    featureGates: { ControlPlaneKubeletLocalMode: false, EtcdLearnerMode: true, NodeLocalCRISocket: false, PublicKeysECDSA: false, RootlessControlPlane: false, WaitForAllControlPlaneComponents: false } },
  { minor: 33, reads: V1BETA4_ERA, writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256'],
    featureGates: { ControlPlaneKubeletLocalMode: true, NodeLocalCRISocket: false, PublicKeysECDSA: false, RootlessControlPlane: false, WaitForAllControlPlaneComponents: true } },
  { minor: 34, reads: V1BETA4_ERA, writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256', 'ECDSA-P384'],
    featureGates: { ControlPlaneKubeletLocalMode: true, NodeLocalCRISocket: true, PublicKeysECDSA: false, RootlessControlPlane: false, WaitForAllControlPlaneComponents: true } },
  { minor: 35, reads: V1BETA4_ERA, writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256', 'ECDSA-P384'],
    featureGates: { ControlPlaneKubeletLocalMode: true, NodeLocalCRISocket: true, PublicKeysECDSA: false, RootlessControlPlane: false } },
  { minor: 36, reads: V1BETA4_ERA, writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256', 'ECDSA-P384'],
    featureGates: { NodeLocalCRISocket: true, PublicKeysECDSA: false, RootlessControlPlane: false } },
  { minor: 37,
    reads: { 'kubeadm.k8s.io/v1beta3': 'rejected', 'kubeadm.k8s.io/v1beta4': 'ok', 'kubeadm.k8s.io/v1': 'experimental' },
    writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256', 'ECDSA-P384'],
    featureGates: { RootlessControlPlane: false } },
];

/** the row for a supported minor; callers validate the version first */
export function configApiRow(minor: number): ConfigApiRow {
  const row = CONFIG_API_BY_MINOR.find((r) => r.minor === minor);
  if (!row) throw new Error(`internal: no config API row for Kubernetes 1.${minor} in config/versions.ts`);
  return row;
}
// --------------------------------- end of the configuration API block ----------------------------

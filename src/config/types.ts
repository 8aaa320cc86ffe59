// The one typed, defaulted, validated configuration every phase reads: kubeadm's
// InitConfiguration + ClusterConfiguration (v1beta4 shapes), after flags and --config merged.

export interface Arg {
  name: string;
  value: string;
  /** v1 API (1.37): merge into kubeadm's default of the same name instead of replacing it */
  mergeMethod?: 'append' | 'prepend';
}

export interface EnvVar {
  name: string;
  value: string;
}

export type HostPathType =
  | ''
  | 'DirectoryOrCreate'
  | 'Directory'
  | 'FileOrCreate'
  | 'File'
  | 'Socket'
  | 'CharDevice'
  | 'BlockDevice';

export interface HostPathMount {
  name: string;
  hostPath: string;
  mountPath: string;
  readOnly: boolean;
  pathType: HostPathType;
}

export interface ControlPlaneComponent {
  extraArgs: Arg[];
  extraVolumes: HostPathMount[];
  extraEnvs: EnvVar[];
}

export interface Taint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface BootstrapToken {
  /** `[a-z0-9]{6}.[a-z0-9]{16}` */
  token: string;
  description?: string;
  /** milliseconds; 0 = never expires */
  ttlMs: number;
  usages: string[];
  groups: string[];
}

export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';
export type EncryptionAlgorithm = 'RSA-2048' | 'RSA-3072' | 'RSA-4096' | 'ECDSA-P256' | 'ECDSA-P384';

export interface NodeRegistration {
  name: string;
  criSocket: string;
  /** null = kubeadm's default control-plane taint; [] = no taints */
  taints: Taint[] | null;
  kubeletExtraArgs: Arg[];
  ignorePreflightErrors: string[];
  imagePullPolicy: ImagePullPolicy;
  imagePullSerial: boolean;
}

export interface Timeouts {
  controlPlaneComponentHealthCheckMs: number;
  kubeletHealthCheckMs: number;
  kubernetesAPICallMs: number;
  etcdAPICallMs: number;
  tlsBootstrapMs: number;
  discoveryMs: number;
  upgradeManifestsMs: number;
}

/** v1beta4's `timeouts` fields and the config key each becomes (InitConfiguration and JoinConfiguration alike) */
export const TIMEOUT_FIELDS: readonly (readonly [string, keyof Timeouts])[] = [
  ['controlPlaneComponentHealthCheck', 'controlPlaneComponentHealthCheckMs'],
  ['kubeletHealthCheck', 'kubeletHealthCheckMs'],
  ['kubernetesAPICall', 'kubernetesAPICallMs'],
  ['etcdAPICall', 'etcdAPICallMs'],
  ['tlsBootstrap', 'tlsBootstrapMs'],
  ['discovery', 'discoveryMs'],
  ['upgradeManifests', 'upgradeManifestsMs'],
];

export interface LocalEtcd {
  imageRepository: string;
  imageTag: string;
  dataDir: string;
  extraArgs: Arg[];
  extraEnvs: EnvVar[];
  serverCertSANs: string[];
  peerCertSANs: string[];
  /**
   * not from a config file: set by a control-plane join, the members of the etcd cluster this
   * node's etcd joins (name=peerURL,...), written as --initial-cluster with
   * --initial-cluster-state=existing
   */
  joinInitialCluster?: string;
}

export interface ExternalEtcd {
  endpoints: string[];
  /** v1beta4 (1.35+): separate HTTP endpoints for /metrics and /health */
  httpEndpoints?: string[];
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface KubeVersion {
  major: number;
  minor: number;
  patch: number;
  /** as given, with the leading v: "v1.37.2" */
  text: string;
}

export type CniChoice = { kind: 'flannel' } | { kind: 'none' } | { kind: 'file'; path: string };

export interface InitConfig {
  // --- InitConfiguration ---
  bootstrapTokens: BootstrapToken[];
  nodeRegistration: NodeRegistration;
  localAPIEndpoint: { advertiseAddress: string; bindPort: number };
  certificateKey: string;
  skipPhases: string[];
  timeouts: Timeouts;

  // --- ClusterConfiguration ---
  kubernetesVersion: KubeVersion;
  controlPlaneEndpoint: string;
  networking: { serviceSubnet: string; podSubnet: string; dnsDomain: string };
  etcd: { local?: LocalEtcd; external?: ExternalEtcd };
  apiServer: ControlPlaneComponent & { certSANs: string[] };
  controllerManager: ControlPlaneComponent;
  scheduler: ControlPlaneComponent;
  dns: { disabled: boolean; imageRepository: string; imageTag: string };
  proxy: { disabled: boolean };
  certificatesDir: string;
  imageRepository: string;
  featureGates: Record<string, boolean>;
  clusterName: string;
  encryptionAlgorithm: EncryptionAlgorithm;
  certificateValidityPeriodMs: number;
  caCertificateValidityPeriodMs: number;

  /** extra documents of the config file, kept as the user wrote them (minus apiVersion/kind) */
  kubeletConfiguration?: Record<string, unknown>;
  kubeProxyConfiguration?: Record<string, unknown>;

  // --- mini-kubeadm's own (flags, not kubeadm config fields) ---
  cni: CniChoice;
  /** --profile: a security profile's name (src/profiles/profiles.ts), applied to this configuration by the loader */
  profile?: string;
}

/** How this run behaves, apart from what it builds. */
export interface RunOptions {
  dryRun: boolean;
  /** the node's "/" as seen from here; "/" normally */
  rootfs: string;
  kubeconfigDir: string;
  /** the moment the run started: certificate validity counts from it (kubeadm 1.31+) */
  startedAt: Date;
  verbose: boolean;
}

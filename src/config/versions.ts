// Every per-minor difference between Kubernetes 1.29 and 1.37, as tables keyed by minor, so
// that a new minor is a new row and no other file asks "which minor is this?".
//
// Shape: each area owns one table (a `Record<minor, row>`) in its own commented block below;
// a field that changed inside a minor (a backport) is written `byPatch([[0, old], [13, new]])`:
// the last step whose patch is <= the target patch wins. `factsFor(version)` resolves every
// table for one version into one plain object (`facts.images.etcd`, `facts.manifests.argOrder`).
// To add an area: add its row type and table in a new block, and one line in `factsFor`.

import type { KubeVersion } from './types.js';

export const DEFAULT_KUBERNETES_VERSION = 'v1.37.2';
export const MIN_SUPPORTED_MINOR = 29;
export const MAX_SUPPORTED_MINOR = 37;

export type Minor = 29 | 30 | 31 | 32 | 33 | 34 | 35 | 36 | 37;
export const SUPPORTED_MINORS: readonly Minor[] = [29, 30, 31, 32, 33, 34, 35, 36, 37];

/** A value that changed at patch releases of one minor: [first patch, value] steps, ascending. */
export interface ByPatch<T> {
  readonly byPatch: readonly (readonly [number, T])[];
}

export function byPatch<T>(steps: readonly (readonly [number, T])[]): ByPatch<T> {
  return { byPatch: steps };
}

export type PerPatch<T> = T | ByPatch<T>;

/** A table row with every PerPatch field resolved to its plain value. */
export type Resolved<R> = { readonly [K in keyof R]: R[K] extends PerPatch<infer T> ? T : R[K] };

function isByPatch<T>(v: PerPatch<T>): v is ByPatch<T> {
  return typeof v === 'object' && v !== null && 'byPatch' in v;
}

/** Resolves one row for a patch release. */
export function resolveRow<R extends object>(row: R, patch: number): Resolved<R> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (isByPatch(v as PerPatch<unknown>)) {
      const steps = (v as ByPatch<unknown>).byPatch;
      let chosen = steps[0]?.[1];
      for (const [from, value] of steps) if (from <= patch) chosen = value;
      out[k] = chosen;
    } else out[k] = v;
  }
  return out as Resolved<R>;
}

export function isSupportedMinor(minor: number): minor is Minor {
  return (SUPPORTED_MINORS as readonly number[]).includes(minor);
}

/** The row of `table` for this version's minor, resolved at its patch. */
export function rowFor<R extends object>(table: Record<Minor, R>, version: Pick<KubeVersion, 'major' | 'minor' | 'patch' | 'text'>): Resolved<R> {
  if (version.major !== 1 || !isSupportedMinor(version.minor)) {
    throw new RangeError(`Kubernetes ${version.text} is outside the supported minors 1.${MIN_SUPPORTED_MINOR}-1.${MAX_SUPPORTED_MINOR}`);
  }
  return resolveRow(table[version.minor], version.patch);
}

// ---------------------------------------------------------------------------------------
// Default images (owner: init-manifests). kubeadm's constants.go of each release: the etcd
// tag of SupportedEtcdVersion for the target minor, CoreDNSVersion, PauseVersion. Steps are
// the releases checked (source of that patch, or its CHANGELOG); a patch between two steps
// takes the earlier one.
// ---------------------------------------------------------------------------------------

export interface ImageRow {
  /** registry.k8s.io/etcd:TAG */
  etcd: PerPatch<string>;
  /** registry.k8s.io/coredns/coredns:TAG */
  coredns: PerPatch<string>;
  /** registry.k8s.io/pause:TAG */
  pause: PerPatch<string>;
}

export const IMAGE_ROWS: Record<Minor, ImageRow> = {
  29: { etcd: byPatch([[0, '3.5.10-0'], [3, '3.5.12-0'], [15, '3.5.16-0']]), coredns: 'v1.11.1', pause: '3.9' },
  30: { etcd: byPatch([[0, '3.5.12-0'], [14, '3.5.15-0']]), coredns: byPatch([[0, 'v1.11.1'], [5, 'v1.11.3']]), pause: '3.9' },
  31: { etcd: byPatch([[0, '3.5.15-0'], [14, '3.5.24-0']]), coredns: byPatch([[0, 'v1.11.1'], [1, 'v1.11.3']]), pause: '3.10' },
  32: { etcd: byPatch([[0, '3.5.16-0'], [11, '3.5.24-0']]), coredns: 'v1.11.3', pause: '3.10' },
  33: { etcd: byPatch([[0, '3.5.21-0'], [7, '3.5.24-0']]), coredns: 'v1.12.0', pause: '3.10' },
  34: { etcd: byPatch([[0, '3.6.4-0'], [2, '3.6.5-0']]), coredns: 'v1.12.1', pause: '3.10.1' },
  35: { etcd: '3.6.6-0', coredns: 'v1.13.1', pause: '3.10.1' },
  36: { etcd: '3.6.8-0', coredns: 'v1.14.2', pause: '3.10.2' },
  37: { etcd: '3.7.0-0', coredns: 'v1.14.6', pause: '3.10.2' },
};

// ---------------------------------------------------------------------------------------
// Static-pod manifests (owner: init-manifests). kubeadm's phases/controlplane/{manifests,
// volumes}.go, phases/etcd/local.go, util/staticpod/utils.go, util/arguments.go.
// ---------------------------------------------------------------------------------------

/** The HTTP paths of a pod's probes; readiness absent = no readiness probe. */
export interface ProbePaths {
  liveness: string;
  readiness?: string;
  startup: string;
}

export interface ManifestRow {
  /**
   * 'sorted': defaults and extraArgs together, sorted by name then value (an extraArg drops
   * the default of that name). 'defaults-then-extra': defaults sorted, then the extraArgs in
   * the user's order (1.36.0; backports 1.32.13, 1.33.9, 1.34.4, 1.35.1).
   */
  argOrder: PerPatch<'sorted' | 'defaults-then-extra'>;
  /** extraArgs may carry mergeMethod append/prepend (v1 API, 1.37) */
  argMergeMethod: boolean;
  /**
   * 'filter-extra-arg' (1.29): authorization-mode always set, in the extraArgs, to the user's
   * valid modes or Node,RBAC. 'default-unless-authz-config' (1.30+): a default, omitted when
   * the extraArgs give authorization-config.
   */
  authorizationMode: 'filter-extra-arg' | 'default-unless-authz-config';
  /** host directories mounted (read-only) into kube-apiserver and kube-controller-manager when they exist */
  caBundleDirs: readonly string[];
  /** kube-controller-manager mounts the flexvolume plugin dir read-write */
  flexVolumeDir: boolean;
  /** containers declare port "probe-port" and probes name it; otherwise probes use the number */
  namedProbePort: boolean;
  schedulerProbes: ProbePaths;
  etcdProbes: ProbePaths;
  /**
   * etcd's corrupt-check/progress-notify flags: 'experimental' (--experimental-*),
   * 'by-etcd-version' (--feature-gates/--watch-... when the etcd tag is >= 3.6.0), 'modern'.
   */
  etcdFlagStyle: 'experimental' | 'by-etcd-version' | 'modern';
}

const CA_DIRS_ETC_PKI = ['/etc/pki', '/usr/share/ca-certificates', '/usr/local/share/ca-certificates', '/etc/ca-certificates'] as const;
const CA_DIRS_SPLIT_PKI = ['/etc/pki/ca-trust', '/etc/pki/tls/certs', '/etc/ca-certificates', '/usr/share/ca-certificates', '/usr/local/share/ca-certificates'] as const;
const SCHED_HEALTHZ: ProbePaths = { liveness: '/healthz', startup: '/healthz' };
const SCHED_LIVEZ: ProbePaths = { liveness: '/livez', readiness: '/readyz', startup: '/livez' };
const ETCD_HEALTH: ProbePaths = { liveness: '/health?exclude=NOSPACE&serializable=true', startup: '/health?serializable=false' };
const ETCD_LIVEZ: ProbePaths = { liveness: '/livez', readiness: '/readyz', startup: '/readyz' };

export const MANIFEST_ROWS: Record<Minor, ManifestRow> = {
  29: { argOrder: 'sorted', argMergeMethod: false, authorizationMode: 'filter-extra-arg', caBundleDirs: CA_DIRS_ETC_PKI, flexVolumeDir: true, namedProbePort: false, schedulerProbes: SCHED_HEALTHZ, etcdProbes: ETCD_HEALTH, etcdFlagStyle: 'experimental' },
  30: { argOrder: 'sorted', argMergeMethod: false, authorizationMode: 'default-unless-authz-config', caBundleDirs: CA_DIRS_ETC_PKI, flexVolumeDir: true, namedProbePort: false, schedulerProbes: SCHED_HEALTHZ, etcdProbes: ETCD_HEALTH, etcdFlagStyle: 'experimental' },
  31: { argOrder: 'sorted', argMergeMethod: false, authorizationMode: 'default-unless-authz-config', caBundleDirs: CA_DIRS_SPLIT_PKI, flexVolumeDir: true, namedProbePort: false, schedulerProbes: SCHED_HEALTHZ, etcdProbes: ETCD_LIVEZ, etcdFlagStyle: 'experimental' },
  32: { argOrder: byPatch([[0, 'sorted'], [13, 'defaults-then-extra']]), argMergeMethod: false, authorizationMode: 'default-unless-authz-config', caBundleDirs: CA_DIRS_SPLIT_PKI, flexVolumeDir: true, namedProbePort: false, schedulerProbes: SCHED_LIVEZ, etcdProbes: ETCD_LIVEZ, etcdFlagStyle: 'experimental' },
  33: { argOrder: byPatch([[0, 'sorted'], [9, 'defaults-then-extra']]), argMergeMethod: false, authorizationMode: 'default-unless-authz-config', caBundleDirs: CA_DIRS_SPLIT_PKI, flexVolumeDir: true, namedProbePort: false, schedulerProbes: SCHED_LIVEZ, etcdProbes: ETCD_LIVEZ, etcdFlagStyle: 'experimental' },
  34: { argOrder: byPatch([[0, 'sorted'], [4, 'defaults-then-extra']]), argMergeMethod: false, authorizationMode: 'default-unless-authz-config', caBundleDirs: CA_DIRS_SPLIT_PKI, flexVolumeDir: true, namedProbePort: true, schedulerProbes: SCHED_LIVEZ, etcdProbes: ETCD_LIVEZ, etcdFlagStyle: 'by-etcd-version' },
  35: { argOrder: byPatch([[0, 'sorted'], [1, 'defaults-then-extra']]), argMergeMethod: false, authorizationMode: 'default-unless-authz-config', caBundleDirs: CA_DIRS_SPLIT_PKI, flexVolumeDir: true, namedProbePort: true, schedulerProbes: SCHED_LIVEZ, etcdProbes: ETCD_LIVEZ, etcdFlagStyle: 'by-etcd-version' },
  36: { argOrder: 'defaults-then-extra', argMergeMethod: false, authorizationMode: 'default-unless-authz-config', caBundleDirs: CA_DIRS_SPLIT_PKI, flexVolumeDir: false, namedProbePort: true, schedulerProbes: SCHED_LIVEZ, etcdProbes: ETCD_LIVEZ, etcdFlagStyle: 'modern' },
  37: { argOrder: 'defaults-then-extra', argMergeMethod: true, authorizationMode: 'default-unless-authz-config', caBundleDirs: CA_DIRS_SPLIT_PKI, flexVolumeDir: false, namedProbePort: true, schedulerProbes: SCHED_LIVEZ, etcdProbes: ETCD_LIVEZ, etcdFlagStyle: 'modern' },
};

// ---------------------------------------------------------------------------------------
// Certificates and kubeconfigs (owner: core-pki). kubeadm-spec.md "Certificates",
// "kubeconfig files" and the per-minor rows on cert validity, algorithms,
// apiserver-kubelet-client O and kubelet.conf's server. (Which encryptionAlgorithm a minor
// accepts is the config validation's row.)
// ---------------------------------------------------------------------------------------

export interface PkiRow {
  /**
   * 'start' (1.31+): every cert runs from start - 5 min to start + period.
   * 'signing' (1.29-1.30): a CA runs from now - 5 min to now + period; a leaf from its CA's
   * notBefore to its own signing time + period.
   */
  validityFrom: 'start' | 'signing';
  /**
   * O of the apiserver-kubelet-client cert: kubeadm:cluster-admins, or none (authorized by the
   * ClusterRoleBinding kubeadm:apiserver-kubelet-client instead) from 1.37.0 and its backports
   */
  kubeletClientOrganizations: PerPatch<readonly string[]>;
  /**
   * kubelet.conf's server: 'endpoint' = the control-plane endpoint (like admin.conf); 'gate-off'
   * / 'gate-on' = the local API endpoint when feature gate ControlPlaneKubeletLocalMode is on
   * (default off / on); 'local' = always the local API endpoint (ADVERTISE:PORT). The gate went
   * GA (locked on) in 1.35 and was removed in 1.36.
   */
  kubeletConfServer: 'endpoint' | 'gate-off' | 'gate-on' | 'local';
  /**
   * how Go's x509.CreateCertificate derives a CA's SubjectKeyId (and so every leaf's AKI):
   * SHA-1 of the public key bits, or (Go 1.25 with `godebug default=go1.25`, kubeadm 1.35+)
   * that SHA-256 truncated to 160 bits; checked on reference kubeadm v1.29.15 and v1.37.2
   */
  subjectKeyIdHash: 'sha1' | 'sha256';
  /** client-go writes `preferences: {}` into kubeconfigs; omitted (omitzero, deprecated for kuberc) from 1.34 */
  kubeconfigPreferences: boolean;
}

const CLUSTER_ADMINS: readonly string[] = ['kubeadm:cluster-admins'];
const NO_ORG: readonly string[] = [];

export const PKI_ROWS: Record<Minor, PkiRow> = {
  29: { validityFrom: 'signing', kubeletClientOrganizations: CLUSTER_ADMINS, kubeletConfServer: 'endpoint', subjectKeyIdHash: 'sha1', kubeconfigPreferences: true },
  30: { validityFrom: 'signing', kubeletClientOrganizations: CLUSTER_ADMINS, kubeletConfServer: 'endpoint', subjectKeyIdHash: 'sha1', kubeconfigPreferences: true },
  31: { validityFrom: 'start', kubeletClientOrganizations: CLUSTER_ADMINS, kubeletConfServer: 'gate-off', subjectKeyIdHash: 'sha1', kubeconfigPreferences: true },
  32: { validityFrom: 'start', kubeletClientOrganizations: CLUSTER_ADMINS, kubeletConfServer: 'gate-off', subjectKeyIdHash: 'sha1', kubeconfigPreferences: true },
  33: { validityFrom: 'start', kubeletClientOrganizations: byPatch([[0, CLUSTER_ADMINS], [12, NO_ORG]]), kubeletConfServer: 'gate-on', subjectKeyIdHash: 'sha1', kubeconfigPreferences: true },
  34: { validityFrom: 'start', kubeletClientOrganizations: byPatch([[0, CLUSTER_ADMINS], [8, NO_ORG]]), kubeletConfServer: 'gate-on', subjectKeyIdHash: 'sha1', kubeconfigPreferences: false },
  35: { validityFrom: 'start', kubeletClientOrganizations: byPatch([[0, CLUSTER_ADMINS], [5, NO_ORG]]), kubeletConfServer: 'local', subjectKeyIdHash: 'sha256', kubeconfigPreferences: false },
  36: { validityFrom: 'start', kubeletClientOrganizations: byPatch([[0, CLUSTER_ADMINS], [1, NO_ORG]]), kubeletConfServer: 'local', subjectKeyIdHash: 'sha256', kubeconfigPreferences: false },
  37: { validityFrom: 'start', kubeletClientOrganizations: NO_ORG, kubeletConfServer: 'local', subjectKeyIdHash: 'sha256', kubeconfigPreferences: false },
};

type VersionRef = Pick<KubeVersion, 'major' | 'minor' | 'patch' | 'text'>;

/** The pki/kubeconfig row for a version. */
export function pkiFacts(v: VersionRef): Resolved<PkiRow> {
  return rowFor(PKI_ROWS, v);
}

/** O of the apiserver-kubelet-client cert for a version. */
export function apiServerKubeletClientOrganizations(v: VersionRef): string[] {
  return [...pkiFacts(v).kubeletClientOrganizations];
}

/** Does kubelet.conf point at this node's own API server (ADVERTISE:PORT) rather than the control-plane endpoint? */
export function kubeletConfUsesLocalEndpoint(v: VersionRef, featureGates: Record<string, boolean>): boolean {
  switch (pkiFacts(v).kubeletConfServer) {
    case 'endpoint':
      return false;
    case 'gate-off':
      return featureGates.ControlPlaneKubeletLocalMode === true;
    case 'gate-on':
      return featureGates.ControlPlaneKubeletLocalMode !== false;
    case 'local':
      return true;
  }
}

// ---------------------------------------------------------------------------------------
// Lookups
// ---------------------------------------------------------------------------------------

export interface Facts {
  version: Pick<KubeVersion, 'major' | 'minor' | 'patch' | 'text'>;
  images: Resolved<ImageRow>;
  manifests: Resolved<ManifestRow>;
  clusterObjects: Resolved<ClusterObjectRow>;
  pki: Resolved<PkiRow>;
  node: NodeMinorFacts;
}

/** Everything that depends on the target version, resolved for one version. */
export function factsFor(version: Pick<KubeVersion, 'major' | 'minor' | 'patch' | 'text'>): Facts {
  return {
    version,
    images: rowFor(IMAGE_ROWS, version),
    manifests: rowFor(MANIFEST_ROWS, version),
    clusterObjects: rowFor(CLUSTER_OBJECT_ROWS, version),
    pki: rowFor(PKI_ROWS, version),
    node: rowFor(NODE_ROWS, version),
  };
}

/** The default images of a version: what kubeadm's `config images list` names by tag. */
export function defaultImageTags(version: Pick<KubeVersion, 'major' | 'minor' | 'patch' | 'text'>): Resolved<ImageRow> {
  return rowFor(IMAGE_ROWS, version);
}

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
  /** the apiVersion of the objects `token list -o json|yaml` prints (A/apis/output) */
  outputApi: 'output.kubeadm.k8s.io/v1alpha2' | 'output.kubeadm.k8s.io/v1alpha3';
}

const RSA = ['RSA-2048', 'RSA-3072', 'RSA-4096'] as const;
const V1BETA3_ERA = { 'kubeadm.k8s.io/v1beta3': 'ok', 'kubeadm.k8s.io/v1beta4': 'ok', 'kubeadm.k8s.io/v1': 'rejected' } as const;
const V1BETA4_ERA = { 'kubeadm.k8s.io/v1beta3': 'deprecated', 'kubeadm.k8s.io/v1beta4': 'ok', 'kubeadm.k8s.io/v1': 'rejected' } as const;

export const CONFIG_API_BY_MINOR: readonly ConfigApiRow[] = [
  { minor: 29, reads: V1BETA3_ERA, writes: 'kubeadm.k8s.io/v1beta3', clusterConfigHasV1beta4Fields: false,
    encryptionAlgorithms: ['RSA-2048', 'ECDSA-P256'],
    featureGates: { EtcdLearnerMode: true, PublicKeysECDSA: false, RootlessControlPlane: false, UpgradeAddonsBeforeControlPlane: false }, outputApi: 'output.kubeadm.k8s.io/v1alpha2' },
  { minor: 30, reads: V1BETA3_ERA, writes: 'kubeadm.k8s.io/v1beta3', clusterConfigHasV1beta4Fields: false,
    encryptionAlgorithms: ['RSA-2048', 'ECDSA-P256'],
    featureGates: { EtcdLearnerMode: true, PublicKeysECDSA: false, RootlessControlPlane: false, UpgradeAddonsBeforeControlPlane: false, WaitForAllControlPlaneComponents: false }, outputApi: 'output.kubeadm.k8s.io/v1alpha2' },
  { minor: 31, reads: V1BETA4_ERA, writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256'],
    featureGates: { ControlPlaneKubeletLocalMode: false, EtcdLearnerMode: true, PublicKeysECDSA: false, RootlessControlPlane: false, WaitForAllControlPlaneComponents: false }, outputApi: 'output.kubeadm.k8s.io/v1alpha3' },
  { minor: 32, reads: V1BETA4_ERA, writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256'],
    featureGates: { ControlPlaneKubeletLocalMode: false, EtcdLearnerMode: true, NodeLocalCRISocket: false, PublicKeysECDSA: false, RootlessControlPlane: false, WaitForAllControlPlaneComponents: false }, outputApi: 'output.kubeadm.k8s.io/v1alpha3' },
  { minor: 33, reads: V1BETA4_ERA, writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256'],
    featureGates: { ControlPlaneKubeletLocalMode: true, NodeLocalCRISocket: false, PublicKeysECDSA: false, RootlessControlPlane: false, WaitForAllControlPlaneComponents: true }, outputApi: 'output.kubeadm.k8s.io/v1alpha3' },
  { minor: 34, reads: V1BETA4_ERA, writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256', 'ECDSA-P384'],
    featureGates: { ControlPlaneKubeletLocalMode: true, NodeLocalCRISocket: true, PublicKeysECDSA: false, RootlessControlPlane: false, WaitForAllControlPlaneComponents: true }, outputApi: 'output.kubeadm.k8s.io/v1alpha3' },
  { minor: 35, reads: V1BETA4_ERA, writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256', 'ECDSA-P384'],
    featureGates: { ControlPlaneKubeletLocalMode: true, NodeLocalCRISocket: true, PublicKeysECDSA: false, RootlessControlPlane: false }, outputApi: 'output.kubeadm.k8s.io/v1alpha3' },
  { minor: 36, reads: V1BETA4_ERA, writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256', 'ECDSA-P384'],
    featureGates: { NodeLocalCRISocket: true, PublicKeysECDSA: false, RootlessControlPlane: false }, outputApi: 'output.kubeadm.k8s.io/v1alpha3' },
  { minor: 37,
    reads: { 'kubeadm.k8s.io/v1beta3': 'rejected', 'kubeadm.k8s.io/v1beta4': 'ok', 'kubeadm.k8s.io/v1': 'experimental' },
    writes: 'kubeadm.k8s.io/v1beta4', clusterConfigHasV1beta4Fields: true,
    encryptionAlgorithms: [...RSA, 'ECDSA-P256', 'ECDSA-P384'],
    featureGates: { RootlessControlPlane: false }, outputApi: 'output.kubeadm.k8s.io/v1alpha3' },
];

/** `token list -o json|yaml`'s apiVersion for a cluster of this minor; one outside the table takes its nearest row's */
export function tokenOutputApiVersion(minor: number): ConfigApiRow['outputApi'] {
  const clamped = Math.min(MAX_SUPPORTED_MINOR, Math.max(MIN_SUPPORTED_MINOR, minor));
  return configApiRow(clamped).outputApi;
}

/** the row for a supported minor; callers validate the version first */
export function configApiRow(minor: number): ConfigApiRow {
  const row = CONFIG_API_BY_MINOR.find((r) => r.minor === minor);
  if (!row) throw new Error(`internal: no config API row for Kubernetes 1.${minor} in config/versions.ts`);
  return row;
}
// --------------------------------- end of the configuration API block ----------------------------

// ---------------------------------------------------------------------------------------
// Cluster objects and add-ons (owner: init-cluster): what kubeadm of each minor writes through
// the API in upload-config, bootstrap-token and addon. (The kubeadm-config API version is
// CONFIG_API_BY_MINOR's `writes`; the CoreDNS tag is IMAGE_ROWS'.)
// ---------------------------------------------------------------------------------------

export interface ClusterObjectRow {
  /** the uploaded ClusterConfiguration carries apiServer.extraArgs authorization-mode (a side effect of the control-plane phase, gone in 1.30: k/k#123555) */
  uploadsAuthorizationMode: boolean;
  /** Corefile: `cache 30 { disable success DOMAIN; disable denial DOMAIN }` instead of `cache 30` */
  corefileCacheBlock: boolean;
  /** CoreDNS declares ports liveness-probe 8080 and readiness-probe 8181 and its probes name them */
  corednsNamedProbePorts: boolean;
  /** KubeProxyConfiguration.mode as kubeadm defaults it */
  kubeProxyMode: '' | 'iptables';
  /** component configs serialize logging.options.text (component-base 1.30+) */
  loggingTextOptions: boolean;
  /** Node annotation kubeadm.alpha.kubernetes.io/cri-socket from upload-config/kubelet */
  criSocketAnnotation: 'always' | 'unless-NodeLocalCRISocket' | 'never';
  /** ClusterRoleBinding kubeadm:apiserver-kubelet-client (User kube-apiserver-kubelet-client -> system:kubelet-api-admin) */
  apiserverKubeletClientBinding: PerPatch<boolean>;
}

export const CLUSTER_OBJECT_ROWS: Record<Minor, ClusterObjectRow> = {
  29: { uploadsAuthorizationMode: true, corefileCacheBlock: false, corednsNamedProbePorts: false, kubeProxyMode: '', loggingTextOptions: false, criSocketAnnotation: 'always', apiserverKubeletClientBinding: false },
  30: { uploadsAuthorizationMode: false, corefileCacheBlock: false, corednsNamedProbePorts: false, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'always', apiserverKubeletClientBinding: false },
  31: { uploadsAuthorizationMode: false, corefileCacheBlock: false, corednsNamedProbePorts: false, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'always', apiserverKubeletClientBinding: false },
  32: { uploadsAuthorizationMode: false, corefileCacheBlock: true, corednsNamedProbePorts: false, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'always', apiserverKubeletClientBinding: false },
  33: { uploadsAuthorizationMode: false, corefileCacheBlock: true, corednsNamedProbePorts: false, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'always', apiserverKubeletClientBinding: byPatch([[0, false], [12, true]]) },
  34: { uploadsAuthorizationMode: false, corefileCacheBlock: true, corednsNamedProbePorts: true, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'unless-NodeLocalCRISocket', apiserverKubeletClientBinding: byPatch([[0, false], [8, true]]) },
  35: { uploadsAuthorizationMode: false, corefileCacheBlock: true, corednsNamedProbePorts: true, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'unless-NodeLocalCRISocket', apiserverKubeletClientBinding: byPatch([[0, false], [5, true]]) },
  36: { uploadsAuthorizationMode: false, corefileCacheBlock: true, corednsNamedProbePorts: true, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'never', apiserverKubeletClientBinding: byPatch([[0, false], [1, true]]) },
  37: { uploadsAuthorizationMode: false, corefileCacheBlock: true, corednsNamedProbePorts: true, kubeProxyMode: 'iptables', loggingTextOptions: true, criSocketAnnotation: 'never', apiserverKubeletClientBinding: true },
};


export function clusterObjectTraits(v: VersionRef): Resolved<ClusterObjectRow> & { kubeadmConfigApi: KubeadmApiVersion } {
  return { ...rowFor(CLUSTER_OBJECT_ROWS, v), kubeadmConfigApi: configApiRow(v.minor).writes };
}

/** does kubeadm of this exact version bind the apiserver's kubelet client user to system:kubelet-api-admin? */
export function hasApiserverKubeletClientBinding(v: VersionRef): boolean {
  return clusterObjectTraits(v).apiserverKubeletClientBinding;
}

/** is the cri-socket Node annotation written for this version and these feature gates? */
export function writesCriSocketAnnotation(v: VersionRef, featureGates: Record<string, boolean>): boolean {
  const rule = clusterObjectTraits(v).criSocketAnnotation;
  return rule === 'always' || (rule === 'unless-NodeLocalCRISocket' && featureGates['NodeLocalCRISocket'] === false);
}
// --------------------------------- end of the cluster objects block ------------------------------

// ---------------------------------------------------------------------------------------------
// Node side (owner: init-node): preflight, kubelet-start, wait-control-plane, kubelet-finalize.
// Each row is the previous one plus what changed in that minor (kubeadm-spec.md, "Per-minor
// differences"), so the diff between rows reads as kubeadm's changelog. The pause image comes
// from IMAGE_ROWS and kubeadm-flags.env's argument order from MANIFEST_ROWS.argOrder (kubeadm
// builds both with the same ArgumentsToCommand).
// ---------------------------------------------------------------------------------------------

export interface ExecutableCheck {
  name: string;
  /** error when missing (kubeadm: mandatory); a warning otherwise */
  mandatory: boolean;
}

export interface NodeMinorFacts {
  /** kubeadm-flags.env carries --container-runtime-endpoint (≤1.33) */
  flagsEnvRuntimeEndpoint: boolean;
  /** kubeadm-flags.env carries --pod-infra-container-image (≤1.34) */
  flagsEnvPauseImage: boolean;
  /** instance-config.yaml (containerRuntimeEndpoint) is written and merged into config.yaml (1.34+) */
  instanceConfig: boolean;
  /** the serialized KubeletConfiguration has logging.options.text (1.30+) */
  kubeletLoggingText: boolean;
  /** the serialized KubeletConfiguration has crashLoopBackOff: {} (1.32+) */
  kubeletCrashLoopBackOff: boolean;
  /** a kubelet of this minor refuses to start on cgroup v1 unless failCgroupV1: false (1.35+) */
  kubeletFailsOnCgroupV1: boolean;
  /** what wait-control-plane polls after the kubelet: the API server's /healthz, or each component (1.33+) */
  controlPlaneCheck: 'apiserver-healthz' | 'components';
  /** kubelet-finalize's sub-phases that exist in this minor */
  kubeletFinalizeSubphases: readonly string[];
  /** the sub-phase name kubeadm marks deprecated in this minor, if any */
  kubeletFinalizeDeprecated?: string;
  /** FileExisting-* checks */
  executables: readonly ExecutableCheck[];
  /** kubeadm checks /proc/sys/net/bridge/bridge-nf-call-iptables = 1 as an error (≤1.29) */
  bridgeNfIsError: boolean;
  /** SystemVerification: kernel older than this is an error */
  kernelMinimum: string;
  /** SystemVerification: warn unless the kernel is one of these LTS lines (1.34+) */
  kernelRecommended?: readonly string[];
  /** SystemVerification: cgroup v1 is reported (1.32+: warning; an error when the kubelet fails on it) */
  cgroupV1Reported: boolean;
}

const NODE_29: NodeMinorFacts = {
  flagsEnvRuntimeEndpoint: true,
  flagsEnvPauseImage: true,
  instanceConfig: false,
  kubeletLoggingText: false,
  kubeletCrashLoopBackOff: false,
  kubeletFailsOnCgroupV1: false,
  controlPlaneCheck: 'apiserver-healthz',
  kubeletFinalizeSubphases: ['experimental-cert-rotation'],
  executables: [
    { name: 'crictl', mandatory: true },
    { name: 'conntrack', mandatory: true },
    { name: 'ip', mandatory: true },
    { name: 'iptables', mandatory: true },
    { name: 'mount', mandatory: true },
    { name: 'nsenter', mandatory: true },
    { name: 'ethtool', mandatory: false },
    { name: 'tc', mandatory: false },
    { name: 'touch', mandatory: false },
  ],
  bridgeNfIsError: true,
  kernelMinimum: '3.10',
  cgroupV1Reported: false,
};
const NODE_30: NodeMinorFacts = { ...NODE_29, kubeletLoggingText: true, bridgeNfIsError: false };
const NODE_31: NodeMinorFacts = {
  ...NODE_30,
  kubeletFinalizeSubphases: ['enable-client-cert-rotation', 'experimental-cert-rotation'],
  kubeletFinalizeDeprecated: 'experimental-cert-rotation',
  executables: NODE_30.executables.map((e) => (e.name === 'crictl' ? { ...e, mandatory: false } : e)),
};
const NODE_32: NodeMinorFacts = {
  ...NODE_31,
  kubeletCrashLoopBackOff: true,
  kubeletFinalizeSubphases: ['enable-client-cert-rotation'],
  kubeletFinalizeDeprecated: undefined,
  executables: NODE_31.executables.filter((e) => e.name !== 'crictl' && e.name !== 'conntrack'),
  kernelMinimum: '4.19',
  cgroupV1Reported: true,
};
const NODE_33: NodeMinorFacts = {
  ...NODE_32,
  controlPlaneCheck: 'components',
  executables: [
    { name: 'losetup', mandatory: true },
    { name: 'mount', mandatory: true },
    { name: 'cp', mandatory: true },
  ],
};
const NODE_34: NodeMinorFacts = {
  ...NODE_33,
  flagsEnvRuntimeEndpoint: false,
  instanceConfig: true,
  kernelRecommended: ['5.4', '5.10', '5.15', '6'],
};
const NODE_35: NodeMinorFacts = { ...NODE_34, flagsEnvPauseImage: false, kubeletFailsOnCgroupV1: true };
const NODE_36: NodeMinorFacts = { ...NODE_35 };
const NODE_37: NodeMinorFacts = { ...NODE_36 };

export const NODE_ROWS: Record<Minor, NodeMinorFacts> = {
  29: NODE_29,
  30: NODE_30,
  31: NODE_31,
  32: NODE_32,
  33: NODE_33,
  34: NODE_34,
  35: NODE_35,
  36: NODE_36,
  37: NODE_37,
};

/**
 * The node-side facts of a minor. Outside 1.29–1.37 the nearest supported row: an installed
 * kubelet (whose minor decides failCgroupV1) may be newer or older than the table.
 */
export function nodeFacts(minor: number): NodeMinorFacts {
  const m = Math.min(Math.max(minor, MIN_SUPPORTED_MINOR), MAX_SUPPORTED_MINOR) as Minor;
  return NODE_ROWS[m];
}
// --------------------------------- end of the node side block ---------------------------------

// ---------------------------------------------------------------------------------------------
// Join (owner: join). kubeadm-join-spec.md §3.2, §5, §7: which phases `kubeadm join` of each
// minor has (and hides), which JoinConfiguration API versions it reads, and where the wait for
// the kubelet's TLS bootstrap runs. The cluster's minor (its kubeadm-config) picks the row.
// ---------------------------------------------------------------------------------------------

/** a join phase of a minor, by its slash path; hidden = kept out of `join --help` */
export interface JoinPhaseEntry {
  path: string;
  hidden?: boolean;
}

export interface JoinRow {
  /** kubeadm's join phases of this minor, in order (parents before their children) */
  phases: readonly JoinPhaseEntry[];
  /** how `join --config` treats a JoinConfiguration of each API version */
  reads: Record<KubeadmApiVersion, ApiVersionStatus>;
  /** 1.29: preflight prints "Reading configuration from the cluster..."; later texts differ (§3.4) */
  readConfigText: 'cluster' | 'your-config.yaml' | 'your-config-file' | 'upload-config-kubeadm';
}

const CPP: readonly JoinPhaseEntry[] = [
  { path: 'control-plane-prepare' },
  { path: 'control-plane-prepare/download-certs' },
  { path: 'control-plane-prepare/certs' },
  { path: 'control-plane-prepare/kubeconfig' },
  { path: 'control-plane-prepare/control-plane' },
];
const JOIN_29: readonly JoinPhaseEntry[] = [
  { path: 'preflight' },
  ...CPP,
  { path: 'check-etcd', hidden: true },
  { path: 'kubelet-start' },
  { path: 'control-plane-join' },
  { path: 'control-plane-join/etcd' },
  { path: 'control-plane-join/update-status' },
  { path: 'control-plane-join/mark-control-plane' },
];
const JOIN_30 = [...JOIN_29, { path: 'wait-control-plane' }];
const joinLocalMode = (o: { etcdJoinHidden: boolean; waitHidden: boolean; cpjEtcd: 'shown' | 'hidden' | 'gone' }): JoinPhaseEntry[] => [
  { path: 'preflight' },
  ...CPP,
  { path: 'check-etcd', hidden: true },
  { path: 'kubelet-start' },
  { path: 'etcd-join', hidden: o.etcdJoinHidden },
  { path: 'kubelet-wait-bootstrap', hidden: o.waitHidden },
  { path: 'control-plane-join' },
  ...(o.cpjEtcd === 'gone' ? [] : [{ path: 'control-plane-join/etcd', hidden: o.cpjEtcd === 'hidden' }]),
  { path: 'control-plane-join/mark-control-plane' },
  { path: 'wait-control-plane' },
];
const V1BETA3_ONLY = { 'kubeadm.k8s.io/v1beta3': 'ok', 'kubeadm.k8s.io/v1beta4': 'rejected', 'kubeadm.k8s.io/v1': 'rejected' } as const;
const JOIN_V1BETA4_ONLY = { 'kubeadm.k8s.io/v1beta3': 'rejected', 'kubeadm.k8s.io/v1beta4': 'ok', 'kubeadm.k8s.io/v1': 'rejected' } as const;

export const JOIN_ROWS: Record<Minor, JoinRow> = {
  29: { phases: JOIN_29, reads: V1BETA3_ONLY, readConfigText: 'cluster' },
  30: { phases: JOIN_30, reads: V1BETA3_ONLY, readConfigText: 'cluster' },
  31: { phases: joinLocalMode({ etcdJoinHidden: true, waitHidden: true, cpjEtcd: 'shown' }), reads: V1BETA4_ERA, readConfigText: 'cluster' },
  32: { phases: joinLocalMode({ etcdJoinHidden: true, waitHidden: true, cpjEtcd: 'shown' }), reads: V1BETA4_ERA, readConfigText: 'your-config.yaml' },
  33: { phases: joinLocalMode({ etcdJoinHidden: false, waitHidden: true, cpjEtcd: 'shown' }), reads: V1BETA4_ERA, readConfigText: 'your-config-file' },
  34: { phases: joinLocalMode({ etcdJoinHidden: false, waitHidden: true, cpjEtcd: 'shown' }), reads: V1BETA4_ERA, readConfigText: 'upload-config-kubeadm' },
  35: { phases: joinLocalMode({ etcdJoinHidden: false, waitHidden: false, cpjEtcd: 'hidden' }), reads: V1BETA4_ERA, readConfigText: 'upload-config-kubeadm' },
  36: { phases: joinLocalMode({ etcdJoinHidden: false, waitHidden: false, cpjEtcd: 'gone' }), reads: V1BETA4_ERA, readConfigText: 'upload-config-kubeadm' },
  37: { phases: joinLocalMode({ etcdJoinHidden: false, waitHidden: false, cpjEtcd: 'gone' }), reads: JOIN_V1BETA4_ONLY, readConfigText: 'upload-config-kubeadm' },
};

export function joinFacts(minor: number): JoinRow {
  const m = Math.min(Math.max(minor, MIN_SUPPORTED_MINOR), MAX_SUPPORTED_MINOR) as Minor;
  return JOIN_ROWS[m];
}

/**
 * Does the kubelet-wait-bootstrap phase (rather than kubelet-start) wait for the TLS bootstrap?
 * That is feature gate ControlPlaneKubeletLocalMode (the gate behind kubelet.conf's local
 * server, PKI_ROWS.kubeletConfServer): never ≤1.30, the gate 1.31–1.34, always 1.35+.
 */
export function joinWaitsInOwnPhase(v: VersionRef, featureGates: Record<string, boolean>): boolean {
  return kubeletConfUsesLocalEndpoint(v, featureGates);
}

/**
 * Does a control-plane join add its etcd member as a learner (then promote it)? Feature gate
 * EtcdLearnerMode: beta and on 1.29-1.31, GA-locked 1.32, gone (always a learner) 1.33+ (§4.4).
 */
export function etcdJoinsAsLearner(v: VersionRef, featureGates: Record<string, boolean>): boolean {
  return v.minor >= 32 || featureGates.EtcdLearnerMode !== false;
}

/**
 * Does join's wait-control-plane wait (§4.5, §7)? No phase 1.29; feature gate
 * WaitForAllControlPlaneComponents: alpha (off) 1.30-1.32, beta (on) 1.33, GA 1.34+ (not read).
 */
export function joinWaitsForControlPlane(v: VersionRef, featureGates: Record<string, boolean>): boolean {
  if (v.minor <= 29) return false;
  if (v.minor <= 32) return featureGates.WaitForAllControlPlaneComponents === true;
  if (v.minor === 33) return featureGates.WaitForAllControlPlaneComponents !== false;
  return true;
}
// --------------------------------- end of the join block ------------------------------------

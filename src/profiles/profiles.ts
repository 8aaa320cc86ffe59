// The security profiles of `init --profile NAME` as data (mini-kubeadm's own; kubeadm has none):
// what each adds to the configuration, the files it writes, and the modes and owners it sets.

import type { Arg, HostPathMount, InitConfig } from '../config/types.js';
import { ADMISSION_CONFIG, AUDIT_POLICY, encryptionConfig } from './cis-files.js';

export interface ProfileFile {
  path: string;
  mode: number;
  text(): string;
  /** a file that must not change once written (the encryption key: Secrets are stored under it) */
  keepExisting: boolean;
}

export interface Profile {
  name: string;
  summary: string;
  /** extraArgs added to each component where the user gave none of that name */
  args: { apiServer: Arg[]; controllerManager: Arg[]; scheduler: Arg[] };
  /** the API server's extra hostPath volumes (its files, its audit log), added unless the user has one of that name */
  apiServerVolumes: HostPathMount[];
  /** KubeletConfiguration fields set where the user's document has none */
  kubelet: Record<string, unknown>;
  /** written before the API server's manifest */
  files: ProfileFile[];
  /** the mode of /var/lib/kubelet/config.yaml (kubeadm: 0644) */
  kubeletConfigMode: number;
  /** files init does not write but tightens when they exist (the kubelet package's drop-in) */
  tighten: { path: string; mode: number }[];
  /** the system user that owns the etcd data directory, when the node has it */
  etcdDataOwner?: string;
  /** what reset removes besides kubeadm's files */
  resetPaths: string[];
}

export const CIS_DIR = '/etc/kubernetes/cis';
export const AUDIT_LOG_DIR = '/var/log/kubernetes/audit';

/** the API server flags of the CIS profile with its files under `dir` and its audit log under `auditDir` (tests use a temp dir) */
export const cisApiServerArgs = (dir = CIS_DIR, auditDir = AUDIT_LOG_DIR): Arg[] => [
  { name: 'profiling', value: 'false' },
  { name: 'audit-policy-file', value: `${dir}/audit-policy.yaml` },
  { name: 'audit-log-path', value: `${auditDir}/audit.log` },
  { name: 'audit-log-maxage', value: '30' },
  { name: 'audit-log-maxbackup', value: '10' },
  { name: 'audit-log-maxsize', value: '100' },
  { name: 'encryption-provider-config', value: `${dir}/encryption-config.yaml` },
  { name: 'admission-control-config-file', value: `${dir}/admission-config.yaml` },
  { name: 'enable-admission-plugins', value: 'NodeRestriction,EventRateLimit' },
  { name: 'service-account-extend-token-expiration', value: 'false' },
];

export const PROFILES: readonly Profile[] = [
  {
    name: 'cis',
    summary: 'what the CIS Kubernetes Benchmark asks for and kubeadm leaves to the user (RKE2\'s CIS profile is the anchor)',
    args: {
      apiServer: cisApiServerArgs(),
      controllerManager: [
        { name: 'profiling', value: 'false' },
        { name: 'terminated-pod-gc-threshold', value: '1000' },
      ],
      scheduler: [{ name: 'profiling', value: 'false' }],
    },
    apiServerVolumes: [
      { name: 'cis-config', hostPath: CIS_DIR, mountPath: CIS_DIR, readOnly: true, pathType: 'DirectoryOrCreate' },
      { name: 'audit-log', hostPath: AUDIT_LOG_DIR, mountPath: AUDIT_LOG_DIR, readOnly: false, pathType: 'DirectoryOrCreate' },
    ],
    // the kubelet refuses to start when the node's kernel tunables differ from its own, instead of changing them
    kubelet: { protectKernelDefaults: true },
    files: [
      { path: `${CIS_DIR}/audit-policy.yaml`, mode: 0o600, text: () => AUDIT_POLICY, keepExisting: false },
      { path: `${CIS_DIR}/admission-config.yaml`, mode: 0o600, text: () => ADMISSION_CONFIG, keepExisting: false },
      { path: `${CIS_DIR}/encryption-config.yaml`, mode: 0o600, text: () => encryptionConfig(), keepExisting: true },
    ],
    kubeletConfigMode: 0o600,
    tighten: [{ path: '/etc/systemd/system/kubelet.service.d/10-kubeadm.conf', mode: 0o600 }],
    etcdDataOwner: 'etcd',
    resetPaths: [CIS_DIR, AUDIT_LOG_DIR],
  },
];

export const PROFILE_NAMES = PROFILES.map((p) => p.name);

export function profileNamed(name: string | undefined): Profile | undefined {
  return name === undefined ? undefined : PROFILES.find((p) => p.name === name);
}

/**
 * The profile a cluster was made with: the one named (init's --profile), or the one whose API
 * server volumes the configuration carries (a joining node reads the uploaded ClusterConfiguration,
 * which has no profile field).
 */
export function profileOfCluster(cfg: Pick<InitConfig, 'profile' | 'apiServer'>): Profile | undefined {
  const named = profileNamed(cfg.profile);
  if (named) return named;
  const volumes = cfg.apiServer.extraVolumes ?? [];
  return PROFILES.find((p) => p.apiServerVolumes.length > 0 && p.apiServerVolumes.every((v) => volumes.some((u) => u.name === v.name && u.hostPath === v.hostPath)));
}

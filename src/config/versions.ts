// Every per-minor difference between Kubernetes 1.29 and 1.37, as one table, so that a new
// minor is a new row and no other file asks "which minor is this?".

export const DEFAULT_KUBERNETES_VERSION = 'v1.37.2';
export const MIN_SUPPORTED_MINOR = 29;
export const MAX_SUPPORTED_MINOR = 37;

// ---------------------------------------------------------------------------------------------
// Node side (preflight, kubelet-start, wait-control-plane, kubelet-finalize): one row per
// minor. Kept apart from the main table above so the two blocks merge without conflicts.
// Each row is the previous one plus what changed in that minor (kubeadm-spec.md, "Per-minor
// differences"), so the diff between rows reads as kubeadm's changelog.
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
  /** TODO(versions): the main table's pause tag replaces this once it lands */
  pauseTag: string;
  /**
   * first patch whose kubeadm-flags.env keeps kubeletExtraArgs in the user's order after the
   * sorted defaults (undefined: never in this minor, all flags sorted together). TODO(versions):
   * the same fact as the main table's flag-order row; use that one once it lands.
   */
  extraArgsInUserOrderFromPatch: number | undefined;
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
  pauseTag: '3.9',
  extraArgsInUserOrderFromPatch: undefined,
};
const NODE_30: NodeMinorFacts = { ...NODE_29, kubeletLoggingText: true, bridgeNfIsError: false };
const NODE_31: NodeMinorFacts = {
  ...NODE_30,
  kubeletFinalizeSubphases: ['enable-client-cert-rotation', 'experimental-cert-rotation'],
  kubeletFinalizeDeprecated: 'experimental-cert-rotation',
  executables: NODE_30.executables.map((e) => (e.name === 'crictl' ? { ...e, mandatory: false } : e)),
  pauseTag: '3.10',
};
const NODE_32: NodeMinorFacts = {
  ...NODE_31,
  kubeletCrashLoopBackOff: true,
  kubeletFinalizeSubphases: ['enable-client-cert-rotation'],
  kubeletFinalizeDeprecated: undefined,
  executables: NODE_31.executables.filter((e) => e.name !== 'crictl' && e.name !== 'conntrack'),
  kernelMinimum: '4.19',
  cgroupV1Reported: true,
  extraArgsInUserOrderFromPatch: 13,
};
const NODE_33: NodeMinorFacts = {
  ...NODE_32,
  controlPlaneCheck: 'components',
  executables: [
    { name: 'losetup', mandatory: true },
    { name: 'mount', mandatory: true },
    { name: 'cp', mandatory: true },
  ],
  extraArgsInUserOrderFromPatch: 9,
};
const NODE_34: NodeMinorFacts = {
  ...NODE_33,
  flagsEnvRuntimeEndpoint: false,
  instanceConfig: true,
  kernelRecommended: ['5.4', '5.10', '5.15', '6'],
  pauseTag: '3.10.1',
  extraArgsInUserOrderFromPatch: 4,
};
const NODE_35: NodeMinorFacts = { ...NODE_34, flagsEnvPauseImage: false, kubeletFailsOnCgroupV1: true, extraArgsInUserOrderFromPatch: 1 };
const NODE_36: NodeMinorFacts = { ...NODE_35, pauseTag: '3.10.2', extraArgsInUserOrderFromPatch: 0 };
const NODE_37: NodeMinorFacts = { ...NODE_36 };

const NODE_FACTS: Readonly<Record<number, NodeMinorFacts>> = {
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

/** The node-side facts of a minor; outside 1.29–1.37 the nearest supported row. */
export function nodeFacts(minor: number): NodeMinorFacts {
  const m = Math.min(Math.max(minor, MIN_SUPPORTED_MINOR), MAX_SUPPORTED_MINOR);
  return NODE_FACTS[m]!;
}

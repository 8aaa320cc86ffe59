// The differences between our manifests and kubeadm's that are intended, each with its reason
// (the same list, in prose, is docs/differences.md "Static-pod manifests").

export interface AllowedDifference {
  /** kubeadm versions it applies to */
  versions: readonly string[];
  /** components (compat/pki: files) it applies to; empty = all */
  components: readonly string[];
  /** the difference's path (see pod-diff.ts), exact or a pattern */
  path: string | RegExp;
  reason: string;
}

export const ALLOWED: readonly AllowedDifference[] = [
  {
    versions: ['v1.37.2', 'v1.29.15'],
    components: [],
    path: 'spec.containers[0].imagePullPolicy',
    reason: 'we take nodeRegistration.imagePullPolicy (so Never works on a node without a registry); kubeadm always writes IfNotPresent. Same value by default',
  },
  {
    versions: ['v1.29.15'],
    components: [],
    path: 'metadata.creationTimestamp',
    reason: "kubeadm 1.29's serializer writes creationTimestamp: null (an unset Go time); it carries nothing, the kubelet ignores it, and newer kubeadm omits it",
  },
  {
    versions: ['v1.29.15'],
    components: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'],
    path: 'spec.containers[0].env (order)',
    reason: "kubeadm 1.29 merges env from a Go map without sorting, so its order changes from run to run; we sort by name as later kubeadm does (same variables and values)",
  },
];

/** The reason a difference is allowed, from this list (the manifests' by default), or undefined. */
export function allowedReason(d: { version: string; component: string; path: string }, list: readonly AllowedDifference[] = ALLOWED): string | undefined {
  return list.find(
    (a) =>
      a.versions.includes(d.version) &&
      (a.components.length === 0 || a.components.includes(d.component)) &&
      (typeof a.path === 'string' ? a.path === d.path : a.path.test(d.path)),
  )?.reason;
}

// mark-control-plane: the labels and taints kubeadm puts on a control-plane Node, merged
// into what the Node already has (other taints are kept, ours are not duplicated).

import type { Taint } from '../../config/types.js';

export const CONTROL_PLANE_LABELS = ['node-role.kubernetes.io/control-plane', 'node.kubernetes.io/exclude-from-external-load-balancers'];
export const CONTROL_PLANE_TAINT: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

/** nodeRegistration.taints: null means kubeadm's default, [] means none */
export function wantedTaints(configured: Taint[] | null): Taint[] {
  return configured ?? [CONTROL_PLANE_TAINT];
}

const same = (a: Taint, b: Taint) => a.key === b.key && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect;

/** ours first, then the Node's own that are not ours (kubeadm's markControlPlaneNode) */
export function mergeTaints(wanted: Taint[], existing: Taint[]): Taint[] {
  return [...wanted, ...existing.filter((t) => !wanted.some((w) => same(w, t)))];
}

export function taintText(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

/** the merge patch that marks the node; undefined when it is already marked */
export function markPatch(node: { metadata: { labels?: Record<string, string>; resourceVersion?: string }; spec?: { taints?: Taint[] } }, wanted: Taint[]): Record<string, unknown> | undefined {
  const labels = node.metadata.labels ?? {};
  const existing = node.spec?.taints ?? [];
  const taints = mergeTaints(wanted, existing);
  const labelsOk = CONTROL_PLANE_LABELS.every((l) => labels[l] === '');
  const taintsOk = taints.length === existing.length;
  if (labelsOk && taintsOk) return undefined;
  return {
    // resourceVersion makes the patch fail (409) rather than lose a concurrent change
    metadata: { resourceVersion: node.metadata.resourceVersion, labels: Object.fromEntries(CONTROL_PLANE_LABELS.map((l) => [l, ''])) },
    spec: { taints: taints.map((t) => ({ key: t.key, ...(t.value ? { value: t.value } : {}), effect: t.effect })) },
  };
}

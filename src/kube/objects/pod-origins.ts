// Where each pod comes from, as the seed's summary table says it: a static pod is run by the
// kubelet from a file and only mirrored in the API; a dynamic pod is made by a controller
// through the API and kept in etcd. Pure: the objects come in, the rows go out.

import type { KubeObject, ObjectRef } from '../client.js';

export type PodKind = 'static' | 'dynamic';

export interface PodRow {
  namespace: string;
  name: string;
  node?: string;
  kind: PodKind;
  /** who keeps it alive: "the kubelet on st-1", "Deployment + ReplicaSet controllers (kube-controller-manager)" */
  managedBy: string;
  /** where its definition lives: the manifest file, or the API object in etcd */
  definition: string;
  /** the controller chain, top first: ["Deployment coredns", "ReplicaSet coredns-5d4b"]; a mirror pod's is ["Node st-1"] */
  owners: string[];
  /** what to do with it, the seed's key trait */
  note: string;
  /** when the object was made (a mirror pod: when the kubelet mirrored it) */
  createdAt: string;
  /** when the kubelet started the pod (status.startTime) */
  startedAt?: string;
  phase: string;
  ready: string;
  restarts: number;
  images: string[];
  /** a mirror pod newer than its pod: why it is there again */
  recreated?: string;
}

export const STATIC_NOTE = 'owned by the kubelet: edit the file, not the API object (a mirror pod deleted through the API comes back)';
export const DYNAMIC_NOTE = 'made by the controller-manager through the API, stored in etcd';
export const BARE_NOTE = 'made directly through the API, stored in etcd: nothing makes it again if it is deleted';

/** the controllers of kube-controller-manager, by the kind they manage */
const CONTROLLERS: Record<string, string> = {
  Deployment: 'Deployment',
  ReplicaSet: 'ReplicaSet',
  DaemonSet: 'DaemonSet',
  StatefulSet: 'StatefulSet',
  Job: 'Job',
  CronJob: 'CronJob',
  ReplicationController: 'ReplicationController',
};

/** a static pod's mirror: the kubelet's annotations (config.mirror, config.source file|http) or its owner, a Node */
export function isMirrorPod(pod: KubeObject): boolean {
  const a = pod.metadata.annotations ?? {};
  if (a['kubernetes.io/config.mirror'] !== undefined) return true;
  if (a['kubernetes.io/config.source'] === 'file' || a['kubernetes.io/config.source'] === 'http') return true;
  return (pod.metadata.ownerReferences ?? []).some((o) => o.kind === 'Node');
}

/** the reference of an object's controller (or its first owner) */
export function controllerOf(obj: KubeObject): ObjectRef | undefined {
  const refs = obj.metadata.ownerReferences ?? [];
  const o = refs.find((r) => r.controller === true) ?? refs[0];
  if (!o) return undefined;
  return { apiVersion: String(o.apiVersion), kind: String(o.kind), name: String(o.name), namespace: obj.metadata.namespace };
}

/** a pod's owner chain, top first, each owner read once through `get` (at most 5 levels) */
export async function ownerChain(pod: KubeObject, get: (ref: ObjectRef) => Promise<KubeObject | undefined>): Promise<ObjectRef[]> {
  const chain: ObjectRef[] = [];
  let ref = controllerOf(pod);
  while (ref && chain.length < 5) {
    chain.unshift(ref);
    if (ref.kind === 'Node') break;
    const owner = await get(ref);
    ref = owner ? controllerOf(owner) : undefined;
  }
  return chain;
}

/** "Deployment + ReplicaSet controllers (kube-controller-manager)" */
function managerOf(chain: readonly ObjectRef[]): string {
  if (chain.length === 0) return 'nobody (a bare pod)';
  const known = chain.map((r) => CONTROLLERS[r.kind]);
  if (known.every((k) => k !== undefined)) return `${known.join(' + ')} controller${known.length > 1 ? 's' : ''} (kube-controller-manager)`;
  return `the controller of ${chain[0]!.kind} ${chain[0]!.name}`;
}

interface ContainerStatus {
  ready?: boolean;
  restartCount?: number;
}

function readiness(pod: KubeObject): { ready: string; restarts: number } {
  const spec = pod.spec as { containers?: unknown[] } | undefined;
  const statuses = ((pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? []);
  const total = spec?.containers?.length ?? statuses.length;
  return { ready: `${statuses.filter((s) => s.ready).length}/${total}`, restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0) };
}

const ms = (t: string | undefined) => (t ? Date.parse(t) : NaN);

/** how long after the pod started its mirror pod may be made and still count as the first one */
const MIRROR_LAG_MS = 30_000;

/**
 * Why a mirror pod is newer than its pod: the kubelet made it again. At bootstrap the first
 * mirror pods also come late (the API answers after the static pods start), so a mirror pod
 * counts as made again only when it is also well after the node's first mirror pod.
 */
function recreatedWhy(pod: KubeObject, firstMirrorOnNode: number | undefined): string | undefined {
  const created = ms(pod.metadata.creationTimestamp as string | undefined);
  const started = ms((pod.status as { startTime?: string } | undefined)?.startTime);
  if (Number.isNaN(created) || Number.isNaN(started) || firstMirrorOnNode === undefined) return undefined;
  if (created - started <= MIRROR_LAG_MS || created - firstMirrorOnNode <= MIRROR_LAG_MS) return undefined;
  return (
    `its mirror pod was made ${Math.round((created - started) / 1000)} s after the pod started: the kubelet made it again ` +
    '(a mirror pod deleted through the API comes back at the kubelet\'s next sync; the pod itself kept running)'
  );
}

export interface PodInput {
  pod: KubeObject;
  /** its owner chain, top first (ownerChain) */
  chain: readonly ObjectRef[];
}

/**
 * The rows of the summary table. `manifestOf(pod)` names the file a mirror pod came from when
 * it is this node's (static-manifests.ts matches them); other nodes' files are named by folder.
 */
export function podRows(pods: readonly PodInput[], manifestOf: (pod: KubeObject) => string | undefined, manifestsDir: string): PodRow[] {
  const firstMirror = new Map<string, number>();
  for (const { pod } of pods) {
    if (!isMirrorPod(pod)) continue;
    const node = nodeOf(pod) ?? '';
    const t = ms(pod.metadata.creationTimestamp as string | undefined);
    if (!Number.isNaN(t) && t < (firstMirror.get(node) ?? Infinity)) firstMirror.set(node, t);
  }
  return pods.map(({ pod, chain }) => {
    const node = nodeOf(pod);
    const status = (pod.status ?? {}) as { phase?: string; startTime?: string };
    const spec = (pod.spec ?? {}) as { containers?: Array<{ image?: string }> };
    const common = {
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      node,
      createdAt: String(pod.metadata.creationTimestamp ?? ''),
      startedAt: status.startTime,
      phase: status.phase ?? 'Unknown',
      ...readiness(pod),
      images: (spec.containers ?? []).map((c) => c.image ?? ''),
    };
    if (isMirrorPod(pod)) {
      const file = manifestOf(pod);
      const recreated = recreatedWhy(pod, firstMirror.get(node ?? ''));
      return {
        ...common,
        kind: 'static',
        managedBy: `the kubelet${node ? ` on ${node}` : ''} (this is its mirror pod)`,
        definition: file ?? `a file in ${manifestsDir}${node ? ` on ${node}` : ''}`,
        owners: chain.map((r) => `${r.kind} ${r.name}`),
        note: STATIC_NOTE,
        ...(recreated ? { recreated } : {}),
      };
    }
    const top = chain[0];
    return {
      ...common,
      kind: 'dynamic',
      managedBy: managerOf(chain),
      definition: top ? `${top.kind} ${top.namespace ? `${top.namespace}/` : ''}${top.name} in etcd (through the API)` : `Pod ${common.namespace}/${common.name} in etcd (through the API)`,
      owners: chain.map((r) => `${r.kind} ${r.name}`),
      note: top ? DYNAMIC_NOTE : BARE_NOTE,
    };
  });
}

export const nodeOf = (pod: KubeObject): string | undefined => (pod.spec as { nodeName?: string } | undefined)?.nodeName;

/** which pods the table shows: every kube-system pod and every mirror pod anywhere; static first, then by name */
export function podsToShow(pods: readonly KubeObject[]): KubeObject[] {
  const shown = pods.filter((p) => p.metadata.namespace === 'kube-system' || isMirrorPod(p));
  const key = (p: KubeObject) => `${isMirrorPod(p) ? 0 : 1} ${p.metadata.namespace ?? ''}/${p.metadata.name}`;
  return shown.sort((a, b) => key(a).localeCompare(key(b)));
}

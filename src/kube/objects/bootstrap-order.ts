// The bootstrap as it really happened on this cluster, read back from the objects' timestamps:
// the kubelet starts the static pods (status.startTime of their mirror pods), the API server
// answers (it makes Namespace kube-system when it first starts), the kubelet registers its
// Node, then the add-ons are made through the API (Deployments, DaemonSets and their pods).

import type { KubeObject } from '../client.js';
import type { PodRow } from './pod-origins.js';

export type Stage = 'static' | 'api' | 'node' | 'dynamic';

export interface OrderStep {
  at: string;
  stage: Stage;
  what: string;
}

/** at one second (the timestamps' resolution), the story's order */
const STAGE_RANK: Record<Stage, number> = { static: 0, api: 1, node: 2, dynamic: 3 };

export interface OrderInput {
  rows: readonly PodRow[];
  /** Namespace kube-system, made by the API server at its first start */
  kubeSystem?: KubeObject;
  nodes: readonly KubeObject[];
  /** the top owners of the dynamic pods (Deployments, DaemonSets) */
  workloads: readonly KubeObject[];
}

export interface BootstrapOrder {
  steps: OrderStep[];
  /** did the first static pods start before the API answered, and the add-ons come after it? */
  storyHolds: boolean;
  summary: string;
}

const created = (o: KubeObject) => String(o.metadata.creationTimestamp ?? '');

export function bootstrapOrder(input: OrderInput): BootstrapOrder {
  const steps: OrderStep[] = [];
  for (const r of input.rows) {
    if (r.kind === 'static' && r.startedAt) steps.push({ at: r.startedAt, stage: 'static', what: `the kubelet${r.node ? ` on ${r.node}` : ''} started static pod ${r.namespace}/${r.name} from ${r.definition}` });
  }
  const apiAt = input.kubeSystem ? created(input.kubeSystem) : undefined;
  if (apiAt) steps.push({ at: apiAt, stage: 'api', what: 'the API server answered (it made Namespace kube-system)' });
  for (const n of input.nodes) steps.push({ at: created(n), stage: 'node', what: `the kubelet registered Node ${n.metadata.name}` });
  for (const w of input.workloads) steps.push({ at: created(w), stage: 'dynamic', what: `${w.kind} ${w.metadata.namespace ?? ''}/${w.metadata.name} made through the API` });
  for (const r of input.rows) {
    if (r.kind !== 'dynamic') continue;
    const by = r.owners.length === 0 ? 'directly through the API (a bare pod)' : `by ${r.managedBy.startsWith('the ') ? '' : 'the '}${r.managedBy}`;
    steps.push({ at: r.createdAt, stage: 'dynamic', what: `Pod ${r.namespace}/${r.name} made ${by}` });
  }
  const valid = steps.filter((s) => !Number.isNaN(Date.parse(s.at)));
  valid.sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || STAGE_RANK[a.stage] - STAGE_RANK[b.stage]);
  return { steps: valid, ...story(valid, apiAt) };
}

/** the seed's sequence, checked: static pods first, then the API, then the dynamic add-ons */
function story(steps: readonly OrderStep[], apiAt: string | undefined): { storyHolds: boolean; summary: string } {
  if (!apiAt) return { storyHolds: false, summary: 'Namespace kube-system was not readable: when the API first answered is unknown' };
  const api = Date.parse(apiAt);
  const firstStatic = steps.filter((s) => s.stage === 'static').map((s) => Date.parse(s.at));
  const dynamic = steps.filter((s) => s.stage === 'dynamic').map((s) => Date.parse(s.at));
  const before = firstStatic.filter((t) => t <= api).length;
  const early = dynamic.filter((t) => t < api).length;
  const holds = before > 0 && early === 0;
  const parts = [
    `${before} static pod${before === 1 ? '' : 's'} started before the API answered`,
    `${firstStatic.length - before} after (added later, or started again)`,
    `${dynamic.length} dynamic object${dynamic.length === 1 ? '' : 's'} made after it${early ? `, ${early} before it (clock skew, or objects restored from a backup)` : ''}`,
  ];
  return { storyHolds: holds, summary: `${holds ? 'static pods first, then the API, then the dynamic add-ons' : 'not the seed\'s order'}: ${parts.join('; ')}` };
}

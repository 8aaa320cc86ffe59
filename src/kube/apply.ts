// Applies a list of objects in order and says, for each, what happened and what it is:
// a plain object, or a dynamic workload whose pods a controller makes (not the kubelet).

import { describeRef, type ApplyResult, type KubeClient, type KubeObject } from './client.js';

export interface Applied {
  kind: 'dynamic' | 'object';
  message: string;
}

const CONTROLLED: Record<string, (o: KubeObject) => string> = {
  Deployment: (o) => `the Deployment controller makes a ReplicaSet, which makes ${String((o.spec as { replicas?: number } | undefined)?.replicas ?? 1)} pod(s); the scheduler places them`,
  DaemonSet: () => 'the DaemonSet controller makes one pod on every matching node',
};

export function describeApplied(obj: KubeObject, r: ApplyResult): Applied {
  const what = `${describeRef(obj)} ${r.action}`;
  const controlled = CONTROLLED[obj.kind];
  return controlled ? { kind: 'dynamic', message: `${what} (${controlled(obj)})` } : { kind: 'object', message: what };
}

export async function applyAll(client: KubeClient, objects: KubeObject[]): Promise<Applied[]> {
  const out: Applied[] = [];
  for (const o of objects) out.push(describeApplied(o, await client.apply(o)));
  return out;
}

// The KubeClient for --dry-run: nothing reaches a server; every write (and deletion) is recorded
// so the phases can say what they would have applied, and reads find nothing (as on a new cluster).

import type { ApplyResult, KubeClient, KubeObject, ObjectRef } from './client.js';

export class DryRunKubeClient implements KubeClient {
  readonly dryRun = true;
  /** what would have been written, in order */
  readonly recorded: Array<{ verb: 'apply' | 'create' | 'patch' | 'delete'; object: KubeObject | ObjectRef }> = [];

  constructor(
    readonly kubeconfigPath: string,
    readonly server: string,
  ) {}

  async apply(obj: KubeObject): Promise<ApplyResult> {
    this.recorded.push({ verb: 'apply', object: obj });
    return { action: 'would apply', object: obj };
  }

  async get(_ref: ObjectRef): Promise<KubeObject | undefined> {
    return undefined;
  }

  async create(obj: KubeObject): Promise<'created'> {
    this.recorded.push({ verb: 'create', object: obj });
    return 'created';
  }

  async mergePatch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    this.recorded.push({ verb: 'patch', object: ref });
    return { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace }, ...patch };
  }

  async raw(_path: string): Promise<string> {
    return '';
  }

  async list(_ref: Omit<ObjectRef, 'name'>): Promise<KubeObject[]> {
    return [];
  }

  async delete(ref: ObjectRef): Promise<'deleted'> {
    this.recorded.push({ verb: 'delete', object: ref });
    return 'deleted';
  }
}

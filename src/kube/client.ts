// The Kubernetes API as the cluster-side phases see it: apply an object (server-side apply,
// idempotent), read, list, patch, create or delete; every call bounded and retried on transient
// errors (the implementation is http-client.ts; dry-run-client.ts records instead).

/** Any Kubernetes object, as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    ownerReferences?: Array<Record<string, unknown>>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** Enough to name one object. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** What an apply did: kubeadm's CreateOrUpdate, said precisely. */
export type ApplyAction = 'created' | 'updated' | 'unchanged' | 'would apply';

export interface ApplyResult {
  action: ApplyAction;
  object: KubeObject;
}

export interface KubeClient {
  /** the kubeconfig file this client authenticates with */
  readonly kubeconfigPath: string;
  /** https://HOST:PORT the client talks to */
  readonly server: string;
  /** true when nothing is sent (--dry-run): writes are recorded, reads find nothing */
  readonly dryRun: boolean;
  /** server-side apply with field manager "mini-kubeadm" (force: kubeadm's objects are kubeadm's) */
  apply(obj: KubeObject, opts?: { serverDryRun?: boolean }): Promise<ApplyResult>;
  /** the object, or undefined when it does not exist */
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  /** POST; "exists" when it already exists, "forbidden" when RBAC says no */
  create(obj: KubeObject): Promise<'created' | 'exists' | 'forbidden'>;
  /** JSON merge patch (RFC 7386) of an existing object */
  mergePatch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject>;
  /** GET of a raw path, e.g. /readyz; the body as text */
  raw(path: string): Promise<string>;
  /** the objects of a kind in a namespace, each with its apiVersion and kind filled in */
  list(ref: Omit<ObjectRef, 'name'>, opts?: { fieldSelector?: string }): Promise<KubeObject[]>;
  /** DELETE; "absent" when there was no such object */
  delete(ref: ObjectRef): Promise<'deleted' | 'absent'>;
}

export function refOf(obj: KubeObject): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace };
}

/** "ConfigMap kube-system/coredns", as people write it */
export function describeRef(ref: ObjectRef | KubeObject): string {
  const r = 'metadata' in ref ? refOf(ref as KubeObject) : (ref as ObjectRef);
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

export const FIELD_MANAGER = 'mini-kubeadm';

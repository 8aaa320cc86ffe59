// The KubeClient that talks to a real API server. kubeconfig-tls.ts turns the kubeconfig's
// credentials into TLS options; requests are plain JSON over node:https, because server-side
// apply must send objects exactly as built (a typed client's serializer drops fields its models
// do not know, e.g. in a user's CNI manifest).

import https from 'node:https';
import { HostError } from '../errors.js';
import { FIELD_MANAGER, describeRef, refOf, type ApplyResult, type KubeClient, type KubeObject, type ObjectRef } from './client.js';
import { groupVersionPath, knownResource, objectPath, resourceFromDiscovery, type ResourceInfo } from './resources.js';
import { ApiStatusError, describeError, withRetry } from './retry.js';

export interface HttpClientOptions {
  /** the kubeconfig's text and where it came from (for messages) */
  kubeconfig: string;
  kubeconfigPath: string;
  /** talk to this server instead of the kubeconfig's (kubeadm points admin.conf at the local API endpoint) */
  server?: string;
  /** deadline of each call, retries included (timeouts.kubernetesAPICall) */
  callTimeoutMs: number;
  /** reads a credential file the kubeconfig names by path (the node's Host) */
  readFile?: (path: string) => Promise<Buffer | undefined>;
}

interface Answer {
  status: number;
  body: string;
}

/** longest single attempt: a hung connection must not eat the whole deadline */
const ATTEMPT_MS = 30_000;

export async function httpKubeClient(opts: HttpClientOptions): Promise<HttpKubeClient> {
  const { kubeconfigTarget, KubeconfigProblem } = await import('./kubeconfig-tls.js');
  let target: Awaited<ReturnType<typeof kubeconfigTarget>>;
  try {
    target = await kubeconfigTarget(opts.kubeconfig, opts.kubeconfigPath, opts.readFile);
  } catch (e) {
    if (!(e instanceof KubeconfigProblem)) throw e;
    throw new HostError('KUBECONFIG_INVALID', `${opts.kubeconfigPath} is not a usable kubeconfig: ${e.message}`, `run "mini-kubeadm init phase kubeconfig" to write it again`);
  }
  return new HttpKubeClient(opts.kubeconfigPath, opts.server ?? target.server, target.tls, opts.callTimeoutMs);
}

export class HttpKubeClient implements KubeClient {
  readonly dryRun = false;
  private readonly discovered = new Map<string, ResourceInfo>();

  constructor(
    readonly kubeconfigPath: string,
    readonly server: string,
    private readonly tls: https.RequestOptions,
    private readonly callTimeoutMs: number,
  ) {}

  async apply(obj: KubeObject, opts: { serverDryRun?: boolean } = {}): Promise<ApplyResult> {
    const ref = refOf(obj);
    const before = opts.serverDryRun ? undefined : await this.get(ref);
    const path = await this.pathOf(ref, ref.name);
    const query = `?fieldManager=${FIELD_MANAGER}&force=true${opts.serverDryRun ? '&dryRun=All' : ''}`;
    const body = JSON.stringify(obj);
    const after = await this.call(`apply ${describeRef(ref)}`, 'PATCH', path + query, body, 'application/apply-patch+yaml');
    const object = JSON.parse(after.body) as KubeObject;
    const action = opts.serverDryRun ? 'would apply' : before === undefined ? 'created' : before.metadata.resourceVersion === object.metadata.resourceVersion ? 'unchanged' : 'updated';
    return { action, object };
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      const a = await this.call(`read ${describeRef(ref)}`, 'GET', await this.pathOf(ref, ref.name));
      return JSON.parse(a.body) as KubeObject;
    } catch (e) {
      if (e instanceof HostError && (e.cause as ApiStatusError | undefined)?.status === 404) return undefined;
      throw e;
    }
  }

  async create(obj: KubeObject): Promise<'created' | 'exists' | 'forbidden'> {
    const ref = refOf(obj);
    try {
      await this.call(`create ${describeRef(ref)}`, 'POST', `${await this.pathOf(ref, undefined)}?fieldManager=${FIELD_MANAGER}`, JSON.stringify(obj), 'application/json');
      return 'created';
    } catch (e) {
      const status = e instanceof HostError ? (e.cause as ApiStatusError | undefined)?.status : undefined;
      if (status === 409) return 'exists';
      if (status === 403) return 'forbidden';
      throw e;
    }
  }

  async mergePatch(ref: ObjectRef, patch: Record<string, unknown>): Promise<KubeObject> {
    const a = await this.call(`patch ${describeRef(ref)}`, 'PATCH', `${await this.pathOf(ref, ref.name)}?fieldManager=${FIELD_MANAGER}`, JSON.stringify(patch), 'application/merge-patch+json');
    return JSON.parse(a.body) as KubeObject;
  }

  async list(ref: Omit<ObjectRef, 'name'>, opts: { fieldSelector?: string } = {}): Promise<KubeObject[]> {
    const full = { ...ref, name: '' };
    const query = opts.fieldSelector ? `?fieldSelector=${encodeURIComponent(opts.fieldSelector)}` : '';
    const a = await this.call(`list ${ref.kind} in ${ref.namespace ?? 'the cluster'}`, 'GET', (await this.pathOf(full, undefined)) + query);
    const items = (JSON.parse(a.body) as { items?: KubeObject[] }).items ?? [];
    // a list's items carry no apiVersion and kind of their own
    return items.map((o) => ({ ...o, apiVersion: ref.apiVersion, kind: ref.kind }));
  }

  async delete(ref: ObjectRef): Promise<'deleted' | 'absent'> {
    try {
      await this.call(`delete ${describeRef(ref)}`, 'DELETE', await this.pathOf(ref, ref.name));
      return 'deleted';
    } catch (e) {
      if (e instanceof HostError && (e.cause as ApiStatusError | undefined)?.status === 404) return 'absent';
      throw e;
    }
  }

  async raw(path: string): Promise<string> {
    return (await this.call(`GET ${path}`, 'GET', path)).body;
  }

  private async pathOf(ref: ObjectRef, name: string | undefined): Promise<string> {
    const info = knownResource(ref.apiVersion, ref.kind) ?? (await this.discover(ref.apiVersion, ref.kind));
    return objectPath(ref.apiVersion, info, name, ref.namespace);
  }

  private async discover(apiVersion: string, kind: string): Promise<ResourceInfo> {
    const key = `${apiVersion}/${kind}`;
    const cached = this.discovered.get(key);
    if (cached) return cached;
    let doc: unknown;
    try {
      doc = JSON.parse((await this.call(`discover ${apiVersion}`, 'GET', groupVersionPath(apiVersion))).body);
    } catch (e) {
      if (e instanceof HostError && (e.cause as ApiStatusError | undefined)?.status === 404) doc = {};
      else throw e;
    }
    const info = resourceFromDiscovery(doc, kind);
    if (!info) throw new HostError('API_UNKNOWN_KIND', `the API server at ${this.server} serves no kind ${kind} in ${apiVersion}`, 'check apiVersion and kind in the manifest (a CRD must be applied before its objects)');
    this.discovered.set(key, info);
    return info;
  }

  /** one call: retried while transient, bounded by the call deadline; other failures become HostErrors */
  private async call(what: string, method: string, path: string, body?: string, contentType?: string): Promise<Answer> {
    try {
      return await withRetry(
        {
          what: `the API server to ${what}`,
          deadlineMs: this.callTimeoutMs,
          hint: (last) =>
            `last error: ${describeError(last)}. Is kube-apiserver up at ${this.server}? (crictl ps -a | grep kube-apiserver; crictl logs <id>). ` +
            `A slow node may need a longer timeouts.kubernetesAPICall in the InitConfiguration.`,
        },
        async (remaining) => {
          const a = await this.send(method, path, body, contentType, Math.min(remaining, ATTEMPT_MS));
          if (a.status >= 200 && a.status < 300) return a;
          throw statusError(a);
        },
      );
    } catch (e) {
      if (e instanceof ApiStatusError) {
        throw new HostError('API_ERROR', `the API server refused to ${what}: ${e.message}`, hintFor(e, this.kubeconfigPath), e);
      }
      throw e;
    }
  }

  private send(method: string, path: string, body: string | undefined, contentType: string | undefined, timeoutMs: number): Promise<Answer> {
    const url = new URL(path, this.server);
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          ...this.tls,
          method,
          headers: { ...(this.tls.headers as Record<string, string> | undefined), Accept: 'application/json', ...(contentType ? { 'Content-Type': contentType } : {}) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ERR_REQUEST_TIMEOUT' })));
      req.on('error', reject);
      req.end(body);
    });
  }
}

function statusError(a: Answer): ApiStatusError {
  let reason = '';
  let message = a.body.trim().slice(0, 500) || `HTTP ${a.status}`;
  try {
    const s = JSON.parse(a.body) as { reason?: string; message?: string };
    reason = s.reason ?? '';
    message = s.message ?? message;
  } catch {
    // not a Status object: keep the text
  }
  return new ApiStatusError(a.status, reason, message);
}

function hintFor(e: ApiStatusError, kubeconfigPath: string): string {
  if (e.status === 401) return `the credentials in ${kubeconfigPath} are not accepted: are its certificates signed by the cluster's CA? ("mini-kubeadm init phase kubeconfig" writes them again)`;
  if (e.status === 403) return `the user of ${kubeconfigPath} may not do this: is ClusterRoleBinding kubeadm:cluster-admins in place? ("kubectl --kubeconfig /etc/kubernetes/super-admin.conf get clusterrolebinding kubeadm:cluster-admins")`;
  if (e.status === 409) return 'another writer changed the object at the same moment: run the phase again';
  if (e.status === 422 || e.status === 400) return 'the object is invalid for this API server: check the manifest (and that its apiVersion is served by this Kubernetes version)';
  return `HTTP ${e.status} ${e.reason}`.trim();
}

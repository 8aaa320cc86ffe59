// A kubeconfig file's text, as client-go writes it (keys sorted, everything embedded), and
// the few fields mini-kubeadm reads back from one that already exists.

import { contextName } from './specs.js';

export interface KubeconfigContent {
  clusterName: string;
  server: string;
  caPem: string;
  user: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** write `preferences: {}` as client-go did before 1.34 */
  preferences: boolean;
}

const b64 = (pem: string) => Buffer.from(pem).toString('base64');

export async function renderKubeconfig(c: KubeconfigContent): Promise<string> {
  const context = contextName(c.user, c.clusterName);
  const doc = {
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': b64(c.caPem), server: c.server }, name: c.clusterName }],
    contexts: [{ context: { cluster: c.clusterName, user: c.user }, name: context }],
    'current-context': context,
    kind: 'Config',
    ...(c.preferences ? { preferences: {} } : {}),
    users: [{ name: c.user, user: { 'client-certificate-data': b64(c.clientCertPem), 'client-key-data': b64(c.clientKeyPem) } }],
  };
  return dumpKubeconfig(doc);
}

/** A kubeconfig document as text, the one way client-go writes it (keys sorted, no line folding). */
export async function dumpKubeconfig(doc: object): Promise<string> {
  const yaml = await import('js-yaml');
  return yaml.dump(doc, { sortKeys: true, lineWidth: -1, noRefs: true, noArrayIndent: true });
}

/** What an existing kubeconfig says about its current context's cluster and user. */
export interface KubeconfigView {
  server?: string;
  /** embedded CA (PEM), or the path it names */
  caData?: string;
  caFile?: string;
  clientCertData?: string;
}

interface Named<T> {
  name?: string;
  cluster?: T;
  context?: T;
  user?: T;
}

/** undefined when the text is not a kubeconfig with a current context that names a cluster */
export async function readKubeconfig(text: string): Promise<KubeconfigView | undefined> {
  const yaml = await import('js-yaml');
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  const list = <T>(k: string): Named<T>[] => (Array.isArray(d[k]) ? (d[k] as Named<T>[]) : []);
  const ctx = list<{ cluster?: string; user?: string }>('contexts').find((c) => c.name === d['current-context'])?.context;
  if (!ctx) return undefined;
  const cluster = list<Record<string, string>>('clusters').find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster) return undefined;
  const user = list<Record<string, string>>('users').find((u) => u.name === ctx.user)?.user;
  const unb64 = (s: string | undefined) => (s === undefined ? undefined : Buffer.from(s, 'base64').toString('utf8'));
  return {
    server: cluster.server,
    caData: unb64(cluster['certificate-authority-data']),
    caFile: cluster['certificate-authority'],
    clientCertData: unb64(user?.['client-certificate-data']),
  };
}

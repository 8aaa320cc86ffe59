// A kubeconfig's current cluster and credentials as node:https options: the CA, the client
// certificate and key (inline data or files), a bearer token, insecure-skip-tls-verify. What
// kubeadm's kubeconfigs use, read with js-yaml: @kubernetes/client-node did the same at the
// cost of ~75 MB of memory and ~1 s of CPU to load its generated API, right on init's critical path.

import type https from 'node:https';

type Named<T> = { name?: string } & T;
interface Kubeconfig {
  'current-context'?: string;
  contexts?: Named<{ context?: { cluster?: string; user?: string } }>[];
  clusters?: Named<{ cluster?: Record<string, unknown> }>[];
  users?: Named<{ user?: Record<string, unknown> }>[];
}

export interface KubeconfigTarget {
  server: string;
  tls: https.RequestOptions;
}

/** Why a kubeconfig cannot be used, in the file's terms; the caller names the file. */
export class KubeconfigProblem extends Error {}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The current context's server and TLS options. `readFile` reads a credential a kubeconfig
 * names by path (relative paths are relative to the kubeconfig's own directory, as kubectl does).
 */
export async function kubeconfigTarget(text: string, kubeconfigPath: string, readFile?: (path: string) => Promise<Buffer | undefined>): Promise<KubeconfigTarget> {
  const yaml = await import('js-yaml');
  let kc: Kubeconfig | null;
  try {
    kc = yaml.load(text) as Kubeconfig | null;
  } catch (e) {
    throw new KubeconfigProblem(`it is not YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!kc || typeof kc !== 'object') throw new KubeconfigProblem('it is empty');
  const ctxName = str(kc['current-context']);
  const ctx = kc.contexts?.find((c) => c.name === ctxName)?.context;
  const clusterName = ctx?.cluster ?? (kc.clusters?.length === 1 ? kc.clusters[0]!.name : undefined);
  const cluster = kc.clusters?.find((c) => c.name === clusterName)?.cluster;
  const server = str(cluster?.server);
  if (!cluster || !server) throw new KubeconfigProblem('it names no current cluster');
  const user = kc.users?.find((u) => u.name === ctx?.user)?.user ?? {};
  for (const unsupported of ['exec', 'auth-provider', 'username']) {
    if (user[unsupported] !== undefined) throw new KubeconfigProblem(`its user authenticates with "${unsupported}", which mini-kubeadm does not support (use a client certificate or a token)`);
  }

  const dir = kubeconfigPath.replace(/\/[^/]*$/, '') || '/';
  const material = async (dataKey: string, fileKey: string, from: Record<string, unknown>): Promise<Buffer | undefined> => {
    const data = str(from[dataKey]);
    if (data) return Buffer.from(data, 'base64');
    const file = str(from[fileKey]);
    if (!file) return undefined;
    const abs = file.startsWith('/') ? file : `${dir}/${file}`;
    const content = readFile ? await readFile(abs) : undefined;
    if (content === undefined) throw new KubeconfigProblem(`its ${fileKey} ${abs} cannot be read`);
    return content;
  };

  const tls: https.RequestOptions = {};
  const ca = await material('certificate-authority-data', 'certificate-authority', cluster);
  if (ca) tls.ca = ca;
  if (cluster['insecure-skip-tls-verify'] === true) tls.rejectUnauthorized = false;
  const serverName = str(cluster['tls-server-name']);
  if (serverName) tls.servername = serverName;
  const cert = await material('client-certificate-data', 'client-certificate', user);
  const key = await material('client-key-data', 'client-key', user);
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  const token = str(user.token) ?? (str(user.tokenFile) ? (await material('', 'tokenFile', user))?.toString('utf8').trim() : undefined);
  if (token) tls.headers = { Authorization: `Bearer ${token}` };
  return { server, tls };
}

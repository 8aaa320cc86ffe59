// Discovery for join (kubeadm-join-spec.md §2.2-§2.4): find the cluster's CA and API server and
// decide to trust them. Token discovery reads kube-public/cluster-info anonymously without
// verifying TLS, checks its JWS signature with the token secret, pins the CA, then reads it
// again over TLS verified against that CA and requires the same bytes. File discovery takes a
// kubeconfig from a file or an https URL. The result becomes bootstrap-kubelet.conf.

import https from 'node:https';
import yaml from 'js-yaml';
import { HostError, UserError } from '../errors.js';
import type { Host } from '../host/host.js';
import { formatGoDuration } from '../config/duration.js';
import { BOOTSTRAP_TOKEN_PATTERN } from '../config/token.js';
import { parsePins, pinsOfBundle } from './ca-pins.js';
import { verifyDetachedJws } from './jws.js';

const CLUSTER_INFO_PATH = '/api/v1/namespaces/kube-public/configmaps/cluster-info';
/** kubeadm's client timeout for one request during discovery */
const REQUEST_MS = 10_000;
/** kubeadm polls cluster-info every 5 s */
export const DISCOVERY_INTERVAL_MS = 5_000;

export interface DiscoveredCluster {
  /** the cluster's `server` as cluster-info (or the discovery file) says it: where the kubelet will talk */
  server: string;
  /** the cluster CA, PEM (what ca.crt gets) */
  caPem: string;
  /** the credentials of the discovery file's user, if any (file discovery without a TLS bootstrap token) */
  fileUser?: Record<string, unknown>;
  /** the sha256 pins of the CA certificates found */
  caHashes: string[];
}

export interface TokenDiscoveryInput {
  /** HOST:PORT as the user typed it */
  endpoint: string;
  token: string;
  caCertHashes: readonly string[];
  timeoutMs: number;
  intervalMs?: number;
  /** progress lines */
  say: (msg: string) => void;
}

interface Answer {
  status: number;
  body: string;
}

function get(url: string, tls: https.RequestOptions, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { ...tls, method: 'GET', headers: { Accept: 'application/json', ...(tls.headers as Record<string, string> | undefined) }, timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000}s`), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end();
  });
}

const errorText = (e: unknown) => {
  const err = e as { code?: string; message?: string };
  return err.code && !String(err.message).includes(err.code) ? `${err.code}: ${err.message}` : String(err.message ?? e);
};

/** what one GET of cluster-info gave: the ConfigMap's data, or why not */
type Attempt = { ok: true; data: Record<string, string> } | { ok: false; why: string; status?: number };

async function readClusterInfo(server: string, tls: https.RequestOptions, timeoutMs: number): Promise<Attempt> {
  try {
    const a = await get(`${server}${CLUSTER_INFO_PATH}`, tls, Math.max(1, Math.min(REQUEST_MS, timeoutMs)));
    if (a.status === 200) return { ok: true, data: ((JSON.parse(a.body) as { data?: Record<string, string> }).data ?? {}) };
    let message = a.body.trim().slice(0, 300);
    try {
      message = (JSON.parse(a.body) as { message?: string }).message ?? message;
    } catch {
      // not a Status object
    }
    return { ok: false, status: a.status, why: `HTTP ${a.status}: ${message}` };
  } catch (e) {
    return { ok: false, why: errorText(e) };
  }
}

/**
 * Polls cluster-info (first try at once, then every interval) until `done` accepts what it read
 * or the deadline passes; returns the last attempt and how many there were.
 */
async function poll(server: string, tls: https.RequestOptions, o: { timeoutMs: number; intervalMs: number }, done: (a: Attempt) => boolean): Promise<{ last: Attempt; tries: number; ms: number }> {
  const start = Date.now();
  const end = start + o.timeoutMs;
  let tries = 0;
  for (;;) {
    tries++;
    const last = await readClusterInfo(server, tls, end - Date.now());
    if (done(last) || Date.now() + Math.min(o.intervalMs, o.timeoutMs) > end) return { last, tries, ms: Date.now() - start };
    await new Promise((r) => setTimeout(r, Math.min(o.intervalMs, Math.max(0, end - Date.now()))));
  }
}

/** the cluster of a kubeconfig: the unnamed one, else the current context's, else the only one */
export function kubeconfigCluster(text: string, what: string): { name: string; cluster: Record<string, unknown>; user?: Record<string, unknown> } {
  let kc: Record<string, unknown> | null;
  try {
    kc = yaml.load(text) as Record<string, unknown> | null;
  } catch (e) {
    throw new HostError('DISCOVERY_KUBECONFIG', `${what} is not a kubeconfig: ${(e as Error).message.split('\n')[0]}`, 'check where the kubeconfig comes from');
  }
  type Named = { name?: string; cluster?: Record<string, unknown>; context?: { cluster?: string; user?: string }; user?: Record<string, unknown> };
  const list = (k: string) => (Array.isArray(kc?.[k]) ? (kc![k] as Named[]) : []);
  const clusters = list('clusters');
  if (clusters.length === 0) throw new HostError('DISCOVERY_KUBECONFIG', `${what}: the provided kubeconfig file must have at least one Cluster defined`, 'use a kubeconfig with the cluster (server and certificate-authority-data), e.g. the one in ConfigMap kube-public/cluster-info');
  const ctx = list('contexts').find((c) => c.name === kc?.['current-context'])?.context;
  const found = clusters.find((c) => c.name === '') ?? clusters.find((c) => c.name === ctx?.cluster) ?? (clusters.length === 1 ? clusters[0] : undefined);
  if (!found?.cluster) throw new HostError('DISCOVERY_KUBECONFIG', `${what}: no current cluster (no unnamed cluster, and the current context names none)`, 'set current-context to a context that names the cluster');
  return { name: found.name ?? '', cluster: found.cluster, user: list('users').find((u) => u.name === ctx?.user)?.user };
}

function caOf(cluster: Record<string, unknown>, what: string): string {
  const data = cluster['certificate-authority-data'];
  if (typeof data !== 'string' || !data) throw new HostError('DISCOVERY_NO_CA', `${what} has no certificate-authority-data`, 'the cluster entry must embed the cluster CA');
  return Buffer.from(data, 'base64').toString('utf8');
}

/** Token discovery: a trusted cluster (server, CA) from cluster-info, or an error saying what is wrong and how to fix it. */
export async function discoverByToken(input: TokenDiscoveryInput): Promise<DiscoveredCluster> {
  const m = BOOTSTRAP_TOKEN_PATTERN.exec(input.token);
  if (!m) throw new UserError('JOIN_TOKEN', `the discovery token "${input.token}" is not of the form [a-z0-9]{6}.[a-z0-9]{16}`, 'give the token init printed');
  const [, id, secret] = m as unknown as [string, string, string];
  const pins = parsePins(input.caCertHashes);
  const server = `https://${input.endpoint}`;
  const o = { timeoutMs: input.timeoutMs, intervalMs: input.intervalMs ?? DISCOVERY_INTERVAL_MS };
  const key = `jws-kubeconfig-${id}`;
  const limit = formatGoDuration(input.timeoutMs);

  input.say(`[discovery] Reading ConfigMap kube-public/cluster-info from ${server} anonymously, TLS not yet verified (every ${o.intervalMs / 1000}s, up to ${limit})`);
  let toldWaiting = false;
  const first = await poll(server, { rejectUnauthorized: false }, o, (a) => {
    if (a.ok && a.data[key] === undefined && !toldWaiting) {
      toldWaiting = true;
      input.say(`[discovery] cluster-info has no signature for token ID "${id}" yet; waiting for it (the kube-controller-manager signs it for every valid token)`);
    }
    return a.ok && a.data[key] !== undefined;
  });
  const tried = `${first.tries} attempt${first.tries === 1 ? '' : 's'} over ${(first.ms / 1000).toFixed(1)}s (timeouts.discovery ${limit})`;
  if (!first.last.ok) {
    const st = first.last.status;
    const hint =
      st === 401 || st === 403
        ? 'cluster-info must be readable anonymously: on the control plane, "mini-kubeadm init phase bootstrap-token" makes Role/RoleBinding kube-public/kubeadm:bootstrap-signer-clusterinfo (and the API server needs --anonymous-auth=true)'
        : st === 404
          ? 'the API server has no ConfigMap kube-public/cluster-info: run "mini-kubeadm init phase bootstrap-token" on the control plane'
          : `is the control plane up and ${input.endpoint} its API server address (the one init printed)? Try from this node: curl -k ${server}/version. A control plane that needs longer to answer needs a longer timeouts.discovery (JoinConfiguration v1beta4)`;
    throw new HostError('DISCOVERY_FAILED', `could not read kube-public/cluster-info from ${server}: ${tried}; last error: ${first.last.why}`, hint);
  }
  const data = first.last.data;
  if (data[key] === undefined) {
    const signed = Object.keys(data).filter((k) => k.startsWith('jws-kubeconfig-')).map((k) => k.slice('jws-kubeconfig-'.length));
    if (signed.length === 0) {
      throw new HostError(
        'DISCOVERY_UNSIGNED',
        `could not find a JWS signature in the cluster-info ConfigMap for token ID "${id}": cluster-info carries no signature at all (${tried})`,
        'the kube-controller-manager\'s bootstrapsigner signs cluster-info: is kube-controller-manager running on the control plane with --controllers=*,bootstrapsigner,tokencleaner? (crictl ps | grep kube-controller-manager)',
      );
    }
    throw new UserError(
      'DISCOVERY_TOKEN_UNKNOWN',
      `could not find a JWS signature in the cluster-info ConfigMap for token ID "${id}": token id "${id}" is invalid for this cluster or it has expired (${tried})`,
      `make a new token on the control plane ("mini-kubeadm token create" or "kubeadm token create --print-join-command") and join with it; cluster-info is signed for ${signed.length} other token${signed.length === 1 ? '' : 's'}`,
    );
  }
  const kubeconfig = data.kubeconfig;
  if (!kubeconfig) throw new HostError('DISCOVERY_NO_KUBECONFIG', "there is no kubeconfig key in the cluster-info ConfigMap. This API Server isn't set up for token bootstrapping, can't connect", 'on the control plane, "mini-kubeadm init phase bootstrap-token" writes cluster-info');
  if (!data[key]) throw new UserError('DISCOVERY_TOKEN_UNKNOWN', `token id "${id}" is invalid for this cluster or it has expired. Use "kubeadm token create" on the control-plane node to create a new valid token`, 'make a new token on the control plane and join with it');
  if (!verifyDetachedJws(data[key]!, kubeconfig, id, secret)) {
    throw new UserError('DISCOVERY_JWS', "failed to verify JWS signature of received cluster info object, can't trust this API Server", `the token's secret does not match what the cluster signed with token ID "${id}": check the token (all 23 characters) against the one init printed or "kubeadm token list"`);
  }
  const { cluster } = kubeconfigCluster(kubeconfig, 'the kubeconfig in cluster-info');
  const caPem = caOf(cluster, 'the cluster in cluster-info');
  const found = pinsOfBundle(caPem);
  if (pins.length === 0) {
    input.say(`[discovery] Cluster info signature and contents are valid and no TLS pinning was specified, will use API Server "${input.endpoint}" (CA ${found.map((f) => f.pin).join(', ')})`);
    return { server: String(cluster.server ?? server), caPem, caHashes: found.map((f) => f.pin) };
  }
  if (!found.some((f) => pins.includes(f.pin))) {
    throw new UserError(
      'DISCOVERY_CA_PIN',
      `cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${found.map((f) => f.pin).join(', ')}" are pinned (expected ${pins.length === 1 ? pins[0] : `one of ${pins.join(', ')}`})`,
      `this is not the cluster the pin names, or the pin is mistyped: compare --discovery-token-ca-cert-hash with the line init printed; on the control plane: openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl pkey -pubin -outform der | sha256sum`,
    );
  }
  input.say(`[discovery] Cluster info signature and contents are valid and the CA is pinned (${found.find((f) => pins.includes(f.pin))!.pin}); reading cluster-info again over TLS verified with that CA`);
  const second = await poll(server, { ca: caPem }, o, (a) => a.ok);
  if (!second.last.ok) {
    throw new HostError(
      'DISCOVERY_TLS',
      `could not read cluster-info from ${server} over TLS verified with the pinned CA: ${second.last.why}`,
      `the API server's certificate must be signed by the cluster CA and name ${input.endpoint.replace(/:\d+$/, '')} (apiServer.certSANs on the control plane; join with the address init printed)`,
    );
  }
  if (second.last.data.kubeconfig !== kubeconfig) {
    throw new HostError('DISCOVERY_CHANGED', 'the second kubeconfig from the cluster-info ConfigMap (using validated TLS) was different from the first', 'cluster-info changed between the two reads (or something between this node and the API server changed it): run join again');
  }
  return { server: String(cluster.server ?? server), caPem, caHashes: found.map((f) => f.pin) };
}

export interface FileDiscoveryInput {
  /** a node path or an https:// URL */
  location: string;
  host: Pick<Host, 'readText'>;
  timeoutMs: number;
  intervalMs?: number;
  say: (msg: string) => void;
  warn: (msg: string) => void;
}

/** File discovery: the cluster of a kubeconfig file or an https URL, checked against the cluster's cluster-info. */
export async function discoverByFile(input: FileDiscoveryInput): Promise<DiscoveredCluster> {
  let text: string | undefined;
  if (input.location.startsWith('https://')) {
    let a: Answer;
    try {
      a = await get(input.location, {}, REQUEST_MS);
    } catch (e) {
      throw new HostError('DISCOVERY_FILE', `error trying to fetch discovery kubeconfig over HTTPS from URL ${input.location}: ${errorText(e)}`, 'check the URL (its server certificate must be trusted by this host)');
    }
    if (a.status !== 200) throw new HostError('DISCOVERY_FILE', `error trying to fetch discovery kubeconfig over HTTPS from URL ${input.location}, received status ${a.status}`, 'check the URL');
    text = a.body;
  } else {
    text = await input.host.readText(input.location);
    if (text === undefined) throw new UserError('DISCOVERY_FILE', `--discovery-file ${input.location}: no such file`, 'give the path of a kubeconfig with the cluster, or an https:// URL');
  }
  const { cluster, user } = kubeconfigCluster(text, `the discovery kubeconfig ${input.location}`);
  const server = String(cluster.server ?? '');
  if (!server.startsWith('https://')) throw new HostError('DISCOVERY_FILE', `the discovery kubeconfig ${input.location} names no https server for its cluster`, 'set clusters[].cluster.server to https://HOST:PORT');
  let caPem = typeof cluster['certificate-authority-data'] === 'string' ? caOf(cluster, `the discovery kubeconfig ${input.location}`) : undefined;
  if (!caPem && typeof cluster['certificate-authority'] === 'string') caPem = await input.host.readText(cluster['certificate-authority']);
  const tls: https.RequestOptions = caPem ? { ca: caPem } : {};
  const token = typeof user?.token === 'string' ? user.token : undefined;
  if (token) tls.headers = { Authorization: `Bearer ${token}` };
  input.say(`[discovery] Checking the discovery kubeconfig against ConfigMap kube-public/cluster-info at ${server} (TLS verified)`);
  const got = await poll(server, tls, { timeoutMs: input.timeoutMs, intervalMs: input.intervalMs ?? DISCOVERY_INTERVAL_MS }, (a) => a.ok || a.status === 403);
  if (!got.last.ok && got.last.status === 403) input.warn(`[discovery] Could not access the cluster-info ConfigMap for refreshing the cluster-info information, but the TLS cert is valid so proceeding...`);
  else if (!got.last.ok) throw new HostError('DISCOVERY_FAILED', `Abort reading the cluster-info ConfigMap after timeout of ${formatGoDuration(input.timeoutMs)}: ${got.last.why}`, `is the API server ${server} up, and does the discovery file's CA sign its certificate?`);
  else if (got.last.data.kubeconfig) {
    const info = kubeconfigCluster(got.last.data.kubeconfig, 'the kubeconfig in cluster-info').cluster;
    if (info.server !== server) input.warn(`[discovery] the API Server in cluster-info (${String(info.server)}) differs from the discovery file's (${server}); using the discovery file's`);
    if (!caPem) caPem = caOf(info, 'the cluster in cluster-info');
  }
  if (!caPem) throw new HostError('DISCOVERY_NO_CA', `neither the discovery kubeconfig ${input.location} nor cluster-info gave the cluster CA`, 'embed certificate-authority-data in the discovery kubeconfig');
  return { server, caPem, caHashes: pinsOfBundle(caPem).map((p) => p.pin), ...(user && Object.keys(user).length ? { fileUser: user } : {}) };
}

/**
 * bootstrap-kubelet.conf as kubeadm writes it (§3.5 step 3): the cluster under the cluster's
 * name, user tls-bootstrap-token-user with the TLS bootstrap token (or the discovery file's
 * credentials), context tls-bootstrap-token-user@kubernetes.
 */
export function bootstrapKubeconfig(c: { server: string; caPem: string; clusterName: string; token?: string; fileUser?: Record<string, unknown>; preferences: boolean }): string {
  const userName = 'tls-bootstrap-token-user';
  const context = `${userName}@kubernetes`;
  const doc = {
    apiVersion: 'v1',
    clusters: [{ cluster: { 'certificate-authority-data': Buffer.from(c.caPem).toString('base64'), server: c.server }, name: c.clusterName }],
    contexts: [{ context: { cluster: c.clusterName, user: userName }, name: context }],
    'current-context': context,
    kind: 'Config',
    ...(c.preferences ? { preferences: {} } : {}),
    users: [{ name: userName, user: c.token ? { token: c.token } : (c.fileUser ?? {}) }],
  };
  return yaml.dump(doc, { sortKeys: true, lineWidth: -1, noRefs: true, noArrayIndent: true });
}

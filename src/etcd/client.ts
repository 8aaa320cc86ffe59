// A small etcd v3 client for what a stacked control plane needs (member list, add as learner,
// promote, remove, status): etcd's own JSON gateway on its client port, over TLS with the etcd
// CA and a client certificate (kubeadm uses etcd/healthcheck-client), tried on each endpoint in
// turn. Member IDs are uint64s, kept as the decimal strings the gateway gives.

import https from 'node:https';

export interface EtcdTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export interface EtcdMember {
  /** decimal uint64, as the gateway writes it */
  id: string;
  /** empty until the member has started */
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface EtcdStatus {
  endpoint: string;
  version: string;
  leader: string;
  memberId: string;
  isLearner: boolean;
}

/** An answer etcd gave with an error (e.g. "etcdserver: Peer URLs already exists"), as opposed to no answer. */
export class EtcdApiError extends Error {
  constructor(
    readonly endpoint: string,
    readonly status: number,
    readonly etcdMessage: string,
    /** the gateway path asked, e.g. /v3/cluster/member/add */
    readonly path = '',
  ) {
    super(`etcd at ${endpoint}${path ? ` (${path.replace(/^\/v3\//, '')})` : ''}: ${etcdMessage} (HTTP ${status})`);
  }
}

interface RawMember {
  ID?: string;
  name?: string;
  peerURLs?: string[];
  clientURLs?: string[];
  isLearner?: boolean;
}

const member = (m: RawMember): EtcdMember => ({ id: String(m.ID ?? '0'), name: m.name ?? '', peerURLs: m.peerURLs ?? [], clientURLs: m.clientURLs ?? [], isLearner: m.isLearner === true });

/** One POST to one endpoint; rejects with EtcdApiError when etcd answers with an error, Error when it does not answer. */
export function etcdCall(endpoint: string, tls: EtcdTls, path: string, body: unknown, timeoutMs = 2000): Promise<Record<string, unknown>> {
  const u = new URL(path, endpoint);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      u,
      { method: 'POST', ca: tls.ca, cert: tls.cert, key: tls.key, timeout: timeoutMs, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let json: Record<string, unknown> = {};
          try {
            json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            json = { message: text.trim() };
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(json);
          else reject(new EtcdApiError(endpoint, status, String(json.message ?? json.error ?? text.trim()), path));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => reject(new Error(`etcd at ${endpoint}: ${e.message}`)));
    req.end(data);
  });
}

export class EtcdClient {
  constructor(
    /** client URLs, e.g. https://10.0.0.1:2379 */
    readonly endpoints: string[],
    private readonly tls: EtcdTls,
    private readonly timeoutMs = 2000,
  ) {}

  /** the same TLS identity at other endpoints (e.g. to ask one member whether it answers) */
  at(endpoints: string[]): EtcdClient {
    return new EtcdClient(endpoints, this.tls, this.timeoutMs);
  }

  /** the first endpoint's answer; an etcd error is final, a missing answer tries the next endpoint */
  private async call(path: string, body: unknown): Promise<Record<string, unknown>> {
    const failures: string[] = [];
    for (const ep of this.endpoints) {
      try {
        return await etcdCall(ep, this.tls, path, body, this.timeoutMs);
      } catch (e) {
        if (e instanceof EtcdApiError) throw e;
        failures.push(e instanceof Error ? e.message : String(e));
      }
    }
    throw new Error(`no etcd endpoint answered: ${failures.join('; ') || 'no endpoints'}`);
  }

  async members(): Promise<EtcdMember[]> {
    const r = await this.call('/v3/cluster/member/list', { linearizable: true });
    return ((r.members as RawMember[] | undefined) ?? []).map(member);
  }

  /** adds a member (a learner unless told otherwise); returns it and the members etcd now lists */
  async add(peerURL: string, learner = true): Promise<{ added: EtcdMember; members: EtcdMember[] }> {
    const r = await this.call('/v3/cluster/member/add', { peerURLs: [peerURL], isLearner: learner });
    return { added: member((r.member as RawMember | undefined) ?? {}), members: ((r.members as RawMember[] | undefined) ?? []).map(member) };
  }

  async promote(id: string): Promise<void> {
    await this.call('/v3/cluster/member/promote', { ID: id });
  }

  async remove(id: string): Promise<void> {
    await this.call('/v3/cluster/member/remove', { ID: id });
  }

  /** each endpoint's status, or the reason it gave none */
  async statuses(): Promise<(EtcdStatus | { endpoint: string; error: string })[]> {
    return Promise.all(
      this.endpoints.map(async (endpoint) => {
        try {
          const r = await etcdCall(endpoint, this.tls, '/v3/maintenance/status', {}, this.timeoutMs);
          const header = (r.header ?? {}) as { member_id?: string };
          return { endpoint, version: String(r.version ?? ''), leader: String(r.leader ?? '0'), memberId: String(header.member_id ?? '0'), isLearner: r.isLearner === true };
        } catch (e) {
          return { endpoint, error: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
  }
}

/** A member's id, as etcdctl prints it (hex). */
export function memberHex(id: string): string {
  return BigInt(id).toString(16);
}

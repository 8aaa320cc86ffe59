// What a stacked control plane does with the etcd cluster, as kubeadm does it: announce this
// node as a learner (or find it already announced: a join run again), the --initial-cluster its
// etcd starts with, the promotion once it has started, the quorum check, and the removal at
// reset; plus what kubeadm lacks: finding a stale member a dead node of the same name left.

import { EtcdApiError, memberHex, type EtcdClient, type EtcdMember } from './client.js';

/** https://ADDRESS:2380, IPv6 in brackets */
export function peerUrl(address: string, port = 2380): string {
  return `https://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** https://ADDRESS:2379, IPv6 in brackets */
export function clientUrl(address: string, port = 2379): string {
  return `https://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** etcd's --initial-cluster: every member as name=peerURL in the order etcd lists them; this node (no name yet) under `self`, others without a name under their hex id */
export function initialCluster(members: EtcdMember[], self: { name: string; peerURL: string }): string {
  return members
    .flatMap((m) => {
      const name = m.peerURLs.includes(self.peerURL) ? self.name : m.name || memberHex(m.id);
      return m.peerURLs.map((u) => `${name}=${u}`);
    })
    .join(',');
}

/** etcd's answers to an add of a peer URL it has (etcd derives the new ID from the URLs and the time, so a quick second add can meet the ID first) */
const ALREADY_ADDED = /peer ?urls? already exists|member id already exist/i;

/**
 * Announce this node's etcd as a new member (a learner), unless a member with its peer URL is
 * already there (a join run again after it was interrupted: kubeadm's re-list); etcd's "Peer URLs
 * already exists" (another join raced this one) also re-lists. Returns the members to start with.
 */
export async function announceMember(etcd: EtcdClient, peerURL: string, learner = true, timeoutMs = 60_000, everyMs = 500): Promise<{ members: EtcdMember[]; added: boolean }> {
  const before = await etcd.members();
  if (before.some((m) => m.peerURLs.includes(peerURL))) return { members: before, added: false };
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return { members: (await etcd.add(peerURL, learner)).members, added: true };
    } catch (e) {
      if (e instanceof EtcdApiError && ALREADY_ADDED.test(e.etcdMessage)) return { members: await etcd.members(), added: false };
      // etcd's strict reconfiguration check refuses an add until every member has been connected
      // for a few seconds (just after another member joined or was promoted): tried again, as kubeadm retries
      // etcd derives a new member's ID from its peer URLs and the current second, and never reuses
      // a removed ID: an add of the peer URL of a member removed within the same second (a stale
      // member just replaced) is refused as "member not found" (its ErrIDRemoved); the next second
      // gives another ID
      if (e instanceof EtcdApiError && /member not found/i.test(e.etcdMessage) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 50));
        continue;
      }
      if (!(e instanceof EtcdApiError && /unhealthy cluster/i.test(e.etcdMessage)) || Date.now() >= end) throw e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The member with this peer URL, if etcd lists one. */
export async function memberByPeer(etcd: EtcdClient, peerURL: string): Promise<EtcdMember | undefined> {
  return (await etcd.members()).find((m) => m.peerURLs.includes(peerURL));
}

/**
 * Promote this node's learner once it has started and caught up (etcd refuses until then),
 * trying every `everyMs` until `timeoutMs`; a member that already votes is done.
 */
export async function promoteWhenStarted(etcd: EtcdClient, peerURL: string, timeoutMs: number, everyMs = 500): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = 'the member was not listed';
  for (;;) {
    try {
      const m = await memberByPeer(etcd, peerURL);
      if (m && !m.isLearner) return;
      if (m && m.name) {
        await etcd.promote(m.id);
        return;
      }
      last = m ? 'the learner has not started yet' : `no member has peer URL ${peerURL}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    if (Date.now() >= end) throw new Error(`etcd did not promote the learner at ${peerURL} within ${Math.round(timeoutMs / 1000)}s: ${last}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** How many members answer: healthy when more than half do (kubeadm 1.36.1+ asks for a quorum, not all). */
export async function quorum(etcd: EtcdClient): Promise<{ healthy: boolean; answering: string[]; silent: string[] }> {
  const s = await etcd.statuses();
  const answering = s.filter((x) => !('error' in x)).map((x) => x.endpoint);
  const silent = s.filter((x) => 'error' in x).map((x) => `${x.endpoint} (${(x as { error: string }).error})`);
  return { healthy: answering.length > s.length / 2, answering, silent };
}

/**
 * A member a node of this name left behind: named like this node but with another peer URL, or
 * with this node's peer URL (a node that died without a reset and came back wiped). Such a
 * member keeps a join from finishing (kubeadm: "Peer URLs already exists", or an etcd that
 * refuses to start); `join --replace-stale-member` removes it.
 */
export function staleMembers(members: EtcdMember[], self: { name: string; peerURL: string }): EtcdMember[] {
  return members.filter((m) => (m.name !== '' && m.name === self.name) || m.peerURLs.includes(self.peerURL));
}

/**
 * Remove a member by id. etcd refuses while the members have not all been connected for a few
 * seconds ("unhealthy cluster": its strict reconfiguration check, e.g. just after a promotion),
 * so that answer is tried again every `everyMs` up to `timeoutMs`, as kubeadm retries it; "member
 * not found" means it is already gone (false).
 */
export async function removeMemberId(etcd: EtcdClient, id: string, timeoutMs = 60_000, everyMs = 500): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await etcd.remove(id);
      return true;
    } catch (e) {
      if (e instanceof EtcdApiError && /member not found/i.test(e.etcdMessage)) return false;
      // the member that answered was the one removed (reset asks this node's own etcd first):
      // it stops at once and says "server stopped" for the removal it made; the others tell
      // (they may apply the removal a moment after it did: asked again for up to 5 s)
      if (e instanceof EtcdApiError && /server stopped/i.test(e.etcdMessage)) {
        const others = etcd.at(etcd.endpoints.filter((ep) => ep !== e.endpoint));
        const askUntil = Math.min(end, Date.now() + 5000);
        for (;;) {
          const still = others.endpoints.length ? await others.members().catch(() => undefined) : undefined;
          if (still && !still.some((m) => m.id === id)) return true;
          if (!still || Date.now() >= askUntil) break;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      if (!(e instanceof EtcdApiError && /unhealthy cluster/i.test(e.etcdMessage)) || Date.now() >= end) throw e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Remove the member with this peer URL, if etcd lists one; true when one was removed. */
export async function removeMember(etcd: EtcdClient, peerURL: string, timeoutMs?: number): Promise<boolean> {
  const m = await memberByPeer(etcd, peerURL);
  return m ? removeMemberId(etcd, m.id, timeoutMs) : false;
}

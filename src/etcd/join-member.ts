// A control-plane join's etcd member, as kubeadm announces it (§4.4) plus what kubeadm's users
// trip over (issue 14 item 5): a member this node already announced (a join run again after an
// interruption) is reused; a member a dead node of the same name left behind (it died without
// "reset" and came back wiped) is named plainly and, only when asked, removed first; a member of
// that name that still answers is another live node and is never touched.

import { UserError } from '../errors.js';
import { memberHex, type EtcdClient, type EtcdMember } from './client.js';
import { announceMember, removeMemberId, staleMembers } from './members.js';

export interface JoinMemberInput {
  etcd: EtcdClient;
  self: { name: string; peerURL: string };
  /** this node's etcd data dir already holds a member (its etcd ran: a join run again) */
  hasLocalData: boolean;
  /** join --replace-stale-member */
  replaceStale: boolean;
  learner: boolean;
  say: (m: string) => void;
  dryRun: boolean;
  /** how long etcd's "unhealthy cluster" answer to a remove or an add is tried again (timeouts.etcdAPICall) */
  etcdCallTimeoutMs?: number;
}

const describe = (m: EtcdMember) => `${memberHex(m.id)} (name ${m.name ? `"${m.name}"` : '<not started>'}, peer ${m.peerURLs.join(',')}${m.isLearner ? ', learner' : ''})`;

/** Is this member the one an earlier, interrupted run of this join announced for this node? */
function announcedByThisNode(m: EtcdMember, self: JoinMemberInput['self'], hasLocalData: boolean): boolean {
  return m.peerURLs.includes(self.peerURL) && (m.name === '' || (m.name === self.name && hasLocalData));
}

/** Whether a member answers at any of its client URLs (a live etcd, whatever its node says). */
async function answers(etcd: EtcdClient, m: EtcdMember): Promise<boolean> {
  if (m.clientURLs.length === 0) return false;
  const s = await etcd.at(m.clientURLs).statuses();
  return s.some((x) => !('error' in x));
}

/** Stale members handled, then this node announced; returns the members its etcd starts with. */
export async function joinEtcdMember(i: JoinMemberInput): Promise<{ members: EtcdMember[]; added: boolean; removed: EtcdMember[] }> {
  const members = await i.etcd.members();
  const removed: EtcdMember[] = [];
  for (const m of staleMembers(members, i.self)) {
    if (announcedByThisNode(m, i.self, i.hasLocalData)) {
      i.say(`[etcd] this node's member ${describe(m)} is already announced (an earlier run of this join): reusing it`);
      continue;
    }
    if (await answers(i.etcd, m)) {
      throw new UserError(
        'ETCD_MEMBER_NAME_IN_USE',
        `etcd member ${describe(m)} answers at ${m.clientURLs.join(',')}: a live control plane already uses the name "${i.self.name}" or this node's peer URL ${i.self.peerURL}`,
        'give this node another name (--node-name) or address (--apiserver-advertise-address); a healthy member is never removed by join',
      );
    }
    const others = members.length - 1;
    if (!i.replaceStale) {
      throw new UserError(
        'ETCD_STALE_MEMBER',
        `etcd still lists member ${describe(m)}, left by an earlier node named "${i.self.name}" that was not reset (it does not answer); this node's etcd cannot join while it is listed`,
        `run this join again with --replace-stale-member to remove that member first (the other ${others} member${others === 1 ? '' : 's'} are left alone), or on a control plane: etcdctl member remove ${memberHex(m.id)}; delete the old Node too if it is still listed: kubectl delete node ${i.self.name}`,
      );
    }
    if (i.dryRun) {
      i.say(`[etcd] would remove the stale member ${describe(m)} (--replace-stale-member)`);
      continue;
    }
    await removeMemberId(i.etcd, m.id, i.etcdCallTimeoutMs);
    removed.push(m);
    i.say(`[etcd] removed the stale member ${describe(m)} (--replace-stale-member); ${others} member${others === 1 ? '' : 's'} remain`);
  }
  if (i.dryRun) {
    i.say(`[etcd] would announce a new etcd member at ${i.self.peerURL}${i.learner ? ' as a learner' : ''}`);
    return { members: await i.etcd.members(), added: false, removed };
  }
  const r = await announceMember(i.etcd, i.self.peerURL, i.learner, i.etcdCallTimeoutMs);
  return { ...r, removed };
}

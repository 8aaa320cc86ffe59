// reset's removal of this node's member from a stacked etcd cluster (kubeadm's
// remove-etcd-member): what this node's etcd is and who its peers are come from its static pod
// manifest (--initial-advertise-peer-urls, --initial-cluster, the CA file), the client
// certificate is etcd/healthcheck-client beside that CA, as kubeadm's etcd client has it. A
// one-member etcd has no cluster to leave; a failure is a warning, as in kubeadm.

import path from 'node:path';
import type { Host } from '../host/host.js';
import type { ResetStep } from './steps.js';
import { errorText } from './steps.js';

export interface EtcdMemberEnv {
  host: Host;
  /** /etc/kubernetes/manifests/etcd.yaml */
  manifest: string;
}

/** the --NAME=VALUE flags of the etcd container's command */
export async function etcdManifestFlags(host: Host, manifest: string): Promise<Map<string, string> | undefined> {
  const text = await host.readText(manifest);
  if (text === undefined) return undefined;
  const { load } = await import('js-yaml');
  let pod: unknown;
  try {
    pod = load(text);
  } catch {
    return undefined;
  }
  const command = (pod as { spec?: { containers?: { command?: unknown[] }[] } } | null)?.spec?.containers?.[0]?.command ?? [];
  const flags = new Map<string, string>();
  for (const c of command) {
    const m = /^--([^=]+)=(.*)$/.exec(String(c));
    if (m) flags.set(m[1]!, m[2]!);
  }
  return flags;
}

/** peer URL -> client URL on the same host, as kubeadm's members have them (2380 -> 2379) */
const clientOf = (peer: string) => peer.replace(/:2380$/, ':2379');

export const etcdMemberStep: ResetStep<EtcdMemberEnv> = {
  name: 'etcd-member',
  removes: "this node's etcd member",
  async run({ host, manifest }, log) {
    const flags = await etcdManifestFlags(host, manifest);
    const self = flags?.get('initial-advertise-peer-urls')?.split(',')[0];
    const caFile = flags?.get('trusted-ca-file');
    if (!flags || !self || !caFile) return;
    const peers = (flags.get('initial-cluster') ?? '').split(',').map((p) => p.slice(p.indexOf('=') + 1)).filter((p) => p && p !== self);
    const own = flags.get('advertise-client-urls')?.split(',')[0];
    const endpoints = [...(own ? [own] : []), ...peers.map(clientOf)];
    const dir = path.posix.dirname(caFile);
    const [ca, cert, key] = await Promise.all([caFile, `${dir}/healthcheck-client.crt`, `${dir}/healthcheck-client.key`].map((f) => host.readFile(f)));
    if (!ca || !cert || !key) {
      log.warn(`cannot reach etcd to remove this node's member: ${caFile} or ${dir}/healthcheck-client.{crt,key} is missing; if other control planes remain, remove it there: etcdctl member remove <id>`);
      return;
    }
    const { EtcdClient, memberHex } = await import('../etcd/client.js');
    const etcd = new EtcdClient(endpoints, { ca, cert, key });
    try {
      const members = await etcd.members();
      const mine = members.find((m) => m.peerURLs.includes(self));
      if (!mine) {
        log.note(`etcd lists no member with peer URL ${self}: nothing to remove (${members.length} members remain)`);
        return;
      }
      if (members.length === 1) {
        log.note("local etcd: its only member is this node's, so there is no member to remove from an etcd cluster");
        return;
      }
      if (host.dryRun) {
        log.note(`would remove etcd member ${memberHex(mine.id)} (${mine.name || self}) from the ${members.length}-member cluster`);
        return;
      }
      const { removeMemberId } = await import('../etcd/members.js');
      await removeMemberId(etcd, mine.id);
      log.removed(`etcd member ${memberHex(mine.id)} (${mine.name || self}); ${members.length - 1} members remain`);
    } catch (e) {
      log.warn(`failed to remove etcd member ${self}: ${errorText(e)}; please remove it by hand on another control plane: etcdctl member list, then etcdctl member remove <id>`);
    }
  },
};

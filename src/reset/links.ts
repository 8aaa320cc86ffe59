// Network interfaces and network namespaces the pod network leaves on a node, read with `ip`
// and removed by name: only the names in the tables below, never anything else.

import type { Host } from '../host/host.js';
import { errorText, type StepLog } from './steps.js';

/** interfaces the cluster creates: the CNI bridge, flannel's VXLAN devices, kube-proxy's IPVS dummy */
export const CLUSTER_LINKS: readonly { name: string; owner: string }[] = [
  { name: 'cni0', owner: 'the bridge CNI plugin' },
  { name: 'flannel.1', owner: 'flannel (VXLAN, IPv4)' },
  { name: 'flannel-v6.1', owner: 'flannel (VXLAN, IPv6)' },
  { name: 'kube-ipvs0', owner: 'kube-proxy (IPVS mode)' },
];

/** pod network namespaces made by the container runtime for CNI */
export const POD_NETNS_PREFIX = 'cni-';

/** interface names from `ip -o link show` ("3: flannel.1: <...>", "5: veth1@if2: <...>") */
export function parseLinkNames(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\d+:\s+([^:\s]+?)(@[^:\s]+)?:/.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}

/** namespace names from `ip netns list` ("cni-1234 (id: 0)") */
export function parseNetnsNames(text: string): string[] {
  return text.split('\n').map((l) => l.trim().split(' ')[0] ?? '').filter((n) => n !== '');
}

async function ip(host: Host, args: string[]): Promise<string> {
  const r = await host.run('ip', args);
  if (r.exitCode !== 0) throw new Error(`ip ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

export async function deleteClusterLinks(host: Host, log: StepLog): Promise<void> {
  const present = new Set(parseLinkNames(await ip(host, ['-o', 'link', 'show'])));
  const ours = CLUSTER_LINKS.filter((l) => present.has(l.name));
  if (ours.length === 0) return log.note(`none of ${CLUSTER_LINKS.map((l) => l.name).join(', ')} exists`);
  for (const l of ours) {
    try {
      await ip(host, ['link', 'delete', l.name]);
      log.removed(`interface ${l.name} (${l.owner})`);
    } catch (e) {
      log.left(`interface ${l.name}`, errorText(e));
    }
  }
}

export async function deletePodNetns(host: Host, log: StepLog): Promise<void> {
  const ours = parseNetnsNames(await ip(host, ['netns', 'list'])).filter((n) => n.startsWith(POD_NETNS_PREFIX));
  if (ours.length === 0) return log.note(`no ${POD_NETNS_PREFIX}* network namespaces`);
  for (const n of ours) {
    try {
      await ip(host, ['netns', 'delete', n]);
      log.removed(`network namespace ${n}`);
    } catch (e) {
      log.left(`network namespace ${n}`, errorText(e));
    }
  }
}

/** kube-proxy's IPVS virtual services: cleared only when ipvsadm is there to see them */
export async function clearIpvs(host: Host, log: StepLog): Promise<void> {
  if (!(await host.which('ipvsadm'))) return log.note('ipvsadm is not installed: IPVS state (kube-proxy ipvs mode) not checked');
  const saved = await host.run('ipvsadm', ['--save', '-n']);
  if (saved.exitCode !== 0) return log.note(`IPVS is not available here (${(saved.stderr || saved.stdout).trim().split('\n')[0] ?? ''}): nothing to clear`);
  const services = saved.stdout.split('\n').filter((l) => l.startsWith('-A ')).length;
  if (services === 0) return log.note('no IPVS virtual services');
  const r = await host.run('ipvsadm', ['--clear']);
  if (r.exitCode !== 0) throw new Error(`ipvsadm --clear failed: ${(r.stderr || r.stdout).trim()}`);
  log.removed(`IPVS state (${services} virtual service${services === 1 ? '' : 's'})`);
}

// cleanup-network for real, inside a throwaway network namespace: the cluster's iptables
// chains (IPv4 and IPv6, legacy and nft backends) go with the rules that jump to them and
// every other rule stays; cni0, flannel.1 and kube-ipvs0 go and other links stay; cni-*
// namespaces go. The host's own namespace and tables are only read, to show they did not change.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp-host.js';
import { cliInNetns, inNetns, makeNetns } from '../helpers/netns.js';

interface Variant {
  name: string;
  cmd: string;
  save: string;
  podNet: string;
  otherNet: string;
}

const VARIANTS: Variant[] = [
  { name: 'IPv4 legacy', cmd: 'iptables-legacy', save: 'iptables-legacy-save', podNet: '10.244.0.0/16', otherNet: '192.168.0.0/16' },
  { name: 'IPv4 nft', cmd: 'iptables-nft', save: 'iptables-nft-save', podNet: '10.244.0.0/16', otherNet: '192.168.0.0/16' },
  { name: 'IPv6 legacy', cmd: 'ip6tables-legacy', save: 'ip6tables-legacy-save', podNet: 'fd00:10:244::/56', otherNet: 'fd00:1::/64' },
  { name: 'IPv6 nft', cmd: 'ip6tables-nft', save: 'ip6tables-nft-save', podNet: 'fd00:10:244::/56', otherNet: 'fd00:1::/64' },
];

/** what kube-proxy, the kubelet, the bridge plugin and flannel add, then a user's own chain and rules */
function rules(v: Variant): string[] {
  const ours = [
    '-t nat -N KUBE-SERVICES', '-t nat -N KUBE-POSTROUTING', '-t nat -N KUBE-SVC-ERIFXISQEP7F7OF4', '-t nat -N CNI-3f2a9c0d1e',
    '-t nat -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-t nat -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-t nat -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    `-t nat -A POSTROUTING -s ${v.podNet} -m comment --comment "name: \\"cbr0\\" id: \\"3f2a9c0d1e\\"" -j CNI-3f2a9c0d1e`,
    '-t nat -A KUBE-SERVICES -p tcp --dport 53 -j KUBE-SVC-ERIFXISQEP7F7OF4',
    '-t nat -A KUBE-POSTROUTING -j MASQUERADE',
    `-t nat -A CNI-3f2a9c0d1e -d ${v.podNet} -j ACCEPT`,
    '-t filter -N KUBE-FIREWALL', '-t filter -A INPUT -j KUBE-FIREWALL',
    '-t filter -N FLANNEL-FWD', `-t filter -A FLANNEL-FWD -s ${v.podNet} -j ACCEPT`,
    '-t filter -A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD',
  ];
  const theirs = [
    '-t filter -N MY-CHAIN', '-t filter -A MY-CHAIN -j ACCEPT', '-t filter -A INPUT -p tcp --dport 22 -j MY-CHAIN',
    `-t nat -A POSTROUTING -s ${v.otherNet} -j MASQUERADE`, '-t filter -A FORWARD -i eth9 -j DROP',
  ];
  // loaded with one iptables-restore per variant (as kube-proxy itself writes its rules)
  const byTable = (table: string) => [...ours, ...theirs].filter((r) => r.startsWith(`-t ${table} `)).map((r) => r.slice(`-t ${table} `.length));
  return [`${v.cmd}-restore --noflush <<'EOF'`, '*nat', ...byTable('nat'), 'COMMIT', '*filter', ...byTable('filter'), 'COMMIT', 'EOF'];
}

const CLUSTER = /(^:|-[jg] |^-A )(KUBE-|CNI-|FLANNEL)/;

/** save output without comments and counters, one line each */
function lines(save: string): string[] {
  return save.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.replace(/ \[\d+:\d+\]$/, ''));
}

/** every variant's rules and the links, read in one go inside the namespace */
async function state(ns: string): Promise<{ tables: Map<string, string[]>; links: string[] }> {
  const script = [...VARIANTS.map((v) => `echo "@@${v.name}"; ${v.save} 2>/dev/null`), 'echo "@@links"; ip -o link show'].join('\n');
  const r = await inNetns(ns, script);
  assert.equal(r.code, 0, r.stderr);
  const parts = new Map<string, string>();
  for (const chunk of r.stdout.split('@@').slice(1)) parts.set(chunk.slice(0, chunk.indexOf('\n')), chunk.slice(chunk.indexOf('\n') + 1));
  const tables = new Map(VARIANTS.map((v) => [v.name, lines(parts.get(v.name) ?? '')]));
  const links = (parts.get('links') ?? '').split('\n').map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1]).filter((n): n is string => !!n).sort();
  return { tables, links };
}

/** the host's own tables, read only: they must read the same after the test */
function hostTables(): string {
  const out: string[] = [];
  for (const v of VARIANTS) {
    try {
      out.push(lines(execFileSync(v.save, [], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).join('\n'));
    } catch {
      out.push(`${v.save}: unreadable`);
    }
  }
  return out.join('\n');
}

function fakeCniFiles(root: string): void {
  const files: Record<string, string> = {
    'etc/cni/net.d/10-flannel.conflist': '{"name":"cbr0","plugins":[{"type":"flannel"},{"type":"portmap"}]}',
    'etc/cni/net.d/99-loopback.conf': '{"cniVersion":"1.0.0","name":"lo","type":"loopback"}',
    'var/lib/cni/networks/cbr0/last_reserved_ip.0': '10.244.0.7',
  };
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
}

test('cleanup-network removes the cluster\'s chains, links and namespaces in a netns, and nothing else', async (t) => {
  const hostBefore = hostTables();
  const ns = makeNetns(t);
  const root = tmpDir(t, 'mk-reset-net-');
  fakeCniFiles(root);

  const setup = [
    ...VARIANTS.flatMap(rules),
    'ip link add cni0 type bridge',
    'ip link add flannel.1 type vxlan id 1 dstport 8472 nolearning 2>/dev/null || ip link add flannel.1 type veth peer name mk-peer0',
    'ip link add kube-ipvs0 type dummy 2>/dev/null || ip link add kube-ipvs0 type bridge',
    'ip link add mk-keep0 type bridge',
  ].join('\n');
  const s = await inNetns(ns, setup);
  assert.equal(s.code, 0, s.stderr);

  const { tables: before, links: linksBefore } = await state(ns);
  for (const v of VARIANTS) assert.ok(before.get(v.name)!.some((x) => CLUSTER.test(x)), `${v.name}: the setup made cluster chains`);

  // --dry-run first: a plan, and nothing changed
  const dry = await cliInNetns(ns, ['reset', 'phase', 'cleanup-network', '--dry-run', '--rootfs', root], { before: 'ip netns add cni-0a1b2c3d', after: 'ip netns list' });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /Would remove \(14\):\n  - network namespace cni-0a1b2c3d /);
  assert.match(dry.stdout, /  - interface flannel\.1 /);
  assert.match(dry.stdout, /  - ip6tables \(nft\) table nat: chains CNI-3f2a9c0d1e, KUBE-POSTROUTING, KUBE-SERVICES, KUBE-SVC-ERIFXISQEP7F7OF4, and 4 rules jumping to them from PREROUTING, OUTPUT, POSTROUTING /);
  assert.match(dry.stdout.split('@@after')[1]!, /cni-0a1b2c3d/, 'the namespace is still there after the dry run');
  const afterDry = await state(ns);
  for (const v of VARIANTS) assert.deepEqual(afterDry.tables.get(v.name), before.get(v.name), `${v.name}: a dry run changes no rule`);
  assert.deepEqual(afterDry.links, linksBefore);
  assert.deepEqual(readdirSync(path.join(root, 'etc/cni/net.d')).sort(), ['10-flannel.conflist', '99-loopback.conf']);

  const real = await cliInNetns(ns, ['reset', 'phase', 'cleanup-network', '--force', '--rootfs', root], {
    before: 'ip netns add cni-0a1b2c3d; ip netns add mk-other-ns',
    after: 'ip netns list',
  });
  assert.equal(real.code, 0, `${real.stdout}\n${real.stderr}`);
  assert.deepEqual(real.stdout.split('@@after')[1]!.trim().split('\n').map((l) => l.split(' ')[0]), ['mk-other-ns'], 'only the cni-* namespace went');

  const afterReal = await state(ns);
  for (const v of VARIANTS) {
    const after = afterReal.tables.get(v.name)!;
    assert.deepEqual(after, before.get(v.name)!.filter((l) => !CLUSTER.test(l)), `${v.name}: exactly the cluster's chains and the jumps to them are gone`);
    assert.ok(after.includes('-A INPUT -p tcp -m tcp --dport 22 -j MY-CHAIN'), `${v.name}: the user's rule stays`);
  }
  assert.deepEqual(afterReal.links, linksBefore.filter((n) => !['cni0', 'flannel.1', 'kube-ipvs0', 'mk-peer0'].includes(n)));
  assert.ok(afterReal.links.includes('mk-keep0'));
  assert.deepEqual(readdirSync(path.join(root, 'etc/cni/net.d')), ['99-loopback.conf'], 'only the flannel config went');
  assert.deepEqual(readdirSync(path.join(root, 'var/lib')), [], '/var/lib/cni went');

  const again = await cliInNetns(ns, ['reset', 'phase', 'cleanup-network', '--force', '--rootfs', root]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Nothing to remove/);

  assert.equal(hostTables(), hostBefore, 'the host\'s own tables are as they were');
});

// What kubeadm finds out about the node itself: its host name, the address of the interface
// that carries the default route, and the container runtime's socket. All of it is read
// through the Host (files under /proc and the socket paths), so --rootfs and tests with a fake
// /proc see the same logic. Interface addresses come from /proc/net/fib_trie (IPv4) and
// /proc/net/if_inet6 (IPv6) instead of a syscall, so no new Host method is needed.

import { hostname as osHostname } from 'node:os';
import type { Host } from '../host/host.js';
import { cidrContains, formatIp, isLoopback, type Cidr, type Ip } from './cidr.js';

/** kubeadm's known CRI endpoints, in its order */
export const CRI_SOCKETS: readonly { runtime: string; socket: string }[] = [
  { runtime: 'containerd', socket: 'unix:///var/run/containerd/containerd.sock' },
  { runtime: 'CRI-O', socket: 'unix:///var/run/crio/crio.sock' },
  { runtime: 'cri-dockerd', socket: 'unix:///var/run/cri-dockerd.sock' },
];
export const DEFAULT_CRI_SOCKET = CRI_SOCKETS[0]!.socket;

export type Detected<T> = { ok: true; value: T; how: string } | { ok: false; why: string };

/** the host name, lower-cased (Go's os.Hostname reads this file, then falls back to uname) */
export async function detectNodeName(host: Host): Promise<Detected<string>> {
  const text = (await host.readText('/proc/sys/kernel/hostname'))?.trim() || osHostname().trim();
  if (!text) return { ok: false, why: 'the host name is empty' };
  return { ok: true, value: text.toLowerCase(), how: 'the host name' };
}

/** the container runtime socket: exactly one known socket present, or containerd's when none is */
export async function detectCriSocket(host: Host): Promise<Detected<string> & { found?: string[] }> {
  const found: string[] = [];
  for (const { socket } of CRI_SOCKETS) {
    const p = socket.replace(/^unix:\/\//, '');
    // /var/run is a symlink to /run on most systems; under --rootfs an absolute symlink would
    // point outside the root, so look at both spellings
    const candidates = [p, p.replace(/^\/var\/run\//, '/run/')];
    for (const c of candidates) {
      const st = await host.stat(c);
      if (st && !st.isDirectory) {
        found.push(socket);
        break;
      }
    }
  }
  if (found.length > 1) return { ok: false, why: `found several CRI endpoints on the host: ${found.join(', ')}`, found };
  if (found.length === 1) return { ok: true, value: found[0]!, how: 'the only CRI socket present' };
  return { ok: true, value: DEFAULT_CRI_SOCKET, how: 'no CRI socket found; containerd\'s default' };
}

interface Route {
  iface: string;
  destination: bigint;
  mask: bigint;
  flags: number;
  metric: number;
}

const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;

/** /proc/net/route: hex fields in host (little-endian) byte order */
export function parseRouteTable(text: string): Route[] {
  const routes: Route[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    routes.push({
      iface: f[0]!,
      destination: leHex(f[1]!),
      flags: parseInt(f[3]!, 16),
      metric: Number(f[6]),
      mask: leHex(f[7]!),
    });
  }
  return routes;
}

/** the local (host) IPv4 addresses listed in /proc/net/fib_trie */
export function parseLocalIPv4(fibTrie: string): bigint[] {
  const out = new Set<bigint>();
  let current: string | undefined;
  for (const line of fibTrie.split('\n')) {
    const leaf = /\|--\s+(\d+\.\d+\.\d+\.\d+)/.exec(line);
    if (leaf) {
      current = leaf[1];
      continue;
    }
    if (current && /^\s*\/32 host LOCAL/.test(line)) out.add(current.split('.').reduce((a, o) => (a << 8n) + BigInt(Number(o)), 0n));
  }
  return [...out];
}

/** the advertise address kubeadm would choose: the first global address of the default-route interface */
export async function detectAdvertiseAddress(host: Host): Promise<Detected<string>> {
  const routeText = await host.readText('/proc/net/route');
  if (routeText !== undefined) {
    const routes = parseRouteTable(routeText);
    const defaults = routes
      .filter((r) => r.destination === 0n && r.mask === 0n && (r.flags & RTF_UP) !== 0 && (r.flags & RTF_GATEWAY) !== 0)
      .sort((a, b) => a.metric - b.metric);
    const locals = parseLocalIPv4((await host.readText('/proc/net/fib_trie')) ?? '')
      .map((value): Ip => ({ family: 4, value }))
      .filter((ip) => !isLoopback(ip));
    for (const def of defaults) {
      const subnets: Cidr[] = routes
        .filter((r) => r.iface === def.iface && (r.flags & RTF_GATEWAY) === 0 && r.mask !== 0n)
        .map((r) => ({ family: 4, network: r.destination, prefix: popcount(r.mask), text: '' }));
      const onIface = locals.find((ip) => subnets.some((s) => cidrContains(s, ip)));
      if (onIface) return { ok: true, value: formatIp(onIface), how: `the address of ${def.iface}, the default-route interface` };
      if (locals.length === 1) return { ok: true, value: formatIp(locals[0]!), how: `the only non-loopback address (default route via ${def.iface})` };
    }
  }
  // no IPv4 default route: kubeadm then looks at IPv6
  const v6 = await defaultIPv6Address(host);
  if (v6) return v6;
  return { ok: false, why: 'found no default route with an address on its interface (read /proc/net/route, /proc/net/fib_trie, /proc/net/ipv6_route)' };
}

async function defaultIPv6Address(host: Host): Promise<Detected<string> | undefined> {
  const routes = await host.readText('/proc/net/ipv6_route');
  const addrs = await host.readText('/proc/net/if_inet6');
  if (!routes || !addrs) return undefined;
  for (const line of routes.split('\n')) {
    const f = line.trim().split(/\s+/);
    // destination ::/0 with a gateway flag
    if (f.length < 10 || !/^0{32}$/.test(f[0]!) || f[1] !== '00' || (parseInt(f[8]!, 16) & RTF_GATEWAY) === 0) continue;
    const iface = f[9]!;
    for (const a of addrs.split('\n')) {
      const g = a.trim().split(/\s+/);
      // scope 00 = global
      if (g.length >= 6 && g[5] === iface && g[3] === '00') {
        return { ok: true, value: formatIp({ family: 6, value: BigInt(`0x${g[0]}`) }), how: `the address of ${iface}, the IPv6 default-route interface` };
      }
    }
  }
  return undefined;
}

function leHex(hex: string): bigint {
  const bytes = hex.match(/../g) ?? [];
  return bytes.reverse().reduce((acc, b) => (acc << 8n) + BigInt(parseInt(b, 16)), 0n);
}

function popcount(n: bigint): number {
  let c = 0;
  for (let v = n; v > 0n; v >>= 1n) c += Number(v & 1n);
  return c;
}

// A fake node root for configuration tests: the /proc files kubeadm's detection reads (host
// name, routes, local addresses) and optional CRI sockets, written into a temp --rootfs.

import { lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { tmpDir } from './tmp-host.js';

export interface FakeNode {
  hostname?: string;
  /** /proc/net/route text; default: eth0 with 192.168.56.0/24 and a default route */
  route?: string;
  fibTrie?: string;
  ipv6Route?: string;
  ifInet6?: string;
  /** node paths of sockets to create (as plain files) */
  sockets?: string[];
  /** other files: node path -> content */
  files?: Record<string, string>;
}

export const ROUTE_ETH0 = [
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
  'eth0\t00000000\t0138A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0',
  'eth0\t0038A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0',
  '',
].join('\n');

export const FIB_TRIE_ETH0 = `Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 127.0.0.0/8 2 0 2
        +-- 127.0.0.0/31 1 0 0
           |-- 127.0.0.0
              /8 host LOCAL
           |-- 127.0.0.1
              /32 host LOCAL
        |-- 127.255.255.255
           /32 link BROADCAST
     +-- 192.168.56.0/24 2 0 2
        +-- 192.168.56.0/28 2 0 2
           |-- 192.168.56.0
              /24 link UNICAST
           |-- 192.168.56.11
              /32 host LOCAL
        |-- 192.168.56.255
           /32 link BROADCAST
`;

export function fakeNodeRoot(t: TestContext | undefined, node: FakeNode = {}): string {
  const root = tmpDir(t, 'mk-node-');
  const put = (p: string, content: string) => {
    const real = path.join(root, p);
    mkdirSync(path.dirname(real), { recursive: true });
    writeFileSync(real, content);
  };
  put('/proc/sys/kernel/hostname', `${node.hostname ?? 'Node-A'}\n`);
  put('/proc/net/route', node.route ?? ROUTE_ETH0);
  put('/proc/net/fib_trie', node.fibTrie ?? FIB_TRIE_ETH0);
  if (node.ipv6Route) put('/proc/net/ipv6_route', node.ipv6Route);
  if (node.ifInet6) put('/proc/net/if_inet6', node.ifInet6);
  for (const s of node.sockets ?? []) put(s, '');
  for (const [p, c] of Object.entries(node.files ?? {})) put(p, c);
  return root;
}

/**
 * every entry under root with its mode and content (a link's target; FIFOs and devices by type
 * alone, never opened), to prove nothing changed
 */
export function snapshotTree(root: string): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const st = lstatSync(full);
      const rel = path.relative(root, full);
      if (st.isSymbolicLink()) out.push(`l ${rel} -> ${readlinkSync(full)}`);
      else if (!st.isDirectory() && !st.isFile()) out.push(`s ${(st.mode & 0o7777).toString(8)} ${rel} type ${(st.mode & 0o170000).toString(8)}`);
      else if (st.isDirectory()) {
        out.push(`d ${(st.mode & 0o7777).toString(8)} ${rel}`);
        walk(full);
      } else {
        out.push(`f ${(st.mode & 0o7777).toString(8)} ${rel} ${readFileSync(full).toString('base64')}`);
      }
    }
  };
  walk(root);
  return out.join('\n');
}

// A node for preflight's host tests: a temp rootfs whose /proc and /sys files say the kernel is
// fine, and machine facts (uid, CPUs, memory) from a stated stand-in.

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RealHost } from '../../src/host/real-host.js';
import type { MachineProbe } from '../../src/preflight/probe.js';

/** a machine that is fine in every respect preflight asks about, unless told otherwise */
export const machine = (over: Partial<MachineProbe> = {}): MachineProbe => ({
  uid: () => 0,
  cpus: () => 2,
  memoryMB: () => 4096,
  hostname: () => 'node-a',
  tryListen: async () => undefined,
  resolves: async () => true,
  ...over,
});

export function put(host: RealHost, file: string, text: string) {
  mkdirSync(path.dirname(host.resolve(file)), { recursive: true });
  writeFileSync(host.resolve(file), text);
}

/** a healthy node's kernel files: forwarding on, bridge-nf on, no swap, cgroup v2 */
export function healthyNode(host: RealHost) {
  put(host, '/proc/sys/net/ipv4/ip_forward', '1\n');
  put(host, '/proc/sys/net/bridge/bridge-nf-call-iptables', '1\n');
  put(host, '/proc/swaps', 'Filename\tType\tSize\tUsed\tPriority\n');
  put(host, '/proc/sys/kernel/osrelease', '6.1.0-27-amd64\n');
  put(host, '/sys/fs/cgroup/cgroup.controllers', 'cpuset cpu io memory hugetlb pids rdma misc\n');
}


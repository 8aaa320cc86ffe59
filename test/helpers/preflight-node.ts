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


/** the kubelet's kernel tunables as a node that already has them holds them (/proc/sys files) */
export const KUBELET_TUNABLES: Readonly<Record<string, string>> = {
  '/proc/sys/vm/overcommit_memory': '1\n',
  '/proc/sys/vm/panic_on_oom': '0\n',
  '/proc/sys/kernel/panic': '10\n',
  '/proc/sys/kernel/panic_on_oops': '1\n',
  '/proc/sys/kernel/keys/root_maxkeys': '1000000\n',
  '/proc/sys/kernel/keys/root_maxbytes': '25000000\n',
};
/** a fresh Ubuntu 24.04's: no overcommit, no reboot on panic, no panic on oops */
export const FRESH_UBUNTU_TUNABLES: Readonly<Record<string, string>> = { ...KUBELET_TUNABLES, '/proc/sys/vm/overcommit_memory': '0\n', '/proc/sys/kernel/panic': '0\n', '/proc/sys/kernel/panic_on_oops': '0\n' };

export function putAll(host: RealHost, files: Readonly<Record<string, string>>) {
  for (const [file, text] of Object.entries(files)) put(host, file, text);
}

// The kernel tunables the kubelet wants (its setupKernelTunables, the same six in 1.29 to 1.37):
// with protectKernelDefaults it refuses to start when one differs, instead of setting it, so
// preflight reads them first and --fix persists them in a sysctl.d file of their own.

import type { Host } from '../host/host.js';

export interface KernelTunable {
  /** the sysctl key, dotted */
  key: string;
  value: number;
}

/** k8s.io/component-helpers node/util/sysctl: the keys and the values the kubelet wants */
export const KUBELET_KERNEL_TUNABLES: readonly KernelTunable[] = [
  { key: 'vm.overcommit_memory', value: 1 },
  { key: 'vm.panic_on_oom', value: 0 },
  { key: 'kernel.panic', value: 10 },
  { key: 'kernel.panic_on_oops', value: 1 },
  { key: 'kernel.keys.root_maxkeys', value: 1_000_000 },
  { key: 'kernel.keys.root_maxbytes', value: 25_000_000 },
];

/** where --fix persists them (RKE2 ships the same lines for the user to install) */
export const KERNEL_TUNABLES_FILE = '/etc/sysctl.d/90-kubelet-cis.conf';

export const procSysPath = (t: KernelTunable) => `/proc/sys/${t.key.replace(/\./g, '/')}`;
export const sysctlLine = (t: KernelTunable) => `${t.key} = ${t.value}`;

export interface DifferingTunable {
  tunable: KernelTunable;
  /** what /proc/sys holds, trimmed; undefined when the file is missing */
  have: string | undefined;
}

/** The tunables whose /proc/sys value is not the kubelet's (read as the kubelet does: an integer, blanks and newlines trimmed). */
export async function differingTunables(host: Host): Promise<DifferingTunable[]> {
  const read = await Promise.all(KUBELET_KERNEL_TUNABLES.map(async (tunable) => ({ tunable, have: (await host.readText(procSysPath(tunable)))?.trim() })));
  return read.filter(({ tunable, have }) => have === undefined || !/^[-+]?\d+$/.test(have) || Number(have) !== tunable.value);
}

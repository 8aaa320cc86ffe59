// The safe host fixes `--fix` may apply for a failed check: kernel modules, sysctls (now and
// persisted: the network ones, the kubelet's kernel tunables), swapoff, and containerd's
// config.toml (then one containerd restart). Each says what it changed, so the user sees every
// change made to their machine.

import type { InitConfig } from '../config/types.js';
import type { NodeMinorFacts } from '../config/versions.js';
import type { Host } from '../host/host.js';
import { CONTAINERD_CONFIG, containerdEdits } from '../kubelet/containerd-config.js';
import { pauseImage } from '../kubelet/flags-env.js';
import type { NodeDecisions } from '../kubelet/node-decisions.js';
import { differingTunables, KERNEL_TUNABLES_FILE, KUBELET_KERNEL_TUNABLES, sysctlLine } from '../kubelet/kernel-tunables.js';

export type FixName = 'ip-forward' | 'bridge-nf' | 'kernel-tunables' | 'swapoff' | 'containerd-cri' | 'containerd-cgroup' | 'containerd-sandbox' | 'containerd-oom';

export interface FixEnv {
  host: Host;
  cfg: InitConfig;
  facts: NodeMinorFacts;
  decisions: NodeDecisions;
}

export interface FixResult {
  changed: string[];
  restartContainerd?: boolean;
}

export const SYSCTL_FILE = '/etc/sysctl.d/k8s.conf';
export const MODULES_FILE = '/etc/modules-load.d/k8s.conf';

async function run(host: Host, cmd: string, args: string[]): Promise<string> {
  if (!(await host.which(cmd))) throw new Error(`${cmd} is not installed`);
  const r = await host.run(cmd, args, { timeoutMs: 30_000 });
  if (r.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`);
  return `${cmd} ${args.join(' ')}`;
}

/** Add `line` to a small config file unless it is already there; says so when it changed it. */
async function persistLine(host: Host, file: string, line: string): Promise<string[]> {
  const text = (await host.readText(file)) ?? '';
  if (text.split('\n').some((l) => l.trim() === line)) return [];
  await host.writeFile(file, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`, 0o644);
  return [`added "${line}" to ${file}`];
}

async function editContainerd(host: Host, edit: (text: string) => string, what: string): Promise<FixResult> {
  const before = await host.readText(CONTAINERD_CONFIG);
  const after = edit(before ?? containerdEdits.fresh());
  if (after === before) return { changed: [] };
  await host.writeFile(CONTAINERD_CONFIG, after, 0o644);
  return { changed: [`${before === undefined ? 'created' : 'edited'} ${CONTAINERD_CONFIG}: ${what}`], restartContainerd: true };
}

export const fixes: Record<FixName, (e: FixEnv) => Promise<FixResult>> = {
  'ip-forward': async ({ host }) => ({
    changed: [await run(host, 'sysctl', ['-w', 'net.ipv4.ip_forward=1']), ...(await persistLine(host, SYSCTL_FILE, 'net.ipv4.ip_forward = 1'))],
  }),
  'bridge-nf': async ({ host }) => ({
    changed: [
      await run(host, 'modprobe', ['br_netfilter']),
      await run(host, 'modprobe', ['overlay']),
      await run(host, 'sysctl', ['-w', 'net.bridge.bridge-nf-call-iptables=1']),
      ...(await persistLine(host, MODULES_FILE, 'overlay')),
      ...(await persistLine(host, MODULES_FILE, 'br_netfilter')),
      ...(await persistLine(host, SYSCTL_FILE, 'net.bridge.bridge-nf-call-iptables = 1')),
    ],
  }),
  // the differing ones set now; the file holds all of the kubelet's, so a reboot keeps them
  'kernel-tunables': async ({ host }) => {
    const changed: string[] = [];
    for (const { tunable } of await differingTunables(host)) changed.push(await run(host, 'sysctl', ['-w', `${tunable.key}=${tunable.value}`]));
    for (const t of KUBELET_KERNEL_TUNABLES) changed.push(...(await persistLine(host, KERNEL_TUNABLES_FILE, sysctlLine(t))));
    return { changed };
  },
  swapoff: async ({ host }) => ({ changed: [`${await run(host, 'swapoff', ['-a'])} (swap comes back at boot unless you remove it from /etc/fstab)`] }),
  'containerd-cri': ({ host }) => editContainerd(host, containerdEdits.enableCri, 'removed "cri" from disabled_plugins'),
  'containerd-cgroup': ({ host, decisions }) => {
    const on = decisions.cgroupDriver.value === 'systemd';
    return editContainerd(host, (t) => containerdEdits.setSystemdCgroup(t, on), `SystemdCgroup = ${on}, to match the kubelet's cgroupDriver ${decisions.cgroupDriver.value}`);
  },
  'containerd-oom': ({ host }) => editContainerd(host, (t) => containerdEdits.setRestrictOomScoreAdj(t, true), 'restrict_oom_score_adj = true'),
  'containerd-sandbox': ({ host, cfg }) => {
    const image = pauseImage(cfg);
    return editContainerd(host, (t) => containerdEdits.setSandboxImage(t, image), `sandbox image = "${image}"`);
  },
};

// kubelet-start's work on the node: write config.yaml, kubeadm-flags.env and (1.34+)
// instance-config.yaml as kubeadm does, then stop / daemon-reload / restart the kubelet.

import { hostname as osHostname } from 'node:os';
import type { InitConfig } from '../config/types.js';
import { nodeFacts } from '../config/versions.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import * as systemd from '../host/systemd.js';
import { ignoreSet } from '../preflight/ignore.js';
import { kubeadmFlagsEnv } from './flags-env.js';
import { instanceConfigText, kubeletConfiguration, renderKubeletConfiguration } from './kubelet-config.js';
import { decideForNode, observeNode, type NodeDecisions } from './node-decisions.js';
import { profileNamed, type Profile } from '../profiles/profiles.js';

export interface WrittenKubeletFiles {
  files: string[];
  /** a standalone-mode bootstrap config left by an init of mini-kubeadm before 2026-11-25 (it stopped before its switch), now removed */
  removed: string[];
  decisions: NodeDecisions;
  /** kubeadm-style warnings about user values that differ from the recommended ones */
  warnings: string[];
  /** the mode config.yaml got (the others are 0644) */
  configMode: number;
}

/** What the kubelet's files will say on this node: asked of the node, nothing written. */
export async function prepareKubeletFiles(host: Host, cfg: InitConfig, opts: { ignored?: ReadonlySet<string> } = {}): Promise<PreparedKubeletFiles> {
  const facts = nodeFacts(cfg.kubernetesVersion.minor);
  const [seen, resolved] = await Promise.all([observeNode(host, cfg), systemd.isActive(host, 'systemd-resolved')]);
  const decisions = decideForNode(cfg, seen, opts.ignored ?? ignoreSet(cfg.nodeRegistration.ignorePreflightErrors));
  const { doc, warnings } = kubeletConfiguration(cfg, facts, { decisions, systemdResolvedActive: resolved, criSocket: cfg.nodeRegistration.criSocket });
  return { doc, warnings, decisions };
}

export interface PreparedKubeletFiles {
  doc: Record<string, unknown>;
  warnings: string[];
  decisions: NodeDecisions;
}

export async function writeKubeletFiles(
  host: Host,
  cfg: InitConfig,
  paths: Paths,
  opts: { hostname?: string; ignored?: ReadonlySet<string>; prepared?: PreparedKubeletFiles; registerTaints?: boolean; profile?: Profile } = {},
): Promise<WrittenKubeletFiles> {
  const facts = nodeFacts(cfg.kubernetesVersion.minor);
  const { doc, warnings, decisions } = opts.prepared ?? (await prepareKubeletFiles(host, cfg, opts));

  await host.mkdir(paths.kubeletDir, 0o700);
  const files: string[] = [];
  const removed: string[] = [];
  const flagsEnv = kubeadmFlagsEnv(cfg, facts, opts.hostname ?? osHostname(), { registerTaints: opts.registerTaints });
  if (await host.exists(paths.kubeletBootstrapConfigFile)) {
    await host.remove(paths.kubeletBootstrapConfigFile);
    removed.push(paths.kubeletBootstrapConfigFile);
  }
  await host.writeFile(paths.kubeletFlagsEnvFile, flagsEnv, 0o644);
  files.push(paths.kubeletFlagsEnvFile);
  if (facts.instanceConfig) {
    await host.writeFile(paths.kubeletInstanceConfigFile, instanceConfigText(cfg.nodeRegistration.criSocket), 0o644);
    files.push(paths.kubeletInstanceConfigFile);
  }
  // kubeadm: 0644; a profile may ask for less (CIS 4.1.9: 0600): init's --profile, or the cluster's on a join
  const configMode = (opts.profile ?? profileNamed(cfg.profile))?.kubeletConfigMode ?? 0o644;
  await host.writeFile(paths.kubeletConfigFile, await renderKubeletConfiguration(doc), configMode);
  files.push(paths.kubeletConfigFile);
  return { files, removed, decisions, warnings, configMode };
}

export type KubeletServiceOutcome =
  | { kind: 'restarted' }
  | { kind: 'no-systemctl'; how: string }
  | { kind: 'failed'; output: string; how: string };

/** How to run the kubelet by hand with kubeadm's files (what the 10-kubeadm.conf drop-in does). */
export function manualKubeletCommand(paths: Paths): string {
  return (
    `kubelet --bootstrap-kubeconfig=${paths.kubeconfig('bootstrap-kubelet')} --kubeconfig=${paths.kubeconfig('kubelet')} ` +
    `--config=${paths.kubeletConfigFile} $KUBELET_KUBEADM_ARGS (with the variables of ${paths.kubeletFlagsEnvFile})`
  );
}

/** Stop the kubelet before its files change (so it does not race a half-written config). */
export async function stopKubelet(host: Host): Promise<void> {
  if (await systemd.hasSystemctl(host)) await systemd.stop(host, 'kubelet');
}

/** systemctl daemon-reload (undefined without systemctl): the first half of restartKubelet */
export async function reloadUnits(host: Host): Promise<{ ok: boolean; output: string } | undefined> {
  return (await systemd.hasSystemctl(host)) ? systemd.daemonReload(host) : undefined;
}

/**
 * systemctl daemon-reload + restart kubelet, as kubeadm's TryStartKubelet. `reloaded` is a
 * daemon-reload started earlier (a whole init starts it with kubelet-start, beside the stop, the
 * writes and the wait for kubelet.conf: on a real systemd it takes a few hundred milliseconds).
 */
export async function restartKubelet(host: Host, paths: Paths, reloaded?: Promise<{ ok: boolean; output: string } | undefined>): Promise<KubeletServiceOutcome> {
  const how = manualKubeletCommand(paths);
  if (!(await systemd.hasSystemctl(host))) return { kind: 'no-systemctl', how };
  const reload = (await reloaded) ?? (await systemd.daemonReload(host));
  const r = await systemd.restart(host, 'kubelet');
  if (!r.ok) return { kind: 'failed', output: [reload.ok ? '' : reload.output, r.output].filter(Boolean).join('; '), how };
  return { kind: 'restarted' };
}

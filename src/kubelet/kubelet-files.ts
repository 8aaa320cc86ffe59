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
import { bootstrapKubeletConfig, standaloneFlagsEnv } from './standalone.js';

export interface WrittenKubeletFiles {
  files: string[];
  /** a bootstrap config left by a full init that stopped before its switch, now removed */
  removed: string[];
  decisions: NodeDecisions;
  /** kubeadm-style warnings about user values that differ from the recommended ones */
  warnings: string[];
}

export async function writeKubeletFiles(
  host: Host,
  cfg: InitConfig,
  paths: Paths,
  opts: { hostname?: string; ignored?: ReadonlySet<string>; standalone?: boolean } = {},
): Promise<WrittenKubeletFiles> {
  const facts = nodeFacts(cfg.kubernetesVersion.minor);
  const [seen, resolved] = await Promise.all([observeNode(host, cfg), systemd.isActive(host, 'systemd-resolved')]);
  const decisions = decideForNode(cfg, seen, opts.ignored ?? ignoreSet(cfg.nodeRegistration.ignorePreflightErrors));
  const { doc, warnings } = kubeletConfiguration(cfg, facts, { decisions, systemdResolvedActive: resolved, criSocket: cfg.nodeRegistration.criSocket });

  await host.mkdir(paths.kubeletDir, 0o700);
  const files: string[] = [];
  const removed: string[] = [];
  const flagsEnv = kubeadmFlagsEnv(cfg, facts, opts.hostname ?? osHostname());
  if (opts.standalone) {
    // the bootstrap config first: the flags file names it
    await host.writeFile(paths.kubeletBootstrapConfigFile, await renderKubeletConfiguration(bootstrapKubeletConfig(doc)), 0o644);
    files.push(paths.kubeletBootstrapConfigFile);
  } else if (await host.exists(paths.kubeletBootstrapConfigFile)) {
    await host.remove(paths.kubeletBootstrapConfigFile);
    removed.push(paths.kubeletBootstrapConfigFile);
  }
  await host.writeFile(paths.kubeletFlagsEnvFile, opts.standalone ? standaloneFlagsEnv(flagsEnv, paths) : flagsEnv, 0o644);
  files.push(paths.kubeletFlagsEnvFile);
  if (facts.instanceConfig) {
    await host.writeFile(paths.kubeletInstanceConfigFile, instanceConfigText(cfg.nodeRegistration.criSocket), 0o644);
    files.push(paths.kubeletInstanceConfigFile);
  }
  await host.writeFile(paths.kubeletConfigFile, await renderKubeletConfiguration(doc), 0o644);
  files.push(paths.kubeletConfigFile);
  return { files, removed, decisions, warnings };
}

/**
 * The end of the standalone bootstrap: kubeadm's own kubeadm-flags.env (byte-identical to what
 * kubelet-start writes alone), the bootstrap config removed, the kubelet restarted in its
 * normal mode. Static-pod UIDs depend on the manifest and the node name only, so the kubelet
 * adopts the running containers. kubelet.conf is pointed at the rotatable client pair first
 * (seedClientCertStore), so kubelet-finalize finds it done and this is the kubelet's only restart.
 */
export async function leaveStandalone(host: Host, cfg: InitConfig, paths: Paths, hostname = osHostname()): Promise<LeftStandalone> {
  const facts = nodeFacts(cfg.kubernetesVersion.minor);
  await host.writeFile(paths.kubeletFlagsEnvFile, kubeadmFlagsEnv(cfg, facts, hostname), 0o644);
  await host.remove(paths.kubeletBootstrapConfigFile);
  const { seedClientCertStore, enableClientCertRotation } = await import('./cert-rotation.js');
  const seed = await seedClientCertStore(host, cfg, paths);
  const rotation = seed.kind === 'seeded' ? await enableClientCertRotation(host, cfg, paths) : undefined;
  return { service: await restartKubelet(host, paths), seed, rotation };
}

export interface LeftStandalone {
  service: KubeletServiceOutcome;
  seed: import('./cert-rotation.js').SeedOutcome;
  /** kubelet.conf pointed at the seeded pair (kubelet-finalize's job, done before the restart) */
  rotation?: import('./cert-rotation.js').RotationOutcome;
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

/** systemctl daemon-reload + restart kubelet, as kubeadm's TryStartKubelet. */
export async function restartKubelet(host: Host, paths: Paths): Promise<KubeletServiceOutcome> {
  const how = manualKubeletCommand(paths);
  if (!(await systemd.hasSystemctl(host))) return { kind: 'no-systemctl', how };
  const reload = await systemd.daemonReload(host);
  const r = await systemd.restart(host, 'kubelet');
  if (!r.ok) return { kind: 'failed', output: [reload.ok ? '' : reload.output, r.output].filter(Boolean).join('; '), how };
  return { kind: 'restarted' };
}

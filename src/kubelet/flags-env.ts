// /var/lib/kubelet/kubeadm-flags.env: the node-specific kubelet flags kubeadm passes through the
// 10-kubeadm.conf drop-in as $KUBELET_KUBEADM_ARGS (per minor: which flags, and their order).

import type { Arg, InitConfig } from '../config/types.js';
import { defaultImageTags, rowFor, MANIFEST_ROWS, type NodeMinorFacts } from '../config/versions.js';

const byNameThenValue = (a: Arg, b: Arg) => (a.name === b.name ? (a.value < b.value ? -1 : a.value > b.value ? 1 : 0) : a.name < b.name ? -1 : 1);

/** kubeadm's ArgumentsToCommand for the minor/patch: how defaults and extra args combine. */
export function argumentsToCommand(base: readonly Arg[], extra: readonly Arg[], extraInUserOrder: boolean): string[] {
  const overridden = new Set(extra.map((a) => a.name));
  const kept = base.filter((a) => !overridden.has(a.name));
  const args = extraInUserOrder ? [...kept.sort(byNameThenValue), ...extra] : [...kept, ...extra].sort(byNameThenValue);
  return args.map((a) => `--${a.name}=${a.value}`);
}

/** The pause image kubeadm names for the target version under the configured repository. */
export function pauseImage(cfg: InitConfig): string {
  return `${cfg.imageRepository}/pause:${defaultImageTags(cfg.kubernetesVersion).pause}`;
}

/** The node name the kubelet registers with: --node-name, unless kubeletExtraArgs overrides it. */
export function kubeletNodeName(cfg: InitConfig): string {
  const override = cfg.nodeRegistration.kubeletExtraArgs.filter((a) => a.name === 'hostname-override').pop();
  return override?.value ?? cfg.nodeRegistration.name;
}

export interface FlagsEnvOptions {
  /** a worker's join: nodeRegistration.taints go to --register-with-taints (a control plane gets them from mark-control-plane) */
  registerTaints?: boolean;
}

/** The base flags kubeadm computes (before kubeletExtraArgs). */
export function kubeletBaseFlags(cfg: InitConfig, facts: NodeMinorFacts, hostname: string, opts: FlagsEnvOptions = {}): Arg[] {
  const flags: Arg[] = [];
  const taints = cfg.nodeRegistration.taints ?? [];
  if (opts.registerTaints && taints.length > 0) {
    flags.push({ name: 'register-with-taints', value: taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`).join(',') });
  }
  if (facts.flagsEnvRuntimeEndpoint) flags.push({ name: 'container-runtime-endpoint', value: cfg.nodeRegistration.criSocket });
  if (facts.flagsEnvPauseImage) flags.push({ name: 'pod-infra-container-image', value: pauseImage(cfg) });
  const nodeName = kubeletNodeName(cfg);
  if (nodeName !== hostname.trim().toLowerCase()) flags.push({ name: 'hostname-override', value: nodeName });
  return flags;
}

/** Go's %q for the flag line: quotes and backslashes escaped. */
function goQuote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The whole file: KUBELET_KUBEADM_ARGS="..." and a newline. */
export function kubeadmFlagsEnv(cfg: InitConfig, facts: NodeMinorFacts, hostname: string, opts: FlagsEnvOptions = {}): string {
  // the same ArgumentsToCommand kubeadm uses for static-pod flags, so the same order rule
  const inUserOrder = rowFor(MANIFEST_ROWS, cfg.kubernetesVersion).argOrder === 'defaults-then-extra';
  const args = argumentsToCommand(kubeletBaseFlags(cfg, facts, hostname, opts), cfg.nodeRegistration.kubeletExtraArgs, inUserOrder);
  return `KUBELET_KUBEADM_ARGS=${goQuote(args.join(' '))}\n`;
}

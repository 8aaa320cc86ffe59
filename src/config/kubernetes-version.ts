// The target Kubernetes version from --kubernetes-version or ClusterConfiguration: a semantic
// version within the minors mini-kubeadm knows, or a label it can resolve offline.

import type { KubeVersion } from './types.js';
import { parseKubeVersion } from './defaults.js';
import type { Problem } from './problems.js';
import { DEFAULT_KUBERNETES_VERSION, MAX_SUPPORTED_MINOR, MIN_SUPPORTED_MINOR } from './versions.js';

/** kubeadm's labels that mean "the current stable release"; offline they are mini-kubeadm's default */
const STABLE_LABELS = new Set(['stable', 'stable-1', 'latest', 'latest-1']);

export type VersionResult = { ok: true; version: KubeVersion; warning?: string } | { ok: false; problem: Problem };

export function resolveKubernetesVersion(text: string | undefined, label: string): VersionResult {
  if (text === undefined || text.trim() === '') return { ok: true, version: parseKubeVersion(DEFAULT_KUBERNETES_VERSION)! };
  const t = text.trim();
  if (STABLE_LABELS.has(t)) {
    return {
      ok: true,
      version: parseKubeVersion(DEFAULT_KUBERNETES_VERSION)!,
      warning: `${label} "${t}": mini-kubeadm does not look labels up online; using its default ${DEFAULT_KUBERNETES_VERSION}`,
    };
  }
  const range = `v1.${MIN_SUPPORTED_MINOR}.0 to v1.${MAX_SUPPORTED_MINOR}.x`;
  const v = parseKubeVersion(t);
  if (!v) {
    return {
      ok: false,
      problem: { code: 'INVALID_KUBERNETES_VERSION', message: `${label}: "${t}" is not a Kubernetes version`, hint: `give a full version such as ${DEFAULT_KUBERNETES_VERSION} (supported: ${range})` },
    };
  }
  if (v.major !== 1 || v.minor < MIN_SUPPORTED_MINOR || v.minor > MAX_SUPPORTED_MINOR) {
    return {
      ok: false,
      problem: { code: 'UNSUPPORTED_KUBERNETES_VERSION', message: `${label}: Kubernetes ${v.text} is not supported by mini-kubeadm`, hint: `choose a version from ${range}, e.g. ${DEFAULT_KUBERNETES_VERSION}` },
    };
  }
  return { ok: true, version: v };
}

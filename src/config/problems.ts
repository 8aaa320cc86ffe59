// Problems found in flags and config files, collected so that one run reports every one of
// them at once, each naming the flag or field it is about; and where each value came from.

import { UserError } from '../errors.js';

export interface Problem {
  code: string;
  /** what is wrong, naming the flag (--pod-network-cidr) or field (ClusterConfiguration.networking.podSubnet) */
  message: string;
  /** how to fix it */
  hint?: string;
}

/** One UserError for all problems: the message lists each, the hints follow in the same order. */
export function problemsError(problems: readonly Problem[]): UserError {
  if (problems.length === 1) {
    const p = problems[0]!;
    return new UserError(p.code, p.message, p.hint);
  }
  const message = `${problems.length} problems with the configuration:\n${problems.map((p, i) => `  ${i + 1}. ${p.message}`).join('\n')}`;
  // main.ts prints "hint: " before the first line; the others line up under it
  const hints = problems.flatMap((p, i) => (p.hint ? [`${i + 1}. ${p.hint}`] : []));
  return new UserError(problems[0]!.code, message, hints.length ? hints.join('\n      ') : undefined);
}

/**
 * Where each setting came from, keyed by its v1beta4 path ("networking.podSubnet"), so a
 * message says "--pod-network-cidr" or "ClusterConfiguration.networking.podSubnet in cfg.yaml".
 */
export class Origins {
  private readonly labels = new Map<string, string>();
  private readonly chosen = new Set<string>();

  /** the user set it (a flag or a field) */
  set(key: string, label: string): void {
    this.labels.set(key, label);
    this.chosen.delete(key);
  }

  /** mini-kubeadm chose it (detected or defaulted); the label says how */
  setDefault(key: string, label: string): void {
    this.labels.set(key, label);
    this.chosen.add(key);
  }

  /** did the user give this value (rather than a default or a detection)? */
  userSet(key: string): boolean {
    return this.labels.has(key) && !this.chosen.has(key);
  }

  has(key: string): boolean {
    return this.labels.has(key);
  }

  /** the label of a key's origin; a default names the field and, where there is one, its flag */
  of(key: string): string {
    const known = this.labels.get(key);
    if (known) return known;
    const flag = FLAG_OF[key];
    return flag ? `${fieldLabel(key)} (--${flag})` : fieldLabel(key);
  }
}

/** the kind that holds each top-level key */
const INIT_KEYS = new Set(['bootstrapTokens', 'nodeRegistration', 'localAPIEndpoint', 'certificateKey', 'skipPhases', 'timeouts', 'patches', 'dryRun']);

export function fieldLabel(key: string): string {
  const top = key.split(/[.[]/)[0]!;
  return `${INIT_KEYS.has(top) ? 'InitConfiguration' : 'ClusterConfiguration'}.${key}`;
}

/** the flag that sets each key, for defaults' labels and hints */
export const FLAG_OF: Readonly<Record<string, string>> = {
  kubernetesVersion: 'kubernetes-version',
  'networking.podSubnet': 'pod-network-cidr',
  'networking.serviceSubnet': 'service-cidr',
  'networking.dnsDomain': 'service-dns-domain',
  'localAPIEndpoint.advertiseAddress': 'apiserver-advertise-address',
  'localAPIEndpoint.bindPort': 'apiserver-bind-port',
  'apiServer.certSANs': 'apiserver-cert-extra-sans',
  controlPlaneEndpoint: 'control-plane-endpoint',
  'nodeRegistration.name': 'node-name',
  certificatesDir: 'cert-dir',
  imageRepository: 'image-repository',
  'nodeRegistration.criSocket': 'cri-socket',
  featureGates: 'feature-gates',
  'nodeRegistration.ignorePreflightErrors': 'ignore-preflight-errors',
  'bootstrapTokens[0].token': 'token',
  'bootstrapTokens[0].ttl': 'token-ttl',
  certificateKey: 'certificate-key',
  skipPhases: 'skip-phases',
  'patches.directory': 'patches',
};

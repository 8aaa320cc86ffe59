// The add-on images: CoreDNS (kubeadm's GetDNSImage) and kube-proxy (REPO/kube-proxy:VERSION).

import type { InitConfig } from '../config/types.js';

// TODO(versions): the per-minor default images belong to the table in src/config/versions.ts
// (another issue is writing it); until it lands, kubeadm's CoreDNS tag per minor (for 1.30
// and 1.31 the newest patch's; earlier patches of those used v1.11.1).
const COREDNS_TAG: Record<number, string> = {
  29: 'v1.11.1', 30: 'v1.11.3', 31: 'v1.11.3', 32: 'v1.11.3', 33: 'v1.12.0', 34: 'v1.12.1', 35: 'v1.13.1', 36: 'v1.14.2', 37: 'v1.14.6',
};

export function corednsImage(cfg: Pick<InitConfig, 'imageRepository' | 'dns' | 'kubernetesVersion'>): string {
  let repo = cfg.dns.imageRepository || cfg.imageRepository;
  // kubeadm keeps CoreDNS under coredns/ only in the default registry
  if (repo === 'registry.k8s.io') repo = `${repo}/coredns`;
  const tag = cfg.dns.imageTag || COREDNS_TAG[cfg.kubernetesVersion.minor];
  if (!tag) throw new Error(`internal: no CoreDNS tag for 1.${cfg.kubernetesVersion.minor}`);
  return `${repo}/coredns:${tag}`;
}

export function kubeProxyImage(cfg: Pick<InitConfig, 'imageRepository' | 'kubernetesVersion'>): string {
  return `${cfg.imageRepository}/kube-proxy:${cfg.kubernetesVersion.text.replace(/\+/g, '_')}`;
}

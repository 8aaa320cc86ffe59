// The add-on images: CoreDNS (kubeadm's GetDNSImage) and kube-proxy (REPO/kube-proxy:VERSION).

import type { InitConfig } from '../config/types.js';
import { defaultImageTags } from '../config/versions.js';

export function corednsImage(cfg: Pick<InitConfig, 'imageRepository' | 'dns' | 'kubernetesVersion'>): string {
  let repo = cfg.dns.imageRepository || cfg.imageRepository;
  // kubeadm keeps CoreDNS under coredns/ only in the default registry
  if (repo === 'registry.k8s.io') repo = `${repo}/coredns`;
  const tag = cfg.dns.imageTag || defaultImageTags(cfg.kubernetesVersion).coredns;
  return `${repo}/coredns:${tag}`;
}

export function kubeProxyImage(cfg: Pick<InitConfig, 'imageRepository' | 'kubernetesVersion'>): string {
  return `${cfg.imageRepository}/kube-proxy:${cfg.kubernetesVersion.text.replace(/\+/g, '_')}`;
}

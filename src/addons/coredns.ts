// The CoreDNS add-on: values for templates/addons/coredns.yaml from the configuration and
// the target minor (Corefile cache block 1.32+, named probe ports 1.34+), and kubeadm's rule
// that a re-run keeps the replica count the cluster already has.

import type { InitConfig } from '../config/types.js';
import { clusterObjectTraits } from '../config/versions.js';
import type { KubeObject } from '../kube/client.js';
import { corednsImage } from './images.js';
import { renderManifests } from './render.js';
import { nthServiceIP } from './service-ip.js';
import { readAddonTemplate } from './template-file.js';

export const COREDNS_REPLICAS = 2;

/** the Corefile's cache stanza for this minor */
export function corefileCache(cfg: Pick<InitConfig, 'kubernetesVersion' | 'networking'>): string {
  const d = cfg.networking.dnsDomain;
  if (!clusterObjectTraits(cfg.kubernetesVersion).corefileCacheBlock || d === '') return 'cache 30';
  return ['cache 30 {', `   disable success ${d}`, `   disable denial ${d}`, '}'].join('\n');
}

export function corednsValues(cfg: InitConfig, replicas: number): Record<string, string> {
  const named = clusterObjectTraits(cfg.kubernetesVersion).corednsNamedProbePorts;
  return {
    dnsDomain: cfg.networking.dnsDomain,
    cache: corefileCache(cfg),
    replicas: String(replicas),
    image: corednsImage(cfg),
    probePorts: named
      ? ['- containerPort: 8080', '  name: liveness-probe', '  protocol: TCP', '- containerPort: 8181', '  name: readiness-probe', '  protocol: TCP'].join('\n')
      : '',
    livenessPort: named ? 'liveness-probe' : '8080',
    readinessPort: named ? 'readiness-probe' : '8181',
    dnsIP: nthServiceIP(cfg.networking.serviceSubnet, 10),
  };
}

/** the objects in kubeadm's order; `deployedReplicas` is the running Deployment's count, if any */
export async function corednsObjects(cfg: InitConfig, deployedReplicas?: number): Promise<KubeObject[]> {
  return renderManifests('coredns.yaml', await readAddonTemplate('coredns.yaml'), corednsValues(cfg, deployedReplicas ?? COREDNS_REPLICAS));
}

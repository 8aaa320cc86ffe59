// cleanup-network (mini-kubeadm's own phase) as a table of steps: what kube-proxy and the
// pod network leave on a node and kubeadm leaves to the user, removed in reverse order of creation.

import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import { cniStateDirs, removeClusterCniConfigs } from './cni-files.js';
import { removePaths } from './files.js';
import { cleanVariant, presentVariants } from './iptables.js';
import { clearIpvs, deleteClusterLinks, deletePodNetns } from './links.js';
import { errorText, type ResetStep } from './steps.js';

export interface NetworkEnv {
  host: Host;
  paths: Paths;
}

export const networkSteps: readonly ResetStep<NetworkEnv>[] = [
  {
    name: 'pod-netns',
    removes: 'the pods\' cni-* network namespaces',
    run: ({ host }, log) => deletePodNetns(host, log),
  },
  {
    name: 'links',
    removes: 'the cni0, flannel.1 and kube-ipvs0 interfaces',
    run: ({ host }, log) => deleteClusterLinks(host, log),
  },
  {
    name: 'ipvs',
    removes: 'kube-proxy\'s IPVS state',
    run: ({ host }, log) => clearIpvs(host, log),
  },
  {
    name: 'iptables',
    removes: 'the KUBE-*, CNI-* and FLANNEL* iptables chains',
    async run({ host }, log) {
      const variants = await presentVariants(host);
      if (variants.length === 0) return log.note('no iptables commands installed: no chains checked');
      for (const v of variants) {
        // one backend that cannot be read must not keep the others
        await cleanVariant(host, v, log).catch((e: unknown) => log.left(`cluster chains in ${v.label}`, errorText(e)));
      }
    },
  },
  {
    name: 'cni-state',
    removes: 'the CNI state directories',
    run: ({ host, paths }, log) => removePaths(host, [paths.cniStateDir, ...cniStateDirs()], log),
  },
  {
    name: 'cni-config',
    removes: 'the cluster CNI\'s config files',
    run: ({ host, paths }, log) => removeClusterCniConfigs(host, paths.cniConfDir, log),
  },
];

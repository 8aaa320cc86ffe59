// reset/cleanup-network (mini-kubeadm's own phase): what kube-proxy and the pod network leave
// and kubeadm leaves to the user, as the table of steps in src/reset/network-steps.ts.

import type { Phase } from '../../workflow/phase.js';
import type { ResetContext } from './context.js';
import { stepLogs } from './step-log.js';

export const cleanupNetworkPhase: Phase<ResetContext> = {
  name: 'cleanup-network',
  short: 'Remove what the pod network and kube-proxy left (mini-kubeadm).',
  long:
    'Delete the cni-* network namespaces, the cni0, flannel.1 and kube-ipvs0 interfaces, IPVS state, the KUBE-*, CNI-* and FLANNEL* ' +
    'iptables chains (IPv4 and IPv6, legacy and nft) with the rules that jump to them, /var/lib/cni, and the CNI config files the ' +
    'cluster\'s CNI wrote in /etc/cni/net.d (other programs\' files there stay). Interfaces, namespaces and rules are those of the ' +
    'network namespace mini-kubeadm runs in; files are taken under --rootfs.',
  flags: ['dry-run', 'rootfs', 'force'],
  async run(ctx) {
    await ctx.confirm();
    const { runSteps } = await import('../../reset/steps.js');
    const { networkSteps } = await import('../../reset/network-steps.js');
    await runSteps(networkSteps, { host: ctx.host, paths: ctx.paths }, stepLogs(ctx, 'cleanup-network'));
  },
};

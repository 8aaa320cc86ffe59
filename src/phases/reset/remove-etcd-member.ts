// reset/remove-etcd-member: this node's member leaves a stacked etcd cluster (a one-member etcd
// has none to leave); then the phase finds the etcd data directory, which cleanup-node empties
// once the kubelet is stopped and the pods are gone (or this phase at once, run alone).

import type { Phase } from '../../workflow/phase.js';
import type { ResetContext } from './context.js';
import { stepLogs } from './step-log.js';

export const removeEtcdMemberPhase: Phase<ResetContext> = {
  name: 'remove-etcd-member',
  short: 'Remove a local etcd member.',
  long: 'Remove a local etcd member for a control plane node: the member leaves a stacked etcd cluster of several (a single-member local etcd has none to leave), then its data directory is emptied (by cleanup-node once the pods are removed, as kubeadm does; at once when this phase runs alone).',
  flags: ['dry-run', 'rootfs', 'force', 'kubeconfig-dir'],
  async run(ctx) {
    await ctx.confirm();
    const { runSteps } = await import('../../reset/steps.js');
    const { etcdSteps } = await import('../../reset/etcd-data.js');
    await runSteps(etcdSteps, { host: ctx.host, manifest: ctx.paths.manifest('etcd'), dirsToClean: ctx.dirsToClean }, stepLogs(ctx, 'remove-etcd-member'));
  },
};

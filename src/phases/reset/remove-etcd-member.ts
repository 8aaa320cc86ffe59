// reset/remove-etcd-member: a local etcd here has one member (this node's), so there is no
// member to remove from a cluster; the phase empties the etcd data directory.

import type { Phase } from '../../workflow/phase.js';
import type { ResetContext } from './context.js';
import { stepLogs } from './step-log.js';

export const removeEtcdMemberPhase: Phase<ResetContext> = {
  name: 'remove-etcd-member',
  short: 'Remove a local etcd member.',
  long: 'Remove a local etcd member for a control plane node: a single-member local etcd has no member to remove from a cluster, so this empties its data directory.',
  flags: ['dry-run', 'rootfs', 'force', 'kubeconfig-dir'],
  async run(ctx) {
    await ctx.confirm();
    const { runSteps } = await import('../../reset/steps.js');
    const { etcdSteps } = await import('../../reset/etcd-data.js');
    await runSteps(etcdSteps, { host: ctx.host, manifest: ctx.paths.manifest('etcd') }, stepLogs(ctx, 'remove-etcd-member'));
  },
};

// The check-etcd phase of join (hidden in kubeadm, §4.4): before a control plane joins the
// stacked etcd cluster, it must be healthy. As kubeadm 1.36.1+ does, a quorum of answering
// members suffices, so a dead member (a node that died) does not block the join that replaces
// it. Workers skip it; external etcd has nothing to check.

import { HostError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import { workerSkip, type JoinContext } from './context.js';
import { JOIN_FLAGS } from './flags.js';

export const checkEtcdPhase: Phase<JoinContext> = {
  name: 'check-etcd',
  short: 'Check that the local etcd cluster is healthy',
  flags: JOIN_FLAGS,
  skipReason: workerSkip,
  run: async (ctx) => {
    const c = await ctx.cluster();
    if (c.cfg.etcd.external) return ctx.report.info('[check-etcd] Skipping etcd check in external mode');
    ctx.report.info('[check-etcd] Checking that the etcd cluster is healthy');
    const [{ etcdOf }, { quorum }] = await Promise.all([import('./admin.js'), import('../../etcd/members.js')]);
    const etcd = await etcdOf(ctx, c);
    if (!etcd) return ctx.report.info('[check-etcd] would check the etcd cluster through admin.conf (a dry run does not reach etcd)');
    const q = await quorum(etcd);
    if (!q.healthy) {
      throw new HostError(
        'ETCD_NO_QUORUM',
        `the etcd cluster has no quorum: ${q.answering.length} of ${q.answering.length + q.silent.length} members answer (silent: ${q.silent.join('; ')})`,
        'a new member cannot join an etcd cluster without quorum: bring the silent members back first (or restore etcd from a snapshot)',
      );
    }
    ctx.report.result('note', `etcd has quorum: ${q.answering.length} of ${q.answering.length + q.silent.length} members answer${q.silent.length ? `; not answering: ${q.silent.join('; ')} (a dead member does not block the join while the others keep quorum)` : ''}`);
  },
};

// The mark-control-plane phase of init: once the kubelet has registered this node, label it
// control-plane (and excluded from external load balancers) and taint it NoSchedule.

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const markControlPlanePhase: Phase<InitContext> = {
  name: 'mark-control-plane',
  short: 'Mark a node as a control-plane',
  flags: ['config', 'dry-run', 'rootfs', 'kubeconfig-dir', 'node-name'],
  run: async (ctx) => {
    const { CONTROL_PLANE_LABELS, markPatch, taintText, wantedTaints } = await import('../../kube/objects/node-marks.js');
    const name = ctx.cfg.nodeRegistration.name;
    const taints = wantedTaints(ctx.cfg.nodeRegistration.taints);
    const what = `labels ${CONTROL_PLANE_LABELS.map((l) => `${l}=""`).join(', ')}${taints.length ? `; taints ${taints.map(taintText).join(', ')}` : '; no taints'}`;
    const client = await ctx.kube();
    if (client.dryRun) return ctx.report.result('object', `Node ${name} would be marked: ${what}`);
    const { patchNode } = await import('../../kube/node.js');
    const { nodeRegistrationWait } = await import('../../kubelet/control-plane-wait.js');
    ctx.report.info(`waiting for the kubelet to register Node ${name} (${ctx.cfg.timeouts.kubernetesAPICallMs / 1000}s, longer while the kubelet is healthy)`);
    const done = await patchNode(client, name, ctx.cfg.timeouts.kubernetesAPICallMs, (n) => markPatch(n as Parameters<typeof markPatch>[0], taints), nodeRegistrationWait(ctx.cfg, name, (m) => ctx.report.info(m)));
    ctx.report.result('object', `Node ${name} ${done === 'patched' ? 'marked' : 'already marked'}: ${what}`);
  },
};

// The control-plane-join phase of join: the new instance's etcd member where the minor adds it
// after the TLS bootstrap (≤1.30, or ControlPlaneKubeletLocalMode off), the deprecated
// update-status (≤1.30), and marking the node as a control plane (labels and taints, §3.7).
// Workers skip it.

import type { Phase } from '../../workflow/phase.js';
import { workerSkip, type JoinContext } from './context.js';
import { JOIN_FLAGS } from './flags.js';
import { STALE_FLAG } from './etcd-join.js';

type Run = NonNullable<Phase<JoinContext>['run']>;

const etcd: Run = async (ctx) => {
  const c = await ctx.cluster();
  const { kubeletConfUsesLocalEndpoint } = await import('../../config/versions.js');
  if (kubeletConfUsesLocalEndpoint(c.cfg.kubernetesVersion, c.cfg.featureGates)) {
    return ctx.report.info(`Kubernetes 1.${c.cfg.kubernetesVersion.minor} (ControlPlaneKubeletLocalMode): the etcd-join phase added the etcd member, nothing to do here`);
  }
  const { joinStackedEtcd } = await import('./etcd-join.js');
  await joinStackedEtcd(ctx, c);
};

const updateStatus: Run = async (ctx) => {
  const c = await ctx.cluster();
  const { joinFacts } = await import('../../config/versions.js');
  // the phase exists ≤1.30 only (kept hidden in the CLI tree so its name resolves)
  if (!joinFacts(c.cfg.kubernetesVersion.minor).phases.some((p) => p.path === 'control-plane-join/update-status')) return;
  ctx.report.info("The 'update-status' phase is deprecated and will be removed in a future release. Currently it performs no operation");
};

const markControlPlane: Run = async (ctx) => {
  const c = await ctx.cluster();
  const [{ CONTROL_PLANE_LABELS, markPatch, taintText, wantedTaints }, { adminClient }] = await Promise.all([import('../../kube/objects/node-marks.js'), import('./admin.js')]);
  const name = c.cfg.nodeRegistration.name;
  const taints = wantedTaints(c.cfg.nodeRegistration.taints);
  ctx.report.info(`[mark-control-plane] Marking the node ${name} as control-plane by adding the labels: [${CONTROL_PLANE_LABELS.join(' ')}]`);
  if (taints.length) ctx.report.info(`[mark-control-plane] Marking the node ${name} as control-plane by adding the taints [${taints.map(taintText).join(' ')}]`);
  const client = await adminClient(ctx, c);
  if (!client || ctx.host.dryRun) return ctx.report.result('object', `Node ${name} would be marked`);
  const [{ patchNode }, { nodeRegistrationWait }] = await Promise.all([import('../../kube/node.js'), import('../../kubelet/control-plane-wait.js')]);
  const done = await patchNode(client, name, c.cfg.timeouts.kubernetesAPICallMs, (n) => markPatch(n as Parameters<typeof markPatch>[0], taints), nodeRegistrationWait(c.cfg, name, (m) => ctx.report.info(m)));
  ctx.report.result('object', `Node ${name} ${done === 'patched' ? 'marked' : 'already marked'} as a control plane`);
};

const sub = (name: string, short: string, run: Run, flags: readonly string[] = JOIN_FLAGS): Phase<JoinContext> => ({ name, short, flags, skipReason: workerSkip, run });

export const controlPlaneJoinPhase: Phase<JoinContext> = {
  name: 'control-plane-join',
  short: 'Join a machine as a control plane instance',
  flags: [...JOIN_FLAGS, STALE_FLAG],
  skipReason: workerSkip,
  children: [
    sub('etcd', 'Add a new local etcd member', etcd, [...JOIN_FLAGS, STALE_FLAG]),
    sub('update-status', "Register the new control-plane node into the ClusterStatus maintained in the kubeadm-config ConfigMap (DEPRECATED)", updateStatus),
    sub('mark-control-plane', 'Mark a node as a control-plane', markControlPlane),
  ],
};

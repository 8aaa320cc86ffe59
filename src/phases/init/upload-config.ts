// The upload-config phase of init: the ClusterConfiguration into ConfigMap kubeadm-config and
// the KubeletConfiguration into ConfigMap kubelet-config, each readable by joining nodes.

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

type Ctx = Pick<InitContext, 'cfg' | 'report' | 'kube'>;

async function uploadKubeadm(ctx: Ctx): Promise<void> {
  const { kubeadmConfigObjects } = await import('../../kube/objects/kubeadm-config.js');
  const { applyAll } = await import('../../kube/apply.js');
  for (const r of await applyAll(await ctx.kube(), kubeadmConfigObjects(ctx.cfg))) ctx.report.result(r.kind, r.message);
}

async function uploadKubelet(ctx: Ctx): Promise<void> {
  const { kubeletConfigObjects, CRI_SOCKET_ANNOTATION } = await import('../../kube/objects/kubelet-config.js');
  const { applyAll } = await import('../../kube/apply.js');
  const { writesCriSocketAnnotation } = await import('../../config/versions.js');
  const { factsFor } = await import('../../config/versions.js');
  const { kubeletConfiguration, renderKubeletConfiguration } = await import('../../kubelet/kubelet-config.js');
  // the cluster-wide KubeletConfiguration, without what only this node's config.yaml carries
  const { doc, warnings } = kubeletConfiguration(ctx.cfg, factsFor(ctx.cfg.kubernetesVersion).node);
  for (const w of warnings) ctx.report.warn(w);
  const document = await renderKubeletConfiguration(doc);
  const client = await ctx.kube();
  for (const r of await applyAll(client, kubeletConfigObjects(document, ctx.cfg.kubeletConfiguration !== undefined))) ctx.report.result(r.kind, r.message);

  if (!writesCriSocketAnnotation(ctx.cfg.kubernetesVersion, ctx.cfg.featureGates)) return;
  const name = ctx.cfg.nodeRegistration.name;
  const socket = ctx.cfg.nodeRegistration.criSocket;
  if (client.dryRun) return ctx.report.result('object', `Node ${name} would get annotation ${CRI_SOCKET_ANNOTATION}=${socket}`);
  const { patchNode } = await import('../../kube/node.js');
  const { nodeRegistrationWait } = await import('../../kubelet/control-plane-wait.js');
  ctx.report.info(`waiting for the kubelet to register Node ${name} (${ctx.cfg.timeouts.kubernetesAPICallMs / 1000}s, longer while the kubelet is healthy)`);
  const done = await patchNode(
    client,
    name,
    ctx.cfg.timeouts.kubernetesAPICallMs,
    (n) => (n.metadata.annotations?.[CRI_SOCKET_ANNOTATION] === socket ? undefined : { metadata: { resourceVersion: n.metadata.resourceVersion, annotations: { [CRI_SOCKET_ANNOTATION]: socket } } }),
    nodeRegistrationWait(ctx.cfg, name, (m) => ctx.report.info(m)),
  );
  ctx.report.result('object', `Node ${name} annotation ${CRI_SOCKET_ANNOTATION}=${socket} ${done === 'patched' ? 'set' : 'unchanged'}`);
}

export const uploadConfigPhase: Phase<InitContext> = {
  name: 'upload-config',
  short: 'Upload the kubeadm and kubelet configuration to a ConfigMap',
  flags: ['config', 'dry-run', 'rootfs', 'kubeconfig-dir'],
  children: [
    { name: 'kubeadm', short: 'Upload the kubeadm ClusterConfiguration to a ConfigMap', run: uploadKubeadm },
    { name: 'kubelet', short: 'Upload the kubelet component config to a ConfigMap', run: uploadKubelet },
  ],
};

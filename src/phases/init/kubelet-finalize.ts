// The kubelet-finalize phase of init: after the kubelet's TLS bootstrap, point kubelet.conf at
// its rotatable client certificate and restart it. Sub-phase names differ per minor (versions.ts).

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';
import { nodeFacts } from '../../config/versions.js';

type Ctx = Pick<InitContext, 'cfg' | 'paths' | 'host' | 'report'>;

async function rotate(ctx: Ctx, name: string): Promise<void> {
  const facts = nodeFacts(ctx.cfg.kubernetesVersion.minor);
  if (facts.kubeletFinalizeDeprecated === name) {
    ctx.report.warn(`the sub-phase "${name}" is deprecated in Kubernetes 1.${ctx.cfg.kubernetesVersion.minor}; use "enable-client-cert-rotation"`);
  }
  const { enableClientCertRotation } = await import('../../kubelet/cert-rotation.js');
  const r = await enableClientCertRotation(ctx.host, ctx.cfg, ctx.paths);
  if (r.kind === 'no-rotatable-cert') {
    ctx.report.info(`no ${r.pem} yet: kubelet client certificate rotation is not enabled, ${ctx.paths.kubeconfig('kubelet')} left as it is`);
    return;
  }
  if (r.kind === 'already') {
    ctx.report.info(`${r.kubeconfig} already points to the rotatable kubelet client certificate ${r.pem} (in a whole init, the kubelet's switch from standalone mode did it before its restart): nothing to change, no restart`);
    return;
  }
  ctx.report.result('file', `updated ${r.kubeconfig} to point to a rotatable kubelet client certificate and key (${r.pem})`);
  const { restartKubelet } = await import('../../kubelet/kubelet-files.js');
  const outcome = await restartKubelet(ctx.host, ctx.paths);
  if (outcome.kind === 'restarted') ctx.report.info('restarted the kubelet so it uses the rotatable certificate');
  else ctx.report.warn(`restart the kubelet so it uses the rotatable certificate: ${outcome.kind === 'failed' ? outcome.output : 'no systemctl on this node'}`);
}

function subphase(name: string, hidden: boolean): Phase<InitContext> {
  return {
    name,
    short: 'Enable kubelet client certificate rotation',
    hidden,
    flags: ['config', 'dry-run', 'rootfs', 'cert-dir'],
    skipReason: (ctx) => (nodeFacts(ctx.cfg.kubernetesVersion.minor).kubeletFinalizeSubphases.includes(name) ? undefined : `not a sub-phase of kubelet-finalize in Kubernetes 1.${ctx.cfg.kubernetesVersion.minor}`),
    run: (ctx) => rotate(ctx, name),
  };
}

export const kubeletFinalizePhase: Phase<InitContext> = {
  name: 'kubelet-finalize',
  short: 'Updates settings relevant to the kubelet after TLS bootstrap',
  flags: ['config', 'dry-run', 'rootfs', 'cert-dir'],
  // in a whole init it runs beside wait-control-plane: it needs the kubelet on kubeadm's files
  run: async (ctx) => {
    if (!ctx.gates) return;
    ctx.report.info('waiting for the kubelet to run on kubeadm\'s files (wait-control-plane switches it once the API server answers)');
    await ctx.gates.kubeletOnKubeadmFiles.opened;
  },
  children: [subphase('enable-client-cert-rotation', false), subphase('experimental-cert-rotation', true)],
};

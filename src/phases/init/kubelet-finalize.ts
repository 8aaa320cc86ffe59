// The kubelet-finalize phase of init: after the kubelet's TLS bootstrap, point kubelet.conf at
// its rotatable client certificate and restart it (not in a whole init: see rotate). Sub-phase
// names differ per minor (versions.ts).

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';
import { nodeFacts } from '../../config/versions.js';

type Ctx = Pick<InitContext, 'cfg' | 'paths' | 'host' | 'report' | 'wholeInit'>;

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
    ctx.report.info(`${r.kubeconfig} already points to the rotatable kubelet client certificate ${r.pem}: nothing to change, no restart`);
    return;
  }
  ctx.report.result('file', `updated ${r.kubeconfig} to point to a rotatable kubelet client certificate and key (${r.pem})`);
  if (ctx.wholeInit) {
    // kubeadm restarts the kubelet here. The running kubelet already works from that store (it
    // wrote the pair there at its start, and rotates it there), so the restart changes nothing
    // now; and it would cost time: the kubelet probes each static pod's startupProbe anew after a
    // restart, and skips it (initialDelaySeconds 10) while the container is younger than 10 s,
    // so the control plane's pods would turn Ready a probe period later (docs/fast-init.md).
    ctx.report.info(`no kubelet restart: it already uses ${r.pem} (it wrote the pair there at its start); it reads the new ${r.kubeconfig} when it next restarts`);
    return;
  }
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
  // in a whole init it runs beside wait-control-plane, once the kubelet has written its client pair
  run: async (ctx) => {
    if (!ctx.gates) return;
    ctx.report.info('waiting for the API server to answer (by then the kubelet has written its client certificate store)');
    await ctx.gates.apiServer.opened;
  },
  children: [subphase('enable-client-cert-rotation', false), subphase('experimental-cert-rotation', true)],
};

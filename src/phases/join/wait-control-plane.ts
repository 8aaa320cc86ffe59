// The wait-control-plane phase of join (1.30+, §4.5): the new control-plane instance's
// components answer their health checks (1.30-1.32 only with feature gate
// WaitForAllControlPlaneComponents, on by default 1.33, always 1.34+), with init's wait and its
// crash-loop diagnosis. Workers skip it.

import type { Phase } from '../../workflow/phase.js';
import { workerSkip, type JoinContext } from './context.js';
import { JOIN_FLAGS } from './flags.js';

export const waitControlPlanePhase: Phase<JoinContext> = {
  name: 'wait-control-plane',
  short: 'Wait for the control plane to start',
  flags: JOIN_FLAGS,
  skipReason: workerSkip,
  run: async (ctx) => {
    const c = await ctx.cluster();
    const [{ joinWaitsForControlPlane }, w] = await Promise.all([import('../../config/versions.js'), import('../../kubelet/control-plane-wait.js')]);
    if (!joinWaitsForControlPlane(c.cfg.kubernetesVersion, c.cfg.featureGates)) {
      return ctx.report.info(`Kubernetes 1.${c.cfg.kubernetesVersion.minor}: wait-control-plane waits only with feature gate WaitForAllControlPlaneComponents (off), nothing to do`);
    }
    const { host, paths, report } = ctx;
    const targets = await w.controlPlaneTargets(host, c.cfg, paths);
    const timeoutMs = c.cfg.timeouts.controlPlaneComponentHealthCheckMs;
    report.info(`[control-plane-check] Waiting for healthy control plane components. This can take up to ${Math.round(timeoutMs / 60000)}m0s`);
    if (host.dryRun) return report.info(`would wait for ${targets.map((t) => `${t.name} at ${t.url}`).join(', ')}`);
    await w.waitForControlPlane({ host, cfg: c.cfg, paths, say: (m) => report.info(m) }, targets, await w.adminClientTls(host, paths));
    report.result('static-pod', `control plane up on this node: ${targets.map((t) => t.name).join(', ')} answer`);
  },
};

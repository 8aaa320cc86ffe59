// The wait-control-plane phase of init: wait for the kubelet, then for the static pods it runs
// (kube-apiserver, kube-controller-manager, kube-scheduler, etcd behind them) to answer.

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const waitControlPlanePhase: Phase<InitContext> = {
  name: 'wait-control-plane',
  short: 'Wait for the control plane to start',
  flags: ['config', 'dry-run', 'rootfs'],
  run: async (ctx: Pick<InitContext, 'cfg' | 'paths' | 'host' | 'report'>) => {
    const w = await import('../../kubelet/control-plane-wait.js');
    const { host, cfg, paths, report } = ctx;
    const targets = await w.controlPlaneTargets(host, cfg, paths);
    if (host.dryRun) {
      report.info(`would wait for the kubelet at ${w.kubeletHealthUrl(cfg)} and for ${targets.map((t) => `${t.name} at ${t.url}`).join(', ')}`);
      return;
    }
    const deps = { host, cfg, paths, say: (m: string) => report.info(m) };
    const kubeletMs = await w.waitForKubelet(deps);
    report.info(`the kubelet is healthy after ${(kubeletMs / 1000).toFixed(1)}s; it starts the static pods from ${paths.manifestsDir}`);
    await w.waitForControlPlane(deps, targets, await w.adminClientTls(host, paths));
    report.result('static-pod', `control plane up: ${targets.map((t) => t.name).join(', ')} answer (static pods run by the kubelet from ${paths.manifestsDir})`);
  },
};

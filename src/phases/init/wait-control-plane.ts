// The wait-control-plane phase of init: wait for the kubelet, then for the static pods it runs
// (kube-apiserver, kube-controller-manager, kube-scheduler, etcd behind them) to answer. In a
// whole init whose kubelet started in standalone mode, the moment the API server answers it
// also switches the kubelet to kubeadm's files (src/kubelet/standalone.ts).

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

type Ctx = Pick<InitContext, 'cfg' | 'paths' | 'host' | 'report' | 'standaloneKubelet'>;

export const waitControlPlanePhase: Phase<InitContext> = {
  name: 'wait-control-plane',
  short: 'Wait for the control plane to start',
  flags: ['config', 'dry-run', 'rootfs'],
  run: async (ctx: Ctx) => {
    const w = await import('../../kubelet/control-plane-wait.js');
    const { host, cfg, paths, report } = ctx;
    const targets = await w.controlPlaneTargets(host, cfg, paths);
    if (host.dryRun) {
      report.info(`would wait for the kubelet at ${w.kubeletHealthUrl(cfg)} and for ${targets.map((t) => `${t.name} at ${t.url}`).join(', ')}`);
      return;
    }
    const { inStandaloneBootstrap } = await import('../../kubelet/standalone.js');
    // only a whole init switches; the files say whether kubelet-start did start it standalone
    const standalone = ctx.standaloneKubelet === true && (await inStandaloneBootstrap(host, paths));
    const deps = { host, cfg, paths, say: (m: string) => report.info(m) };
    const kubeletMs = await w.waitForKubelet(deps);
    report.info(`the kubelet is healthy after ${(kubeletMs / 1000).toFixed(1)}s; it starts the static pods from ${paths.manifestsDir}${standalone ? ' (standalone mode)' : ''}`);

    const leaveStandalone = async () => {
      const { leaveStandalone: leave } = await import('../../kubelet/kubelet-files.js');
      const outcome = await leave(host, cfg, paths);
      report.result('file', `wrote kubeadm's ${paths.kubeletFlagsEnvFile} and removed ${paths.kubeletBootstrapConfigFile}: the API server answers, so the kubelet leaves standalone mode`);
      if (outcome.kind !== 'restarted') {
        const { HostError } = await import('../../errors.js');
        throw new HostError('KUBELET_RESTART_FAILED', `the kubelet could not be restarted with kubeadm's files: ${outcome.kind === 'failed' ? outcome.output : 'no systemctl'}`, `restart it by hand ("systemctl restart kubelet"), or run "mini-kubeadm init" again`);
      }
      const ms = await w.waitForKubelet({ ...deps, say: () => {} });
      report.info(`restarted the kubelet with kubeadm's files; healthy again after ${(ms / 1000).toFixed(1)}s: it adopts the running static pods and registers the Node`);
    };
    let switched: Promise<void> | undefined;
    const onHealthy = (name: string) => {
      if (standalone && name === 'kube-apiserver') switched = leaveStandalone();
    };
    try {
      await w.waitForControlPlane({ ...deps, onHealthy }, targets, await w.adminClientTls(host, paths));
    } catch (e) {
      await switched?.catch(() => undefined);
      throw e;
    }
    await switched;
    report.result('static-pod', `control plane up: ${targets.map((t) => t.name).join(', ')} answer (static pods run by the kubelet from ${paths.manifestsDir})`);
  },
};

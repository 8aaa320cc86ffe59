// The wait-control-plane phase of init: wait for the kubelet, then for the static pods it runs
// (kube-apiserver, kube-controller-manager, kube-scheduler, etcd behind them) to answer. In a
// whole init it also tells the phases beside it (ctx.gates) the moment the API server answers,
// and, if the kubelet started in standalone mode, switches it to kubeadm's files 4 s after the
// API server answers (src/kubelet/standalone.ts; SWITCH_AFTER_API_MS below says why 4 s).

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

type Ctx = Pick<InitContext, 'cfg' | 'paths' | 'host' | 'report' | 'standaloneKubelet' | 'gates' | 'kube'>;

/**
 * How long after the API server answers the standalone kubelet switches (docs/fast-init.md,
 * "Three timers"): its first status reconcile, ~10.7 s after that restart, must come after the
 * controller-manager has seen the node Ready (~9.5 s after the API answers here, seen within 5
 * s), or the static pods it marked NotReady wait for the next one, 10 s later.
 */
const SWITCH_AFTER_API_MS = 4_000;
type Waits = typeof import('../../kubelet/control-plane-wait.js');

export const waitControlPlanePhase: Phase<InitContext> = {
  name: 'wait-control-plane',
  short: 'Wait for the control plane to start',
  flags: ['config', 'dry-run', 'rootfs'],
  run: async (ctx: Ctx) => {
    try {
      const w = await import('../../kubelet/control-plane-wait.js');
      const { host, cfg, paths, report } = ctx;
      const targets = await w.controlPlaneTargets(host, cfg, paths);
      if (host.dryRun) {
        report.info(`would wait for the kubelet at ${w.kubeletHealthUrl(cfg)} and for ${targets.map((t) => `${t.name} at ${t.url}`).join(', ')}`);
        return;
      }
      await waitAndSwitch(ctx, w, targets);
    } catch (e) {
      // the phases beside this one stop waiting, with this failure
      ctx.gates?.apiServer.fail(e);
      ctx.gates?.kubeletOnKubeadmFiles.fail(e);
      throw e;
    } finally {
      // never leave them waiting (a no-op once opened or failed)
      ctx.gates?.apiServer.open();
      ctx.gates?.kubeletOnKubeadmFiles.open();
    }
  },
};

async function waitAndSwitch(ctx: Ctx, w: Waits, targets: Awaited<ReturnType<Waits['controlPlaneTargets']>>): Promise<void> {
  const { host, cfg, paths, report } = ctx;
  const { inStandaloneBootstrap } = await import('../../kubelet/standalone.js');
  // only a whole init switches; the files say whether kubelet-start did start it standalone
  const standalone = ctx.standaloneKubelet === true && (await inStandaloneBootstrap(host, paths));
  const deps = { host, cfg, paths, say: (m: string) => report.info(m) };
  const kubeletMs = await w.waitForKubelet(deps);
  report.info(`the kubelet is healthy after ${(kubeletMs / 1000).toFixed(1)}s; it starts the static pods from ${paths.manifestsDir}${standalone ? ' (standalone mode)' : ''}`);

  const leaveStandalone = async () => {
    const { leaveStandalone: leave } = await import('../../kubelet/kubelet-files.js');
    const left = await leave(host, cfg, paths);
    report.result('file', `wrote kubeadm's ${paths.kubeletFlagsEnvFile} and removed ${paths.kubeletBootstrapConfigFile}: the kubelet leaves standalone mode`);
    if (left.seed.kind === 'seeded' && left.rotation && left.rotation.kind !== 'no-rotatable-cert') {
      report.result(
        'file',
        `wrote ${left.seed.file} and linked ${left.seed.pem} to it (the kubelet's client certificate store, from ${left.rotation.kubeconfig}'s embedded pair), ` +
          `and pointed ${left.rotation.kubeconfig} at it: kubelet-finalize's change, made before this restart so the kubelet restarts once`,
      );
    }
    const outcome = left.service;
    if (outcome.kind !== 'restarted') {
      const { HostError } = await import('../../errors.js');
      throw new HostError('KUBELET_RESTART_FAILED', `the kubelet could not be restarted with kubeadm's files: ${outcome.kind === 'failed' ? outcome.output : 'no systemctl'}`, `restart it by hand ("systemctl restart kubelet"), or run "mini-kubeadm init" again`);
    }
    const ms = await w.waitForKubelet({ ...deps, say: () => {} });
    report.info(`restarted the kubelet with kubeadm's files; healthy again after ${(ms / 1000).toFixed(1)}s: it adopts the running static pods and registers the Node`);
    ctx.gates?.kubeletOnKubeadmFiles.open();
  };
  let switched: Promise<void> | undefined;
  const startSwitch = (why: string) => {
    if (!standalone || switched) return;
    report.info(`switching the kubelet to kubeadm's files: ${why}`);
    switched = leaveStandalone();
  };
  let due: { timer: NodeJS.Timeout; done: Promise<void> } | undefined;
  let accounts: Promise<void> | undefined;
  const onHealthy = (name: string) => {
    if (name !== 'kube-apiserver') return;
    ctx.gates?.apiServer.open();
    // a whole init makes the controller-manager's accounts before it asks for them (controller-accounts.ts)
    if (ctx.gates) accounts = makeControllerAccounts(ctx);
    if (!standalone) return void ctx.gates?.kubeletOnKubeadmFiles.open();
    report.info(`the API server answers; the kubelet switches to kubeadm's files in ${SWITCH_AFTER_API_MS / 1000}s, so that its first status reconcile comes after the node is Ready`);
    let fire!: () => void;
    const done = new Promise<void>((r) => (fire = r));
    due = { timer: setTimeout(() => (startSwitch(`${SWITCH_AFTER_API_MS / 1000}s after the API server answered`), fire()), SWITCH_AFTER_API_MS), done };
  };
  // The switch is due a few seconds after the API server answers: not during the control
  // plane's own start (measured: the API server healthy ~2 s sooner than with a switch as soon
  // as every static pod ran, which also polled crictl meanwhile), and late enough that the
  // kubelet's first status reconcile follows the node's Ready (SWITCH_AFTER_API_MS); the Node
  // still registers before the controller-manager's controllers run (~6.5 s after the API).
  try {
    await w.waitForControlPlane({ ...deps, onHealthy }, targets, await w.adminClientTls(host, paths));
  } catch (e) {
    if (due) clearTimeout(due.timer);
    await switched?.catch(() => undefined);
    await accounts;
    throw e;
  }
  await due?.done;
  await switched;
  await accounts;
  report.result('static-pod', `control plane up: ${targets.map((t) => t.name).join(', ')} answer (static pods run by the kubelet from ${paths.manifestsDir})`);
}

/**
 * Creates the ServiceAccounts the controller-manager would create for its controllers, all at
 * once, the moment the API server answers. Never fails the phase: the controller-manager makes
 * any that are missing itself, only more slowly.
 */
async function makeControllerAccounts(ctx: Pick<Ctx, 'cfg' | 'report' | 'kube'>): Promise<void> {
  const { controllerAccounts, CONTROLLER_ACCOUNTS_NAMESPACE } = await import('../../kube/objects/controller-accounts.js');
  const objects = controllerAccounts(ctx.cfg.kubernetesVersion.minor);
  try {
    const client = await ctx.kube();
    const results = await Promise.allSettled(objects.map((o) => client.create(o)));
    const count = (what: string) => results.filter((r) => r.status === 'fulfilled' && r.value === what).length;
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${objects[i]!.metadata.name}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`] : []));
    const [created, exists, forbidden] = [count('created'), count('exists'), count('forbidden')];
    ctx.report.result(
      'object',
      `ServiceAccounts for ${objects.length} controllers of kube-controller-manager in ${CONTROLLER_ACCOUNTS_NAMESPACE}: ${created} created, ${exists} already there ` +
        `(it makes them itself with --use-service-account-credentials, throttled to 20 requests/s; made ahead, its controllers start ~3 s sooner)`,
    );
    if (forbidden + failed.length > 0) {
      ctx.report.warn(`${forbidden + failed.length} of the controller-manager's ServiceAccounts could not be made ahead (${forbidden} forbidden${failed.length ? `; ${failed.join('; ')}` : ''}); it makes them itself`);
    }
  } catch (e) {
    ctx.report.warn(`the controller-manager's ServiceAccounts could not be made ahead (${e instanceof Error ? e.message : String(e)}); it makes them itself`);
  }
}

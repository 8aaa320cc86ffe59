// The wait-control-plane phase of init: wait for the kubelet, then for the static pods it runs
// (kube-apiserver, kube-controller-manager, kube-scheduler, etcd behind them) to answer. In a
// whole init it also tells the phases beside it (ctx.gates) the moment the API server answers,
// and then makes the controller-manager's controller ServiceAccounts ahead of it.

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

type Ctx = Pick<InitContext, 'cfg' | 'paths' | 'host' | 'report' | 'gates' | 'kube'>;

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
      await awaitControlPlane(ctx, w, targets);
    } catch (e) {
      // the phases beside this one stop waiting, with this failure
      ctx.gates?.apiServer.fail(e);
      throw e;
    } finally {
      // never leave them waiting (a no-op once opened or failed)
      ctx.gates?.apiServer.open();
    }
  },
};

async function awaitControlPlane(ctx: Ctx, w: Waits, targets: Awaited<ReturnType<Waits['controlPlaneTargets']>>): Promise<void> {
  const { host, cfg, paths, report } = ctx;
  const deps = { host, cfg, paths, say: (m: string) => report.info(m) };
  const kubeletMs = await w.waitForKubelet(deps);
  report.info(`the kubelet is healthy after ${(kubeletMs / 1000).toFixed(1)}s; it starts the static pods from ${paths.manifestsDir}`);
  // a whole init makes the controller-manager's accounts before it asks for them (controller-accounts.ts)
  const accounts = ctx.gates ? makeControllerAccounts(ctx, ctx.gates.apiServer.opened) : undefined;
  const onHealthy = (name: string) => {
    if (name === 'kube-apiserver') ctx.gates?.apiServer.open();
  };
  try {
    await w.waitForControlPlane({ ...deps, onHealthy }, targets, await w.adminClientTls(host, paths));
  } catch (e) {
    // the accounts' early tries go on until the gate settles: fail it before waiting for them
    // (awaited first, they waited for a gate only this catch could fail: init hung for good)
    ctx.gates?.apiServer.fail(e);
    throw e;
  } finally {
    await accounts;
  }
  report.result('static-pod', `control plane up: ${targets.map((t) => t.name).join(', ')} answer (static pods run by the kubelet from ${paths.manifestsDir})`);
}

/**
 * Creates the ServiceAccounts the controller-manager would create for its controllers, all at
 * once, as soon as the API server takes them: through super-admin.conf (system:masters, which
 * needs no RBAC object), tried every 250 ms while the API server starts, since the
 * controller-manager begins asking for them as soon as its RBAC rules exist, just before the API
 * server reports healthy. Never fails the phase: the controller-manager makes any that are
 * missing itself, only more slowly.
 */
async function makeControllerAccounts(ctx: Pick<Ctx, 'cfg' | 'report' | 'kube' | 'host' | 'paths'>, apiHealthy: Promise<void>): Promise<void> {
  const { controllerAccounts, CONTROLLER_ACCOUNTS_NAMESPACE } = await import('../../kube/objects/controller-accounts.js');
  const objects = controllerAccounts(ctx.cfg.kubernetesVersion.minor);
  let healthy = false;
  let gaveUp = false;
  apiHealthy.then(() => void (healthy = true), () => void (healthy = gaveUp = true));
  try {
    // early: one account at a time through super-admin.conf until the API server takes it
    const { kubeconfigClient } = await import('../../kube/connect.js');
    // short calls: each try must end soon while the API server starts
    const early = await kubeconfigClient(ctx, ctx.paths.kubeconfig('super-admin'), 2000);
    let first: string | undefined;
    while (early && !healthy && first === undefined) {
      const r = await early.create(objects[0]!).catch(() => undefined);
      if (r === 'created' || r === 'exists') first = r;
      else await new Promise((res) => setTimeout(res, 250));
    }
    // the wait failed: it says why; nothing to add
    if (first === undefined && gaveUp) return;
    // otherwise (no super-admin.conf, or the API server reported healthy first): admin.conf, once it answers
    const client = first !== undefined ? early! : (await apiHealthy, await ctx.kube());
    const rest = first !== undefined ? objects.slice(1) : objects;
    const settled = await Promise.allSettled(rest.map((o) => client.create(o)));
    const results: PromiseSettledResult<string>[] = first !== undefined ? [{ status: 'fulfilled', value: first }, ...settled] : settled;
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

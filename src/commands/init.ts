// `init` and `init phase ...`: load the configuration, build the context, run the selected
// phases with timing, and say what was done (or, on failure, what was left and how to undo it).

import type { FlagValues } from '../config/flags.js';
import type { HostAction } from '../host/host.js';
import { loadInitConfig } from '../config/load.js';
import { nodeHost } from '../host/node-host.js';
import { nodePaths } from '../host/paths.js';
import type { Io } from '../io.js';
import type { KubeClient } from '../kube/client.js';
import type { InitContext } from '../phases/context.js';
import { initKeyOrder, initPhases, initSchedule } from '../phases/init/index.js';
import { reporterFor } from '../report/for-io.js';
import { runPhases, runScheduled, selectPhases, PhaseFailedError } from '../workflow/runner.js';
import { printDryRunActions } from '../report/dry-run.js';

export async function runInit(io: Io, target: string | undefined, flags: FlagValues): Promise<void> {
  const startedAt = new Date();
  const report = await reporterFor(io, flags);
  try {
    const host = await nodeHost(flags, io);
    // a whole init asks `kubelet --version` (0.2-0.9 s: a 90 MB binary) while the configuration
    // loads; preflight and kubelet-start share the one answer (src/kubelet/node-decisions.ts)
    if (target === undefined) {
      const { kubeletVersion } = await import('../kubelet/node-decisions.js');
      void kubeletVersion(host).catch(() => undefined);
    }
    // selecting first means a typo in --skip-phases fails before anything is read or written
    const skip = typeof flags['skip-phases'] === 'string' ? flags['skip-phases'].split(',') : [];
    const selected = selectPhases(initPhases, target, target === undefined ? skip : []);
    const { cfg, opts, warnings } = await loadInitConfig({ flags, host, cwd: io.cwd, env: io.env, startedAt });
    for (const w of warnings) report.warn(w);
    const paths = nodePaths({ certificatesDir: cfg.certificatesDir, kubeconfigDir: opts.kubeconfigDir, etcdDataDir: cfg.etcd.local?.dataDir });
    let client: Promise<KubeClient> | undefined;
    const ctx: InitContext = {
      cfg,
      opts,
      paths,
      host,
      report,
      flags,
      state: new Map(),
      // in a whole init the phases beside wait-control-plane reach the API only once it answers
      kube: () => (client ??= (ctx.gates?.apiServer.opened ?? Promise.resolve()).then(() => import('../kube/connect.js')).then((m) => m.connect(ctx))),
    };
    const selectedWithConfigSkips = target === undefined ? selectPhases(initPhases, undefined, [...skip, ...cfg.skipPhases]) : selected;
    const runs = (name: string) => selectedWithConfigSkips.some((p) => p.path === name);
    ctx.wholeInit = target === undefined && !host.dryRun;
    if (ctx.wholeInit) ctx.runsPhase = runs;
    if (ctx.wholeInit && runs('wait-control-plane')) {
      const { Gate } = await import('../workflow/gate.js');
      ctx.gates = { apiServer: new Gate('the API server to answer'), kubeletConf: new Gate('kubelet.conf to be written'), staticPods: new Gate('the kubelet to start the static pods') };
    }
    // a whole init starts every key its certs and kubeconfig phases will need now, so they are
    // made on the thread pool while preflight waits on the node (src/pki/start-keys.ts)
    const keysEarly = ctx.wholeInit && (runs('certs') || runs('kubeconfig'));
    if (keysEarly) {
      const [{ startKeyGeneration }, { keyConcurrency }] = await Promise.all([import('../pki/start-keys.js'), import('../pki/key-pool.js')]);
      // with the kubelet started early (gates), keys leave one core to the critical path:
      // preflight, the CA and kubelet.conf, the kubelet's own start (on 2 cores, keys on both
      // starved them; giving the core back once kubelet.conf was written slowed the kubelet's
      // start instead: docs/fast-init.md, session 5); they are made in the order the schedule
      // takes them, and the ones taken after the last manifest wait for the static pods' start
      const { order, afterManifests } = initKeyOrder();
      const later = ctx.gates && runs('kubelet-start') ? { ids: afterManifests, until: ctx.gates.staticPods.opened } : undefined;
      void startKeyGeneration({ cfg, paths, host, state: ctx.state }, { certs: runs('certs'), kubeconfig: runs('kubeconfig') }, { concurrency: keyConcurrency(io.env, undefined, ctx.gates ? 1 : 0), order, later });
    }
    try {
      // one phase (or --dry-run) runs in kubeadm's order; a whole init by the overlapping schedule
      // a failed lane fails the gates, so no phase in another lane waits for them forever
      // and ends the soft waits (pod network, CoreDNS) of the lanes still running
      const stop = new AbortController();
      ctx.stopping = stop.signal;
      const failGates = (e: unknown) => {
        Object.values(ctx.gates ?? {}).forEach((g) => g.fail(e));
        stop.abort(e);
      };
      if (ctx.wholeInit) await runScheduled(ctx, selectedWithConfigSkips, initSchedule, report, undefined, failGates);
      else await runPhases(ctx, selectedWithConfigSkips, report);
    } catch (e) {
      // keys queued for phases that will not run now must not hold the exit up
      if (keysEarly) (await import('../pki/start-keys.js')).stopKeyGeneration(ctx.state);
      if (e instanceof PhaseFailedError && target === undefined && !host.dryRun && stillWritten(host.actions).length > 0) {
        report.warn(`init stopped at phase ${e.phasePath}; files it already wrote stay in place. Fix the cause and run init again (it reuses what is valid), or run "mini-kubeadm reset" to undo everything.`);
      }
      throw e;
    } finally {
      if (host.dryRun) printDryRunActions(report, host.actions);
    }
  } finally {
    report.close();
  }
}

/** what this run wrote (files, directories, links) and has not removed again */
export function stillWritten(actions: readonly HostAction[]): string[] {
  const there = new Set<string>();
  for (const a of actions) {
    if (a.kind === 'write' || a.kind === 'mkdir' || a.kind === 'symlink') there.add(a.path);
    else if (a.kind === 'remove') for (const p of [...there]) if (p === a.path || p.startsWith(`${a.path}/`)) there.delete(p);
  }
  return [...there];
}

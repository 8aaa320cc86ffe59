// The preflight phase of join: root first, then discovery and the cluster's configuration (the
// checks depend on the cluster's Kubernetes minor), then join's check table; exit code 2 if
// any check fails. Nothing is written.

import type { Phase } from '../../workflow/phase.js';
import type { JoinContext } from './context.js';
import { JOIN_FLAGS } from './flags.js';

export const preflightPhase: Phase<JoinContext> = {
  name: 'preflight',
  short: 'Run join pre-flight checks',
  long: 'Run pre-flight checks for kubeadm join.',
  flags: [...JOIN_FLAGS, 'ignore-preflight-errors', 'fix'],
  run: async (ctx) => {
    const [{ runInitPreflight, preflightFailure, privilegedUserCheck }, { ignoredChecks, isIgnored }, { realMachineProbe }, { joinChecks }] = await Promise.all([
      import('../../preflight/run.js'),
      import('../../preflight/ignore.js'),
      import('../../preflight/probe.js'),
      import('../../preflight/join-checks.js'),
    ]);
    const ignored = ignoredChecks(ctx.join.nodeRegistration.ignorePreflightErrors, undefined);
    const machine = await realMachineProbe();
    // kubeadm fails fast as a non-root user, before it reaches the network
    if (machine.uid() !== 0 && !isIgnored(ignored, privilegedUserCheck.name)) {
      const { PreflightError } = await import('../../errors.js');
      throw new PreflightError('preflight checks failed:\n[ERROR IsPrivilegedUser]: user is not running as root', 'run join as root (sudo), or pass --ignore-preflight-errors=IsPrivilegedUser');
    }
    ctx.report.info('[preflight] Running pre-flight checks');
    const c = await ctx.cluster();
    const bt = ctx.join.discovery.bootstrapToken;
    const cp = ctx.join.controlPlane ? await import('../../preflight/join-control-plane.js') : undefined;
    /** a control plane: init's rows for it; an earlier run of this join carries on (issue 14 item 5) */
    const controlPlaneChecks = async (m: NonNullable<typeof cp>, node: ReturnType<typeof joinChecks>) => {
      const all = [...node.filter((ch) => ch.name !== `FileAvailable-${ctx.join.caCertPath.replace(/\//g, '-')}`), ...m.controlPlaneJoinChecks(c.cfg)];
      if (!(await m.earlierJoinOfThisCluster(ctx.host, c.cfg, c.discovered.caPem))) return all;
      ctx.report.info('[preflight] this node holds the files of an earlier run of this join to the same cluster: carrying on with them');
      return m.carryOnFromEarlierJoin(all);
    };
    if (cp) {
      await cp.checkCanHostControlPlane(c.cfg, ctx.host);
      ctx.report.info('[preflight] Running pre-flight checks before initializing the new control plane instance');
    }
    const nodeChecks = joinChecks(c.cfg, { kubeconfigDir: ctx.paths.kubeconfigDir, caCertPath: ctx.join.caCertPath, endpointHost: bt?.apiServerEndpoint.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''), env: ctx.env });
    const outcome = await runInitPreflight({
      host: ctx.host,
      cfg: c.cfg,
      paths: ctx.paths,
      machine,
      ignored,
      fix: ctx.flags.fix === true,
      // a control plane may hold ca.crt already (copied by hand): that check is a worker's (§3.3)
      checks: cp ? await controlPlaneChecks(cp, nodeChecks) : nodeChecks,
    });
    for (const r of outcome.results.filter((x) => x.severity === 'note')) ctx.report.result('note', `[${r.name}]: ${r.message}`);
    for (const f of outcome.fixed) ctx.report.result('note', `--fix: ${f}`);
    for (const r of outcome.results.filter((x) => x.severity === 'warning')) {
      ctx.report.warn(`[WARNING ${r.name}]: ${r.message}${r.ignored ? ' (ignored)' : ''}\n    fix: ${r.fix}`);
    }
    const failure = preflightFailure(outcome.results);
    if (failure) throw failure;
  },
};

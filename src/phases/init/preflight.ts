// The preflight phase of init: run the check table (kubeadm's checks and mini-kubeadm's own
// containerd checks), apply safe fixes with --fix, and stop with exit code 2 if any check fails.

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const preflightPhase: Phase<InitContext> = {
  name: 'preflight',
  short: 'Run pre-flight checks',
  long: 'Run pre-flight checks for kubeadm init.',
  flags: ['config', 'dry-run', 'rootfs', 'kubernetes-version', 'image-repository', 'cri-socket', 'ignore-preflight-errors', 'node-name', 'apiserver-advertise-address', 'apiserver-bind-port', 'pod-network-cidr', 'service-cidr', 'fix', 'profile'],
  run: async (ctx: Pick<InitContext, 'cfg' | 'paths' | 'host' | 'report' | 'flags'>) => {
    const [{ runInitPreflight, preflightFailure }, { ignoredChecks }, { realMachineProbe }] = await Promise.all([
      import('../../preflight/run.js'),
      import('../../preflight/ignore.js'),
      import('../../preflight/probe.js'),
    ]);
    const ignored = ignoredChecks(ctx.cfg.nodeRegistration.ignorePreflightErrors, ctx.flags['ignore-preflight-errors']);
    ctx.report.info('running pre-flight checks');
    const outcome = await runInitPreflight({
      host: ctx.host,
      cfg: ctx.cfg,
      paths: ctx.paths,
      machine: await realMachineProbe(),
      ignored,
      fix: ctx.flags.fix === true,
      say: (m) => ctx.report.info(m),
    });
    for (const f of outcome.fixed) ctx.report.result('note', `--fix: ${f}`);
    const notes = outcome.results.filter((x) => x.severity === 'note');
    if (notes.length) {
      ctx.report.info(`an earlier init of this cluster left its control plane on this node (its manifests are what this init writes): init carries on with it (to start afresh instead: mini-kubeadm reset)\n${notes.map((n) => `    ${n.message}`).join('\n')}`);
    }
    for (const r of outcome.results.filter((x) => x.severity === 'warning')) {
      ctx.report.warn(`[WARNING ${r.name}]: ${r.message}${r.ignored ? ' (ignored)' : ''}\n    fix: ${r.fix}`);
    }
    const failure = preflightFailure(outcome.results);
    if (failure) throw failure;
  },
};

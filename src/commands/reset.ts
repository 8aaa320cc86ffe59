// `reset` and `reset phase ...`: undo what init did on this node, best effort, step by step;
// then one summary of what went and of every leftover with its error (exit 1 if any).

import path from 'node:path';
import type { FlagValues } from '../config/flags.js';
import { HostError } from '../errors.js';
import { nodeHost } from '../host/node-host.js';
import { nodePaths, DEFAULT_CERT_DIR, DEFAULT_KUBERNETES_DIR } from '../host/paths.js';
import type { Io } from '../io.js';
import type { ResetContext } from '../phases/reset/context.js';
import { resetPhases } from '../phases/reset/index.js';
import { reporterFor } from '../report/for-io.js';
import { printDryRunActions } from '../report/dry-run.js';
import type { Reporter } from '../report/reporter.js';
import { runPhases, selectPhases } from '../workflow/runner.js';

const WARNING =
  "[reset] WARNING: Changes made to this host by 'mini-kubeadm init' or 'mini-kubeadm join' will be reverted,\n" +
  '[reset] and what the pod network and kube-proxy left (interfaces, iptables chains, CNI files) removed.';

/** kubeadm ≤ 1.32's note on what reset leaves; the CNI and iptables parts are done by cleanup-network */
const KUBECONFIG_NOTE =
  'The reset process does not clean your kubeconfig files and you must remove them manually.\n' +
  'Please, check the contents of the $HOME/.kube/config file.';

/** kubeadm 1.33+'s note, for when cleanup-network was skipped */
const KUBEADM_NOTE =
  'The reset process does not perform cleanup of CNI plugin configuration,\n' +
  'network filtering rules and kubeconfig files.\n\n' +
  'For information on how to perform this cleanup manually, please see:\n' +
  '    https://k8s.io/docs/reference/setup-tools/kubeadm/kubeadm-reset/';

export async function runReset(io: Io, target: string | undefined, flags: FlagValues): Promise<void> {
  const report = await reporterFor(io, flags);
  try {
    const host = await nodeHost(flags, io);
    const skip = typeof flags['skip-phases'] === 'string' ? flags['skip-phases'].split(',') : [];
    const selected = selectPhases(resetPhases, target, target === undefined ? skip : []);
    const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
    const certDir = str('cert-dir') ? path.resolve(io.cwd, str('cert-dir')!) : DEFAULT_CERT_DIR;
    const kubeconfigDir = str('kubeconfig-dir') ? path.resolve(io.cwd, str('kubeconfig-dir')!) : DEFAULT_KUBERNETES_DIR;
    const force = flags.force === true;
    let confirmed = force || host.dryRun;
    const ctx: ResetContext = {
      opts: { dryRun: host.dryRun, rootfs: str('rootfs') ?? '/', kubeconfigDir, startedAt: new Date(), verbose: flags.verbose === true },
      paths: nodePaths({ certificatesDir: certDir, kubeconfigDir }),
      host,
      report,
      flags,
      criSocket: str('cri-socket'),
      force,
      cleanupTmpDir: flags['cleanup-tmp-dir'] === true,
      async confirm() {
        if (confirmed) return;
        const { confirmReset } = await import('../reset/confirm.js');
        await confirmReset({ stdin: io.stdin, stderr: io.stderr }, WARNING);
        confirmed = true;
      },
      // kubeadm's order: the etcd data is emptied by cleanup-node, after the pods, when it runs
      dirsToClean: selected.some((p) => p.path === 'cleanup-node') ? [] : undefined,
      removed: [],
      failures: [],
    };
    // ask before the first phase starts: a terminal reporter's spinner would draw over the
    // question and swallow the answer (ora discards stdin while it spins); phases ask again as a
    // guard, which is then a no-op
    await ctx.confirm();
    try {
      await runPhases(ctx, selected, report);
    } finally {
      if (host.dryRun) printDryRunActions(report, host.actions);
    }
    summarise(ctx, report);
    if (ctx.failures.length > 0) {
      const n = ctx.failures.length;
      throw new HostError(
        'RESET_INCOMPLETE',
        `reset left ${n} thing${n === 1 ? '' : 's'} behind: ${ctx.failures.map((f) => f.what).join('; ')}`,
        'each leftover is listed above with its error; fix the cause and run reset again (it is safe to run twice)',
      );
    }
    if (target === undefined) report.print(`\n${selected.some((p) => p.path === 'cleanup-network') ? KUBECONFIG_NOTE : KUBEADM_NOTE}\n`);
  } finally {
    report.close();
  }
}

function summarise(ctx: ResetContext, report: Reporter): void {
  const verb = ctx.host.dryRun ? 'Would remove' : 'Removed';
  const lines: string[] = [];
  if (ctx.removed.length === 0) lines.push('[reset] Nothing to remove: nothing that init, the kubelet or the pod network leaves is on this node.');
  else {
    lines.push(`[reset] ${verb} (${ctx.removed.length}):`);
    for (const r of ctx.removed) lines.push(`  - ${r.what}  [${r.step}]`);
  }
  if (ctx.failures.length > 0) {
    lines.push(`[reset] Left behind (${ctx.failures.length}):`);
    for (const f of ctx.failures) lines.push(`  - ${f.what}: ${f.error}  [${f.step}]`);
  }
  report.print(lines.join('\n'));
}

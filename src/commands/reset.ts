// `reset` and `reset phase ...`: undo what init did on this node, best effort, step by step.

import type { FlagValues } from '../config/flags.js';
import { nodeHost } from '../host/node-host.js';
import { nodePaths, DEFAULT_CERT_DIR, DEFAULT_KUBERNETES_DIR } from '../host/paths.js';
import type { Io } from '../io.js';
import type { ResetContext } from '../phases/reset/context.js';
import { resetPhases } from '../phases/reset/index.js';
import { reporterFor } from '../report/for-io.js';
import { printDryRunActions } from '../report/dry-run.js';
import { runPhases, selectPhases } from '../workflow/runner.js';
import path from 'node:path';

export async function runReset(io: Io, target: string | undefined, flags: FlagValues): Promise<void> {
  const report = await reporterFor(io, flags);
  try {
    const host = await nodeHost(flags, io);
    const skip = typeof flags['skip-phases'] === 'string' ? flags['skip-phases'].split(',') : [];
    const selected = selectPhases(resetPhases, target, target === undefined ? skip : []);
    const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
    const certDir = str('cert-dir') ? path.resolve(io.cwd, str('cert-dir')!) : DEFAULT_CERT_DIR;
    const kubeconfigDir = str('kubeconfig-dir') ? path.resolve(io.cwd, str('kubeconfig-dir')!) : DEFAULT_KUBERNETES_DIR;
    const ctx: ResetContext = {
      opts: { dryRun: host.dryRun, rootfs: str('rootfs') ?? '/', kubeconfigDir, startedAt: new Date(), verbose: flags.verbose === true },
      paths: nodePaths({ certificatesDir: certDir, kubeconfigDir }),
      host,
      report,
      flags,
      criSocket: str('cri-socket') ?? 'unix:///var/run/containerd/containerd.sock',
      failures: [],
    };
    try {
      await runPhases(ctx, selected, report);
    } finally {
      if (host.dryRun) printDryRunActions(report, host.actions);
    }
  } finally {
    report.close();
  }
}

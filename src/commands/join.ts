// `join` and `join phase ...`: load the JoinConfiguration (flags or --config), build the
// context, run the selected phases, and print kubeadm's closing text after a whole join.

import path from 'node:path';
import type { FlagValues } from '../config/flags.js';
import { nodeHost } from '../host/node-host.js';
import { nodePaths } from '../host/paths.js';
import type { Io } from '../io.js';
import type { JoinCluster, JoinContext } from '../phases/join/context.js';
import { joinPhases } from '../phases/join/index.js';
import { reporterFor } from '../report/for-io.js';
import { printDryRunActions } from '../report/dry-run.js';
import { runPhases, selectPhases, PhaseFailedError } from '../workflow/runner.js';
import { stillWritten } from './init.js';

/** kubeadm's joinWorkerNodeDoneMsg (§6), byte for byte */
export const WORKER_DONE_TEXT =
  '\nThis node has joined the cluster:\n' +
  '* Certificate signing request was sent to apiserver and a response was received.\n' +
  '* The Kubelet was informed of the new secure connection details.\n\n' +
  "Run 'kubectl get nodes' on the control-plane to see this node join the cluster.\n\n";

/** kubeadm's joinControPlaneDoneTemp (§6); with external etcd the etcd line is an empty line */
export function controlPlaneDoneText(stackedEtcd: boolean): string {
  return (
    '\nThis node has joined the cluster and a new control plane instance was created:\n\n' +
    '* Certificate signing request was sent to apiserver and approval was received.\n' +
    '* The Kubelet was informed of the new secure connection details.\n' +
    '* Control plane label and taint were applied to the new node.\n' +
    '* The Kubernetes control plane instances scaled up.\n' +
    (stackedEtcd ? '* A new etcd member was added to the local/stacked etcd cluster.\n' : '\n') +
    '\nTo start administering your cluster from this node, you need to run the following as a regular user:\n\n' +
    '\tmkdir -p $HOME/.kube\n' +
    '\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config\n' +
    '\tsudo chown $(id -u):$(id -g) $HOME/.kube/config\n\n' +
    "Run 'kubectl get nodes' to see this node join the cluster.\n\n"
  );
}

export async function runJoin(io: Io, target: string | undefined, flags: FlagValues): Promise<void> {
  const report = await reporterFor(io, flags);
  try {
    const host = await nodeHost(flags, io);
    // as init: a whole join asks `kubelet --version` (0.2-0.9 s: a 90 MB binary) while discovery
    // runs; preflight and kubelet-start share the one answer (src/kubelet/node-decisions.ts)
    if (target === undefined) {
      const { kubeletVersion } = await import('../kubelet/node-decisions.js');
      void kubeletVersion(host).catch(() => undefined);
    }
    const skip = typeof flags['skip-phases'] === 'string' ? flags['skip-phases'].split(',') : [];
    selectPhases(joinPhases, target, target === undefined ? skip : []); // a typo fails before anything is read
    const { loadJoinConfig } = await import('../config/join-load.js');
    const { join, warnings } = await loadJoinConfig({ flags, host, cwd: io.cwd });
    for (const w of warnings) report.warn(w);
    const selected = selectPhases(joinPhases, target, target === undefined ? [...skip, ...join.skipPhases] : []);
    const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
    let cluster: Promise<JoinCluster> | undefined;
    const ctx: JoinContext = {
      join,
      opts: { dryRun: host.dryRun, rootfs: str('rootfs') ? path.resolve(io.cwd, str('rootfs')!) : '/', kubeconfigDir: '/etc/kubernetes', startedAt: new Date(), verbose: flags.verbose === true },
      paths: nodePaths({ certificatesDir: path.posix.dirname(join.caCertPath), kubeconfigDir: '/etc/kubernetes' }),
      host,
      report,
      flags,
      env: io.env,
      state: new Map(),
      wholeJoin: target === undefined && !host.dryRun,
      cluster: () => (cluster ??= import('../phases/join/cluster.js').then((m) => m.findCluster(join, host, report))),
    };
    try {
      await runPhases(ctx, selected, report);
    } catch (e) {
      if (e instanceof PhaseFailedError && !host.dryRun && stillWritten(host.actions).length > 0) {
        report.warn(
          join.controlPlane
            ? `join stopped at phase ${e.phasePath}; files it already wrote stay in place. Fix the cause and run the same join again (it carries on with them), or "mini-kubeadm reset" to start over.`
            : `join stopped at phase ${e.phasePath}; files it already wrote stay in place. Fix the cause and run "mini-kubeadm reset" before joining again.`,
        );
      }
      throw e;
    } finally {
      if (host.dryRun) printDryRunActions(report, host.actions);
    }
    if (target === undefined) report.print(join.controlPlane ? controlPlaneDoneText(!!(await ctx.cluster()).cfg.etcd.local) : WORKER_DONE_TEXT);
  } finally {
    report.close();
  }
}

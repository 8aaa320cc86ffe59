// reset/cleanup-node: kubeadm's node cleanup (kubelet, pods, mounts, files), as the table of
// steps in src/reset/node-steps.ts.

import type { Phase } from '../../workflow/phase.js';
import type { ResetContext } from './context.js';
import { stepLogs } from './step-log.js';

export const cleanupNodePhase: Phase<ResetContext> = {
  name: 'cleanup-node',
  short: 'Run cleanup node.',
  long: 'Stop the kubelet, remove the pods through the CRI, unmount what is mounted under /var/lib/kubelet, empty the etcd data directory remove-etcd-member found, /var/lib/kubelet, /etc/kubernetes/manifests and the cert dir, and delete the kubeconfig files.',
  flags: ['dry-run', 'rootfs', 'force', 'cert-dir', 'cri-socket', 'cleanup-tmp-dir'],
  async run(ctx) {
    await ctx.confirm();
    const { runSteps } = await import('../../reset/steps.js');
    const { nodeSteps } = await import('../../reset/node-steps.js');
    const env = { host: ctx.host, paths: ctx.paths, criSocket: ctx.criSocket, cleanupTmpDir: ctx.cleanupTmpDir, dirsToClean: ctx.dirsToClean };
    await runSteps(nodeSteps, env, stepLogs(ctx, 'cleanup-node'));
  },
};

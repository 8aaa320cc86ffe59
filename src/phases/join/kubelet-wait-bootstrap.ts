// The kubelet-wait-bootstrap phase of join (1.31+, run when feature gate
// ControlPlaneKubeletLocalMode is on, always 1.35+): wait until the kubelet is healthy and has
// written kubelet.conf; then the CRI socket annotation where the minor writes it, and
// bootstrap-kubelet.conf goes (also when the wait fails), as kubeadm does.

import type { KubeClient } from '../../kube/client.js';
import type { Phase } from '../../workflow/phase.js';
import type { JoinCluster, JoinContext } from './context.js';
import { JOIN_FLAGS } from './flags.js';

/** the wait, the annotation and the removal of bootstrap-kubelet.conf; kubelet-start calls it for the minors that wait there */
export async function finishTlsBootstrap(ctx: Pick<JoinContext, 'host' | 'paths' | 'report' | 'state' | 'wholeJoin'>, c: JoinCluster): Promise<void> {
  const { host, paths, report } = ctx;
  const bootstrapConf = paths.kubeconfig('bootstrap-kubelet');
  if (host.dryRun) {
    report.info('[kubelet-wait] Would wait for the kubelet to be bootstrapped');
    return;
  }
  try {
    const { waitForTlsBootstrap } = await import('../../kubelet/tls-bootstrap-wait.js');
    await waitForTlsBootstrap({ host, cfg: c.cfg, paths, say: (m) => report.info(m) });
    report.result('file', `the kubelet wrote ${paths.kubeconfig('kubelet')}: its client certificate was signed by the cluster (TLS bootstrap done)`);
    ctx.state.set('bootstrapped', true);
    // the node's client, made only when something below uses it
    let client: Promise<KubeClient> | undefined;
    const node = () => (client ??= nodeClient(ctx, c));
    await annotateCriSocket(ctx, c, node);
    if (ctx.wholeJoin) await podNetworkConfigAhead(ctx, c, node);
  } finally {
    await host.remove(bootstrapConf);
    report.result('file', `removed ${bootstrapConf} (the bootstrap token is no longer needed on this node)`);
  }
}

/** a client with the node's own credentials (kubelet.conf, written by the TLS bootstrap) */
async function nodeClient(ctx: Pick<JoinContext, 'host' | 'paths'>, c: JoinCluster): Promise<KubeClient> {
  const { httpKubeClient } = await import('../../kube/http-client.js');
  const file = ctx.paths.kubeconfig('kubelet');
  return httpKubeClient({ kubeconfig: (await ctx.host.readText(file))!, kubeconfigPath: file, callTimeoutMs: c.cfg.timeouts.kubernetesAPICallMs, readFile: (p) => ctx.host.readFile(p) });
}

async function annotateCriSocket(ctx: Pick<JoinContext, 'report'>, c: JoinCluster, node: () => Promise<KubeClient>): Promise<void> {
  const { writesCriSocketAnnotation } = await import('../../config/versions.js');
  if (!writesCriSocketAnnotation(c.cfg.kubernetesVersion, c.cfg.featureGates)) return;
  const [{ patchNode }, { CRI_SOCKET_ANNOTATION }, { kubeletNodeName }] = await Promise.all([
    import('../../kube/node.js'),
    import('../../kube/objects/kubelet-config.js'),
    import('../../kubelet/flags-env.js'),
  ]);
  const name = kubeletNodeName(c.cfg);
  const socket = c.cfg.nodeRegistration.criSocket;
  const done = await patchNode(await node(), name, c.cfg.timeouts.kubernetesAPICallMs, (n) => (n.metadata.annotations?.[CRI_SOCKET_ANNOTATION] === socket ? undefined : { metadata: { resourceVersion: n.metadata.resourceVersion, annotations: { [CRI_SOCKET_ANNOTATION]: socket } } }));
  ctx.report.result('object', `Node ${name} annotation ${CRI_SOCKET_ANNOTATION}=${socket} ${done === 'patched' ? 'set' : 'unchanged'}`);
}

/** how long a whole join looks for the pod network agent's pod on this node (src/addons/cni-ahead.ts) */
export const CNI_AHEAD_DEADLINE_MS = 3000;

/**
 * A whole join, once the kubelet has its credentials: the CNI config the pod network agent's pod
 * on this node would copy, written ahead of it (src/addons/cni-ahead.ts; docs/differences.md).
 * Nothing when the node has a CNI config already; never fails the join.
 */
async function podNetworkConfigAhead(ctx: Pick<JoinContext, 'host' | 'paths' | 'report'>, c: JoinCluster, node: () => Promise<KubeClient>): Promise<void> {
  const dir = ctx.paths.cniConfDir;
  if ((await ctx.host.listDir(dir).catch(() => [] as string[])).some((f) => /\.(conf|conflist|json)$/.test(f))) return;
  const [{ cniConfigFromNodePods, writeCniConfigAhead }, { kubeletNodeName }] = await Promise.all([import('../../addons/cni-ahead.js'), import('../../kubelet/flags-env.js')]);
  try {
    const conf = await cniConfigFromNodePods(await node(), kubeletNodeName(c.cfg), { deadlineMs: CNI_AHEAD_DEADLINE_MS });
    // only into this node's CNI config directory, whatever hostPath the cluster's pod names
    if (conf && conf.path.slice(0, conf.path.lastIndexOf('/')) !== dir.replace(/\/$/, '')) {
      ctx.report.info(`[pod-network] ${conf.agent} copies its CNI config to ${conf.path}, outside ${dir}: not written ahead; its agent writes it`);
      return;
    }
    if (!conf) {
      ctx.report.info(`[pod-network] no pod network agent with an install-cni copy on this node within ${CNI_AHEAD_DEADLINE_MS / 1000}s: the node turns Ready once its network agent writes the CNI config`);
      return;
    }
    ctx.report.result('file', await writeCniConfigAhead(ctx.host, conf, conf.agent));
  } catch (e) {
    ctx.report.info(`[pod-network] the pod network's CNI config was not written ahead (${e instanceof Error ? e.message : String(e)}): its agent writes it`);
  }
}

export const kubeletWaitBootstrapPhase: Phase<JoinContext> = {
  name: 'kubelet-wait-bootstrap',
  short: 'Wait for the kubelet to bootstrap itself',
  flags: JOIN_FLAGS,
  run: async (ctx) => {
    const [c, { joinWaitsInOwnPhase }] = await Promise.all([ctx.cluster(), import('../../config/versions.js')]);
    if (!joinWaitsInOwnPhase(c.cfg.kubernetesVersion, c.cfg.featureGates)) {
      ctx.report.info(`Kubernetes 1.${c.cfg.kubernetesVersion.minor} (feature gate ControlPlaneKubeletLocalMode off): kubelet-start waits for the TLS bootstrap, nothing to do here`);
      return;
    }
    await finishTlsBootstrap(ctx, c);
  },
};

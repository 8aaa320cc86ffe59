// The addon phase of init: the pod network (--cni: flannel by default, none, or a manifest
// file), kube-proxy (a DaemonSet) and CoreDNS (a Deployment). All are dynamic workloads:
// controllers make their pods, unlike the static pods of the control plane. The pod network
// comes first: the node turns Ready only once its CNI config exists.

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

type Ctx = Pick<InitContext, 'cfg' | 'host' | 'report' | 'kube'>;

/** the CniPlan the cni sub-phase applied in this run, for coredns */
const POD_NETWORK_STATE = 'pod-network';
/** how long a whole init holds CoreDNS back for the pod network before applying it anyway */
const POD_NETWORK_GRACE_MS = 60_000;
/** how long a whole init waits for CoreDNS's pods to turn Ready (it goes on without them after) */
const COREDNS_READY_GRACE_MS = 60_000;

async function applyAndReport(ctx: Ctx, objects: import('../../kube/client.js').KubeObject[]): Promise<void> {
  const { applyAll } = await import('../../kube/apply.js');
  for (const r of await applyAll(await ctx.kube(), objects)) ctx.report.result(r.kind, r.message);
}

/**
 * In a whole init that just applied the pod network: wait (softly) until its agent is up on
 * this node. CoreDNS pods scheduled before that fail their sandbox and wait out the kubelet's
 * 10 s back-off; applied after, they start at once.
 */
async function awaitPodNetwork(ctx: Pick<InitContext, 'host' | 'report' | 'state' | 'wholeInit' | 'stopping'>): Promise<boolean> {
  const plan = ctx.state.get(POD_NETWORK_STATE) as import('../../addons/cni.js').CniPlan | undefined;
  if (!ctx.wholeInit || !plan?.readyFile || ctx.host.dryRun) return false;
  const file = plan.readyFile;
  const { waitFor } = await import('../../host/wait.js');
  ctx.report.info(`holding CoreDNS back until ${plan.name} is up on this node (${file}), so its pods get an address at the first try (at most ${POD_NETWORK_GRACE_MS / 1000}s)`);
  try {
    const ms = await waitFor({ what: `${plan.name} on this node (${file})`, probe: () => ctx.host.exists(file), timeoutMs: POD_NETWORK_GRACE_MS, intervalMs: 200, signal: ctx.stopping });
    ctx.report.info(`${plan.name} is up on this node after ${(ms / 1000).toFixed(1)}s`);
    return true;
  } catch {
    // another lane failed: init is stopping, and says why
    if (ctx.stopping?.aborted) return false;
    ctx.report.warn(`${plan.name} is not up on this node after ${POD_NETWORK_GRACE_MS / 1000}s (no ${file}); applying CoreDNS anyway: its pods start once the pod network works ("kubectl -n kube-flannel get pods" shows why it does not)`);
    return false;
  }
}

/**
 * In a whole init whose pod network is up: wait (softly) until CoreDNS's pods are Ready, so that
 * init ends with the cluster's DNS answering. A pod whose readiness endpoint answers while the
 * kubelet still counts it not Ready (it lost the race of the kubelet's first probe, the next is
 * 10 s away) gets a transient annotation that makes the kubelet probe it again at once
 * (src/kube/readiness-recheck.ts).
 */
async function awaitCoreDns(ctx: Pick<InitContext, 'report' | 'kube' | 'stopping'>, replicas: number): Promise<void> {
  const [{ awaitReadyPods, RECHECK_ANNOTATION }, { probeHealth }] = await Promise.all([import('../../kube/readiness-recheck.js'), import('../../kubelet/http-probe.js')]);
  ctx.report.info(`waiting for CoreDNS's ${replicas} pods to turn Ready, so the cluster's DNS answers when init ends (at most ${COREDNS_READY_GRACE_MS / 1000}s)`);
  const r = await awaitReadyPods({
    client: await ctx.kube(),
    namespace: 'kube-system',
    selector: 'k8s-app=kube-dns',
    replicas,
    timeoutMs: COREDNS_READY_GRACE_MS,
    signal: ctx.stopping,
    probe: async (url) => (await probeHealth(url, { timeoutMs: 1000, accept: (c) => c >= 200 && c < 400 })).ok,
    onRecheck: (pod) =>
      ctx.report.info(`pod kube-system/${pod} answers on its readiness endpoint but the kubelet's first probe came too early (the next is 10s away): annotated ${RECHECK_ANNOTATION} so the kubelet probes it again now (removed once Ready)`),
  });
  if (r.ready) ctx.report.info(`CoreDNS is Ready after ${(r.ms / 1000).toFixed(1)}s`);
  else if (!ctx.stopping?.aborted) {
    const seen = r.last.map((p) => `${p.name}: ${p.deleting ? 'terminating' : p.running ? 'Running' : 'not running'}, ${p.ready ? 'Ready' : 'not Ready'}`).join('; ');
    ctx.report.warn(`CoreDNS is not Ready after ${COREDNS_READY_GRACE_MS / 1000}s (${seen || 'no pods yet'}); the cluster works without it but names do not resolve: "kubectl -n kube-system describe pods -l k8s-app=kube-dns" shows why`);
  }
}

/**
 * In a whole init: write the CNI config the pod network's agent would copy onto this node, the
 * same bytes, before it does (src/addons/cni-ahead.ts, the one place that does so). Why: the node is NotReady until that file exists, and the
 * controller-manager marks every pod on a NotReady node NotReady (again at each pod update while
 * its view of the node, refreshed every 5 s, says NotReady); the kubelet puts a static pod's Ready
 * back only in its status reconcile, every 10 s. Written while the API server starts, before the
 * kubelet registers the Node, the node is Ready when it registers and nothing is marked. The node
 * then says Ready some seconds before the agent gives pods addresses; the only pods in init that need one
 * are CoreDNS's, and coredns holds them back until the agent is up (awaitPodNetwork). Not in a
 * single phase run: pods already waiting there would be scheduled too early and back off 10 s.
 */
async function writeNodeConfigAhead(ctx: Pick<InitContext, 'host' | 'report' | 'wholeInit'>, plan: import('../../addons/cni.js').CniPlan): Promise<void> {
  if (!ctx.wholeInit || !plan.nodeConfig) return;
  const { writeCniConfigAhead } = await import('../../addons/cni-ahead.js');
  ctx.report.result('file', await writeCniConfigAhead(ctx.host, plan.nodeConfig, plan.name));
}

export const addonPhase: Phase<InitContext> = {
  name: 'addon',
  short: 'Install required addons for passing conformance tests',
  flags: ['config', 'dry-run', 'rootfs', 'kubeconfig-dir', 'kubernetes-version', 'image-repository', 'pod-network-cidr', 'service-cidr', 'service-dns-domain', 'apiserver-advertise-address', 'apiserver-bind-port', 'control-plane-endpoint', 'feature-gates', 'cni'],
  // in a whole init it runs beside wait-control-plane and starts the moment the API server answers
  run: async (ctx) => {
    if (!ctx.gates) return;
    // the pod network's node config goes in now, before the kubelet registers the Node (writeNodeConfigAhead)
    if (ctx.runsPhase?.('addon/cni')) {
      const { cniPlan } = await import('../../addons/cni.js');
      const plan = await cniPlan(ctx.cfg, ctx.host);
      if (plan) await writeNodeConfigAhead(ctx, plan);
    }
    ctx.report.info('waiting for the API server to answer (wait-control-plane) before applying the add-ons');
    await ctx.gates.apiServer.opened;
  },
  children: [
    {
      name: 'cni',
      short: 'Install the pod network add-on chosen with --cni (flannel by default)',
      skipReason: (ctx) => (ctx.cfg.cni.kind === 'none' ? '--cni none: install a pod network yourself ("kubectl apply -f <manifest>")' : undefined),
      run: async (ctx) => {
        const { cniPlan } = await import('../../addons/cni.js');
        const plan = await cniPlan(ctx.cfg, ctx.host);
        if (!plan) return;
        ctx.report.info(`pod network: ${plan.name}`);
        await applyAndReport(ctx, plan.objects);
        ctx.state.set(POD_NETWORK_STATE, plan);
      },
    },
    {
      name: 'kube-proxy',
      short: 'Install the kube-proxy addon to a Kubernetes cluster',
      skipReason: (ctx) => (ctx.cfg.proxy.disabled ? 'proxy.disabled is set in the ClusterConfiguration' : undefined),
      run: async (ctx) => {
        const { kubeProxyObjects } = await import('../../addons/kube-proxy.js');
        await applyAndReport(ctx, await kubeProxyObjects(ctx.cfg));
      },
    },
    {
      name: 'coredns',
      short: 'Install the CoreDNS addon to a Kubernetes cluster',
      skipReason: (ctx) => (ctx.cfg.dns.disabled ? 'dns.disabled is set in the ClusterConfiguration' : undefined),
      run: async (ctx) => {
        const { corednsObjects } = await import('../../addons/coredns.js');
        const client = await ctx.kube();
        // kubeadm keeps the replica count of a CoreDNS Deployment that already runs
        const existing = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'coredns', namespace: 'kube-system' });
        const objects = await corednsObjects(ctx.cfg, (existing?.spec as { replicas?: number } | undefined)?.replicas);
        // all but the Deployment at once; the Deployment, whose pods need the pod network, once it is up
        const makesPods = (o: { kind: string }) => o.kind === 'Deployment';
        await applyAndReport(ctx, objects.filter((o) => !makesPods(o)));
        const networkUp = await awaitPodNetwork(ctx);
        await applyAndReport(ctx, objects.filter(makesPods));
        const deployment = objects.find(makesPods) as { spec?: { replicas?: number } } | undefined;
        if (networkUp) await awaitCoreDns(ctx, deployment?.spec?.replicas ?? 1);
      },
    },
  ],
};

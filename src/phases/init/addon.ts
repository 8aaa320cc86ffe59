// The addon phase of init: CoreDNS (a Deployment), kube-proxy (a DaemonSet) and the pod
// network (--cni: flannel by default, none, or a manifest file). All are dynamic workloads:
// controllers make their pods, unlike the static pods of the control plane.

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

type Ctx = Pick<InitContext, 'cfg' | 'host' | 'report' | 'kube'>;

async function applyAndReport(ctx: Ctx, objects: import('../../kube/client.js').KubeObject[]): Promise<void> {
  const { applyAll } = await import('../../kube/apply.js');
  for (const r of await applyAll(await ctx.kube(), objects)) ctx.report.result(r.kind, r.message);
}

export const addonPhase: Phase<InitContext> = {
  name: 'addon',
  short: 'Install required addons for passing conformance tests',
  flags: ['config', 'dry-run', 'rootfs', 'kubeconfig-dir', 'kubernetes-version', 'image-repository', 'pod-network-cidr', 'service-cidr', 'service-dns-domain', 'apiserver-advertise-address', 'apiserver-bind-port', 'control-plane-endpoint', 'feature-gates', 'cni'],
  children: [
    {
      name: 'coredns',
      short: 'Install the CoreDNS addon to a Kubernetes cluster',
      skipReason: (ctx) => (ctx.cfg.dns.disabled ? 'dns.disabled is set in the ClusterConfiguration' : undefined),
      run: async (ctx) => {
        const { corednsObjects } = await import('../../addons/coredns.js');
        const client = await ctx.kube();
        // kubeadm keeps the replica count of a CoreDNS Deployment that already runs
        const existing = await client.get({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'coredns', namespace: 'kube-system' });
        await applyAndReport(ctx, await corednsObjects(ctx.cfg, (existing?.spec as { replicas?: number } | undefined)?.replicas));
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
      name: 'cni',
      short: 'Install the pod network add-on chosen with --cni (flannel by default)',
      skipReason: (ctx) => (ctx.cfg.cni.kind === 'none' ? '--cni none: install a pod network yourself ("kubectl apply -f <manifest>")' : undefined),
      run: async (ctx) => {
        const { cniPlan } = await import('../../addons/cni.js');
        const plan = await cniPlan(ctx.cfg, ctx.host);
        if (!plan) return;
        ctx.report.info(`pod network: ${plan.name}`);
        await applyAndReport(ctx, plan.objects);
      },
    },
  ],
};

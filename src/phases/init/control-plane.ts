// The control-plane phase of init: writes the static-pod manifests of kube-apiserver,
// kube-controller-manager and kube-scheduler (the kubelet runs them from the files).

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

type Ctx = Pick<InitContext, 'cfg' | 'paths' | 'host' | 'report'>;
type Component = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler';

/** the files a --profile gives the API server, before its manifest names them */
async function writeApiServerProfileFiles(ctx: Ctx): Promise<void> {
  const profile = (await import('../../profiles/profiles.js')).profileNamed(ctx.cfg.profile);
  if (!profile) return;
  const { writeProfileFiles } = await import('../../profiles/write.js');
  for (const line of await writeProfileFiles(ctx.host, profile)) ctx.report.result('file', `--profile ${profile.name}: ${line}`);
}

function writeComponent(component: Component, before?: (ctx: Ctx) => Promise<void>) {
  return async (ctx: Ctx): Promise<void> => {
    const { factsFor } = await import('../../config/versions.js');
    const { readNodeFacts, buildManifest, writeManifest } = await import('../../manifests/static-pod.js');
    const facts = factsFor(ctx.cfg.kubernetesVersion);
    await before?.(ctx);
    const node = await readNodeFacts(ctx.host, ctx.cfg, facts, process.env);
    const { text } = await buildManifest(component, ctx.cfg, node, facts);
    const { path, outcome } = await writeManifest(ctx.host, ctx.paths.manifestsDir, component, text);
    if (outcome === 'replaced') ctx.report.warn(`${path} existed with other content: regenerated (kubeadm regenerates its manifests too)`);
    const note = outcome === 'unchanged' ? ', unchanged' : '';
    ctx.report.result('static-pod', `${component}: ${path} (the kubelet starts it from the file${note})`);
  };
}

const sub = (name: string, component: Component, before?: (ctx: Ctx) => Promise<void>): Phase<InitContext> => ({
  name,
  short: `Generates the ${component} static Pod manifest`,
  run: writeComponent(component, before),
});

export const controlPlanePhase: Phase<InitContext> = {
  name: 'control-plane',
  short: 'Generate all static Pod manifest files necessary to establish the control plane',
  flags: ['config', 'dry-run', 'rootfs', 'cert-dir', 'apiserver-advertise-address', 'apiserver-bind-port', 'control-plane-endpoint', 'feature-gates', 'image-repository', 'kubernetes-version', 'pod-network-cidr', 'service-cidr', 'patches', 'profile'],
  run: async (ctx) => ctx.report.info(`Using manifest folder ${JSON.stringify(ctx.paths.manifestsDir)}`),
  children: [sub('apiserver', 'kube-apiserver', writeApiServerProfileFiles), sub('controller-manager', 'kube-controller-manager'), sub('scheduler', 'kube-scheduler')],
};

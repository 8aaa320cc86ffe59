// The kubeconfig phase of init: one sub-phase per row of the kubeconfig table. The parent
// names the kubeconfig dir and starts every missing client key at once.

import { KUBECONFIG_SPECS, type KubeconfigSpec } from '../../kubeconfig/specs.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';
import { pkiDeps } from './certs.js';

type KubeconfigContext = Pick<InitContext, 'cfg' | 'opts' | 'paths' | 'host' | 'report' | 'state' | 'gates'>;

const BASE_FLAGS = ['config', 'dry-run', 'rootfs', 'cert-dir', 'kubeconfig-dir', 'apiserver-advertise-address', 'apiserver-bind-port', 'control-plane-endpoint', 'kubernetes-version'];

const kubeconfigDeps = (ctx: KubeconfigContext) => pkiDeps(ctx);

function kubeconfigFilePhase(spec: KubeconfigSpec): Phase<InitContext> {
  return {
    name: spec.name,
    short: spec.short,
    long: `${spec.short}, and save it to ${spec.name}.conf file.`,
    flags: spec.name === 'kubelet' ? [...BASE_FLAGS, 'node-name'] : BASE_FLAGS,
    run: async (ctx) => {
      const { ensureKubeconfig } = await import('../../kubeconfig/ensure.js');
      const out = await ensureKubeconfig(await kubeconfigDeps(ctx), spec);
      const who = `user ${spec.user(ctx.cfg)}${spec.organizations(ctx.cfg).map((o) => `, group ${o}`).join('')}`;
      const what = {
        generated: `Wrote kubeconfig file ${out.file} (${who}; server ${out.server})`,
        existing: `Using existing kubeconfig file ${out.file} (server ${out.server})`,
        'existing-external-ca': `Using user-provided kubeconfig file ${out.file} (external CA; server ${out.server})`,
      }[out.kind];
      ctx.report.result('file', what);
      // a whole init starts the kubelet on it (initSchedule)
      if (spec.name === 'kubelet') ctx.gates?.kubeletConf.open();
    },
  };
}

export const kubeconfigPhase: Phase<InitContext> = {
  name: 'kubeconfig',
  short: 'Generate all kubeconfig files necessary to establish the control plane and the admin kubeconfig file',
  flags: [...BASE_FLAGS, 'node-name'],
  children: KUBECONFIG_SPECS.map(kubeconfigFilePhase),
  run: async (ctx) => {
    ctx.report.info(`Using kubeconfig folder "${ctx.paths.kubeconfigDir}"`);
    const { prefetchKubeconfigKeys } = await import('../../kubeconfig/ensure.js');
    await prefetchKubeconfigKeys(await kubeconfigDeps(ctx), KUBECONFIG_SPECS);
  },
};

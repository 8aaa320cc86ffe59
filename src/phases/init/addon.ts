// The addon phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const addonPhase: Phase<InitContext> = {
  name: 'addon',
  short: 'Install required addons for passing conformance tests',
  flags: ['config', 'dry-run', 'rootfs', 'kubeconfig-dir', 'kubernetes-version', 'image-repository', 'pod-network-cidr', 'service-cidr', 'service-dns-domain', 'apiserver-advertise-address', 'apiserver-bind-port', 'control-plane-endpoint', 'feature-gates', 'cni'],
  children: [
    { name: 'coredns', short: 'Run the coredns step', run: async () => { throw new NotImplementedError('phase addon/coredns'); } },
    { name: 'kube-proxy', short: 'Run the kube-proxy step', run: async () => { throw new NotImplementedError('phase addon/kube-proxy'); } },
    { name: 'cni', short: 'Run the cni step', run: async () => { throw new NotImplementedError('phase addon/cni'); } },
  ],
};

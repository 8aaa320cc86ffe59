// The kubeconfig phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const kubeconfigPhase: Phase<InitContext> = {
  name: 'kubeconfig',
  short: 'Generate all kubeconfig files necessary to establish the control plane and the admin kubeconfig file',
  flags: ['config', 'dry-run', 'rootfs', 'cert-dir', 'kubeconfig-dir', 'apiserver-advertise-address', 'apiserver-bind-port', 'control-plane-endpoint', 'node-name', 'kubernetes-version'],
  children: [
    { name: 'admin', short: 'Run the admin step', run: async () => { throw new NotImplementedError('phase kubeconfig/admin'); } },
    { name: 'super-admin', short: 'Run the super-admin step', run: async () => { throw new NotImplementedError('phase kubeconfig/super-admin'); } },
    { name: 'kubelet', short: 'Run the kubelet step', run: async () => { throw new NotImplementedError('phase kubeconfig/kubelet'); } },
    { name: 'controller-manager', short: 'Run the controller-manager step', run: async () => { throw new NotImplementedError('phase kubeconfig/controller-manager'); } },
    { name: 'scheduler', short: 'Run the scheduler step', run: async () => { throw new NotImplementedError('phase kubeconfig/scheduler'); } },
  ],
};

// The control-plane phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const controlPlanePhase: Phase<InitContext> = {
  name: 'control-plane',
  short: 'Generate all static Pod manifest files necessary to establish the control plane',
  flags: ['config', 'dry-run', 'rootfs', 'cert-dir', 'apiserver-advertise-address', 'apiserver-bind-port', 'control-plane-endpoint', 'feature-gates', 'image-repository', 'kubernetes-version', 'pod-network-cidr', 'service-cidr', 'patches'],
  children: [
    { name: 'apiserver', short: 'Run the apiserver step', run: async () => { throw new NotImplementedError('phase control-plane/apiserver'); } },
    { name: 'controller-manager', short: 'Run the controller-manager step', run: async () => { throw new NotImplementedError('phase control-plane/controller-manager'); } },
    { name: 'scheduler', short: 'Run the scheduler step', run: async () => { throw new NotImplementedError('phase control-plane/scheduler'); } },
  ],
};

// The upload-config phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const uploadConfigPhase: Phase<InitContext> = {
  name: 'upload-config',
  short: 'Upload the kubeadm and kubelet configuration to a ConfigMap',
  flags: ['config', 'dry-run', 'rootfs', 'kubeconfig-dir'],
  children: [
    { name: 'kubeadm', short: 'Run the kubeadm step', run: async () => { throw new NotImplementedError('phase upload-config/kubeadm'); } },
    { name: 'kubelet', short: 'Run the kubelet step', run: async () => { throw new NotImplementedError('phase upload-config/kubelet'); } },
  ],
};

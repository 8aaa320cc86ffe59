// The control-plane-prepare phase of join: certificates, kubeconfigs and manifests of a new
// control-plane instance. Workers skip it; a control-plane join is refused at load for now.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import { workerSkip, type JoinContext } from './context.js';
import { JOIN_FLAGS } from './flags.js';

const sub = (name: string, short: string): Phase<JoinContext> => ({ name, short, flags: JOIN_FLAGS, skipReason: workerSkip, run: async () => Promise.reject(new NotImplementedError(`join phase control-plane-prepare/${name}`)) });

export const controlPlanePreparePhase: Phase<JoinContext> = {
  name: 'control-plane-prepare',
  short: 'Prepare the machine for serving a control plane',
  flags: JOIN_FLAGS,
  skipReason: workerSkip,
  children: [
    sub('download-certs', 'Download certificates shared among control-plane nodes from the kubeadm-certs Secret'),
    sub('certs', 'Generate the certificates for the new control plane components'),
    sub('kubeconfig', 'Generate the kubeconfig for the new control plane components'),
    sub('control-plane', 'Generate the manifests for the new control plane components'),
  ],
};

// The control-plane-join phase of join: the new instance's etcd member (≤1.35), the deprecated
// update-status (≤1.30), and marking the node as a control plane. Workers skip it.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import { workerSkip, type JoinContext } from './context.js';
import { JOIN_FLAGS } from './flags.js';

const sub = (name: string, short: string): Phase<JoinContext> => ({ name, short, flags: JOIN_FLAGS, skipReason: workerSkip, run: async () => Promise.reject(new NotImplementedError(`join phase control-plane-join/${name}`)) });

export const controlPlaneJoinPhase: Phase<JoinContext> = {
  name: 'control-plane-join',
  short: 'Join a machine as a control plane instance',
  flags: JOIN_FLAGS,
  skipReason: workerSkip,
  children: [
    sub('etcd', 'Add a new local etcd member'),
    sub('update-status', "Register the new control-plane node into the ClusterStatus maintained in the kubeadm-config ConfigMap (DEPRECATED)"),
    sub('mark-control-plane', 'Mark a node as a control-plane'),
  ],
};

// The etcd-join phase of join (1.31+): add this control-plane node's etcd member before the
// kubelet bootstraps. Workers skip it.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import { workerSkip, type JoinContext } from './context.js';
import { JOIN_FLAGS } from './flags.js';

export const etcdJoinPhase: Phase<JoinContext> = {
  name: 'etcd-join',
  short: 'Join etcd for control plane nodes',
  flags: JOIN_FLAGS,
  skipReason: workerSkip,
  run: async () => Promise.reject(new NotImplementedError('join phase etcd-join')),
};

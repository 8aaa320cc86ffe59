// The check-etcd phase of join (hidden in kubeadm): the stacked etcd cluster is healthy before
// a control-plane node joins it. Workers skip it.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import { workerSkip, type JoinContext } from './context.js';
import { JOIN_FLAGS } from './flags.js';

export const checkEtcdPhase: Phase<JoinContext> = {
  name: 'check-etcd',
  short: 'Check that the local etcd cluster is healthy',
  flags: JOIN_FLAGS,
  skipReason: workerSkip,
  run: async () => Promise.reject(new NotImplementedError('join phase check-etcd')),
};

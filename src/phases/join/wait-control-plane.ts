// The wait-control-plane phase of join (1.30+): the new control-plane instance's components
// answer their health checks. Workers skip it.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import { workerSkip, type JoinContext } from './context.js';
import { JOIN_FLAGS } from './flags.js';

export const waitControlPlanePhase: Phase<JoinContext> = {
  name: 'wait-control-plane',
  short: 'Wait for the control plane to start',
  flags: JOIN_FLAGS,
  skipReason: workerSkip,
  run: async () => Promise.reject(new NotImplementedError('join phase wait-control-plane')),
};

// The wait-control-plane phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const waitControlPlanePhase: Phase<InitContext> = {
  name: 'wait-control-plane',
  short: 'Wait for the control plane to start',
  flags: ['config', 'dry-run', 'rootfs'],
  run: async () => {
    throw new NotImplementedError('phase wait-control-plane');
  },
};

// The mark-control-plane phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const markControlPlanePhase: Phase<InitContext> = {
  name: 'mark-control-plane',
  short: 'Mark a node as a control-plane',
  flags: ['config', 'dry-run', 'rootfs', 'kubeconfig-dir', 'node-name'],
  run: async () => {
    throw new NotImplementedError('phase mark-control-plane');
  },
};

// The show-join-command phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const showJoinCommandPhase: Phase<InitContext> = {
  name: 'show-join-command',
  short: 'Show the join command for control-plane and worker node',
  flags: ['config', 'dry-run', 'rootfs', 'kubeconfig-dir', 'skip-token-print', 'skip-certificate-key-print'],
  run: async () => {
    throw new NotImplementedError('phase show-join-command');
  },
};

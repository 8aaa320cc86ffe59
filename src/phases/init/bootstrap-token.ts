// The bootstrap-token phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const bootstrapTokenPhase: Phase<InitContext> = {
  name: 'bootstrap-token',
  short: 'Generates bootstrap tokens used to join a node to a cluster',
  flags: ['config', 'dry-run', 'rootfs', 'kubeconfig-dir', 'skip-token-print', 'token', 'token-ttl'],
  run: async () => {
    throw new NotImplementedError('phase bootstrap-token');
  },
};

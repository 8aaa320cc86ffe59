// The kubelet-finalize phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const kubeletFinalizePhase: Phase<InitContext> = {
  name: 'kubelet-finalize',
  short: 'Updates settings relevant to the kubelet after TLS bootstrap',
  flags: ['config', 'dry-run', 'rootfs', 'cert-dir'],
  children: [
    { name: 'enable-client-cert-rotation', short: 'Run the enable-client-cert-rotation step', run: async () => { throw new NotImplementedError('phase kubelet-finalize/enable-client-cert-rotation'); } },
  ],
};

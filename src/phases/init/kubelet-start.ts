// The kubelet-start phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const kubeletStartPhase: Phase<InitContext> = {
  name: 'kubelet-start',
  short: 'Write kubelet settings and (re)start the kubelet',
  flags: ['config', 'dry-run', 'rootfs', 'cri-socket', 'node-name', 'image-repository', 'patches'],
  run: async () => {
    throw new NotImplementedError('phase kubelet-start');
  },
};

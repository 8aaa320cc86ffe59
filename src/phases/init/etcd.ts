// The etcd phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const etcdPhase: Phase<InitContext> = {
  name: 'etcd',
  short: 'Generate static Pod manifest file for local etcd',
  flags: ['config', 'dry-run', 'rootfs', 'cert-dir', 'image-repository', 'kubernetes-version', 'apiserver-advertise-address', 'node-name', 'patches'],
  children: [
    { name: 'local', short: 'Run the local step', run: async () => { throw new NotImplementedError('phase etcd/local'); } },
  ],
  noAll: true,
};

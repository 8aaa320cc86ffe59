// The preflight phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const preflightPhase: Phase<InitContext> = {
  name: 'preflight',
  short: 'Run pre-flight checks',
  flags: ['config', 'dry-run', 'rootfs', 'kubernetes-version', 'image-repository', 'cri-socket', 'ignore-preflight-errors', 'node-name', 'apiserver-advertise-address', 'apiserver-bind-port', 'pod-network-cidr', 'service-cidr', 'fix'],
  run: async () => {
    throw new NotImplementedError('phase preflight');
  },
};

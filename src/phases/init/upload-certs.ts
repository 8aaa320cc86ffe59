// The upload-certs phase of init; its work lands with a later issue, until then it says so.

import { NotImplementedError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

export const uploadCertsPhase: Phase<InitContext> = {
  name: 'upload-certs',
  short: 'Upload certificates to kubeadm-certs',
  flags: ['config', 'dry-run', 'rootfs', 'kubeconfig-dir', 'upload-certs', 'certificate-key', 'skip-certificate-key-print'],
  run: async () => {
    throw new NotImplementedError('phase upload-certs');
  },
};

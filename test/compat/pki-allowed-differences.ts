// The differences between our certificates and kubeconfigs and kubeadm's that are intended,
// each with its reason (the same list, in prose, is docs/differences.md "Certificates and
// kubeconfigs"). components are file names (ca.crt, admin.conf); paths are fact names.

import type { AllowedDifference } from './allowed-differences.js';

export const PKI_ALLOWED: readonly AllowedDifference[] = [];

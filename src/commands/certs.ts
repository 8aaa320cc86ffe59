// `certs certificate-key`: a fresh key for the kubeadm-certs Secret (32 random bytes as hex), to
// hand to `init phase upload-certs --certificate-key` and to joining control planes.

import type { Io } from '../io.js';

export async function printCertificateKey(io: Io): Promise<void> {
  const { newCertificateKey } = await import('../kube/objects/kubeadm-certs.js');
  io.stdout.write(`${newCertificateKey()}\n`);
}

// The service-account token signing pair (sa.key, sa.pub): made with the certificates'
// algorithm, reused when present and consistent, refused when half of it is missing.

import { createPublicKey } from 'node:crypto';
import { HostError } from '../errors.js';
import { SA_KEY } from './cert-specs.js';
import { readKeyFile } from './cert-files.js';
import { KEY_MODE, loadCA, makeCertDir, type PkiDeps } from './ensure.js';
import { parsePublicKey, privateKeyPem, publicKeyPem, sameKey } from './keys.js';

export type SaOutcome =
  | { kind: 'generated'; key: string; pub: string }
  | { kind: 'existing'; key: string; pub: string }
  /** sa.key was there, sa.pub was not: sa.pub is derived from it */
  | { kind: 'public-key-restored'; key: string; pub: string };

export async function ensureServiceAccountKeys(deps: PkiDeps): Promise<SaOutcome> {
  const keyFile = deps.paths.pki(SA_KEY.privateKey);
  const pubFile = deps.paths.pki(SA_KEY.publicKey);
  const key = await readKeyFile(deps.host, keyFile);
  const pubData = await deps.host.readFile(pubFile);
  const redo = `delete ${keyFile} and ${pubFile} so they are made anew (or run "mini-kubeadm reset")`;

  if (key) {
    if (pubData === undefined) {
      await deps.host.writeFile(pubFile, publicKeyPem(createPublicKey(key)), KEY_MODE);
      return { kind: 'public-key-restored', key: keyFile, pub: pubFile };
    }
    const pub = parsePublicKey(pubData);
    if (!pub) throw new HostError('KEY_UNREADABLE', `${pubFile} is not a PEM public key`, redo);
    if (!sameKey(key, pub)) throw new HostError('SA_KEY_MISMATCH', `${pubFile} is not the public half of ${keyFile}`, redo);
    return { kind: 'existing', key: keyFile, pub: pubFile };
  }
  if (pubData !== undefined) {
    throw new HostError('SA_KEY_INCOMPLETE', `${pubFile} exists but ${keyFile} does not`, `put back ${keyFile}, or ${redo}`);
  }
  // with an external CA, kubeadm expects every credential, the signing pair included, to be provided
  const ca = await deps.host.exists(deps.paths.pki('ca.crt'));
  if (ca && !(await loadCA(deps, 'ca', keyFile)).key) {
    throw new HostError(
      'EXTERNAL_CA_MISSING_SA_KEY',
      `${keyFile} does not exist, and in external CA mode (ca.crt without ca.key) it is not generated`,
      `provide ${keyFile} and ${pubFile} (a key pair of your choice), or provide ${deps.paths.pki('ca.key')}`,
    );
  }

  const pair = await deps.keys.take(SA_KEY.name, deps.cfg.encryptionAlgorithm);
  await makeCertDir(deps);
  await deps.host.writeFile(keyFile, privateKeyPem(pair.privateKey), KEY_MODE);
  await deps.host.writeFile(pubFile, publicKeyPem(pair.publicKey), KEY_MODE);
  return { kind: 'generated', key: keyFile, pub: pubFile };
}

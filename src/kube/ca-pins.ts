// CA public-key pins for token discovery (kubeadm's pubkeypin): "sha256:<64 hex>" of the CA
// certificate's DER SubjectPublicKeyInfo; several pins may be given, one CA must match one.

import { X509Certificate } from 'node:crypto';
import { UserError } from '../errors.js';
import { caCertHash } from './objects/join.js';

const HINT =
  'give the pin init printed (--discovery-token-ca-cert-hash sha256:<64 hex digits>); on the control plane: ' +
  'openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl pkey -pubin -outform der | sha256sum';

/** kubeadm's pin parsing, with its texts (wrapped "invalid discovery token CA certificate hash: ...") */
export function parsePin(text: string): string {
  const bad = (why: string) => new UserError('JOIN_CA_HASH', `invalid discovery token CA certificate hash: ${why}`, HINT);
  const parts = text.split(':');
  if (parts.length !== 2) throw bad('invalid hash, expected "format:hex-value". Known format(s) are: sha256');
  const [format, value] = parts as [string, string];
  if (format.toLowerCase() !== 'sha256') throw bad(`unknown hash format "${format}". Known format(s) are: sha256`);
  if (!/^[0-9a-fA-F]*$/.test(value) || value.length % 2 !== 0) throw bad(`invalid hash "${value}": it is not hexadecimal`);
  if (value.length !== 64) throw bad(`invalid hash "${value}", expected a 32 byte SHA-256 hash, found ${value.length / 2} bytes`);
  return `sha256:${value.toLowerCase()}`;
}

export function parsePins(texts: readonly string[]): string[] {
  return texts.map(parsePin);
}

/** every certificate in a PEM bundle, with its pin */
export function pinsOfBundle(pem: string): { pin: string; subject: string }[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => ({ pin: caCertHash(b, 'the cluster CA in cluster-info'), subject: new X509Certificate(b).subject.replace(/\n/g, ', ') }));
}

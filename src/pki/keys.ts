// Private keys as kubeadm makes and stores them: generated with native crypto off the main
// thread (RSA from two OpenSSL primes: rsa-keygen.ts), written as PKCS#1 "RSA PRIVATE KEY" or
// SEC1 "EC PRIVATE KEY", public halves as PKIX "PUBLIC KEY"; and the signature hash each kind
// of key signs with (Go's choice).

import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import type { EncryptionAlgorithm } from '../config/types.js';
import { generateRsaKey } from './rsa-keygen.js';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function ecKey(namedCurve: 'prime256v1' | 'secp384r1'): Promise<KeyPair> {
  return new Promise((resolve, reject) =>
    generateKeyPair('ec', { namedCurve }, (err, publicKey, privateKey) => (err ? reject(err) : resolve({ privateKey, publicKey }))),
  );
}

export function generateKey(alg: EncryptionAlgorithm): Promise<KeyPair> {
  switch (alg) {
    case 'RSA-2048':
    case 'RSA-3072':
    case 'RSA-4096':
      return generateRsaKey(Number(alg.slice(4)));
    case 'ECDSA-P256':
      return ecKey('prime256v1');
    case 'ECDSA-P384':
      return ecKey('secp384r1');
  }
}

/** PKCS#1 for RSA, SEC1 for ECDSA: what kubeadm writes to *.key. */
export function privateKeyPem(key: KeyObject): string {
  const type = key.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1';
  return key.export({ type, format: 'pem' }).toString();
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** A private key from PEM (PKCS#1, SEC1 or PKCS#8); undefined when the text holds none. */
export function parsePrivateKey(pem: string | Buffer): KeyObject | undefined {
  try {
    return createPrivateKey(pem);
  } catch {
    return undefined;
  }
}

export function parsePublicKey(pem: string | Buffer): KeyObject | undefined {
  try {
    return createPublicKey(pem);
  } catch {
    return undefined;
  }
}

export function sameKey(a: KeyObject, b: KeyObject): boolean {
  const pub = (k: KeyObject) => (k.type === 'private' ? createPublicKey(k) : k).export({ type: 'spki', format: 'der' });
  return pub(a).equals(pub(b));
}

/** Go signs with SHA-256 for RSA and P-256, SHA-384 for P-384. */
export function signatureHash(signer: KeyObject): 'SHA-256' | 'SHA-384' | 'SHA-512' {
  const curve = signer.asymmetricKeyDetails?.namedCurve;
  if (curve === 'secp384r1') return 'SHA-384';
  if (curve === 'secp521r1') return 'SHA-512';
  return 'SHA-256';
}

/**
 * The SubjectKeyId Go's CreateCertificate gives a CA: a hash of the subjectPublicKey bits,
 * SHA-1 (RFC 5280) or SHA-256 truncated to 160 bits (RFC 7093, Go 1.25+).
 */
export function subjectKeyId(publicKey: KeyObject, hash: 'sha1' | 'sha256' = 'sha1'): Buffer {
  let bits: Buffer;
  if (publicKey.asymmetricKeyType === 'rsa') {
    bits = publicKey.export({ type: 'pkcs1', format: 'der' });
  } else {
    const jwk = publicKey.export({ format: 'jwk' });
    bits = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  }
  return createHash(hash).update(bits).digest().subarray(0, 20);
}

/** What a key is, for messages: "RSA-2048", "ECDSA-P256". */
export function describeKey(key: KeyObject): string {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') return `RSA-${d?.modulusLength ?? '?'}`;
  const curve = d?.namedCurve === 'prime256v1' ? 'P256' : d?.namedCurve === 'secp384r1' ? 'P384' : (d?.namedCurve ?? '?');
  return `ECDSA-${curve}`;
}

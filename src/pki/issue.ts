// Builds X.509 certificates with exactly kubeadm's fields and extensions (Go's
// x509.CreateCertificate as kubeadm calls it), through @peculiar/x509, which is loaded only
// when something is actually issued so that reusing existing files stays cheap.

import { randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import type { ExtKeyUsage } from './cert-specs.js';
import { ipBytes } from './ip-address.js';
import { signatureHash, subjectKeyId } from './keys.js';

export interface CertTemplate {
  commonName: string;
  organizations: readonly string[];
  isCA: boolean;
  usages: readonly ExtKeyUsage[];
  dns: readonly string[];
  ips: readonly string[];
  notBefore: Date;
  notAfter: Date;
  /** how a CA's SubjectKeyId is hashed (config/versions.ts, per minor) */
  subjectKeyIdHash: 'sha1' | 'sha256';
}

export interface Issuer {
  key: KeyObject;
  /** the issuing CA's certificate; absent for a self-signed certificate */
  certPem?: string;
}

let lib: Promise<typeof X509> | undefined;

/** Load @peculiar/x509 (its DI container needs the Reflect polyfill first); call early to overlap with key generation. */
export function loadX509(): Promise<typeof X509> {
  lib ??= (async () => {
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as never);
    return x509;
  })();
  return lib;
}

const EKU_OID: Record<ExtKeyUsage, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

/** Go writes a name attribute as PrintableString when it can, UTF8String otherwise. */
function attributeValue(text: string): { printableString: string } | { utf8String: string } {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text) ? { printableString: text } : { utf8String: text };
}

/** Subject in Go's order: one RDN per O, then CN. */
function subjectName(x509: typeof X509, t: CertTemplate): X509.Name {
  const rdns: X509.JsonName = [];
  for (const o of t.organizations) rdns.push({ '2.5.4.10': [attributeValue(o)] } as X509.JsonAttributeAndValue as X509.JsonAttributeAndStringValue);
  rdns.push({ '2.5.4.3': [attributeValue(t.commonName)] } as X509.JsonAttributeAndValue as X509.JsonAttributeAndStringValue);
  return new x509.Name(rdns);
}

/** A positive serial in [1, 2^63 - 1), as kubeadm draws it. */
function serialHex(): string {
  const b = randomBytes(8);
  b[0]! &= 0x7f;
  if (b.every((x) => x === 0)) b[7] = 1;
  return b.toString('hex');
}

async function webcryptoSigningKey(key: KeyObject): Promise<{ key: webcrypto.CryptoKey; alg: webcrypto.RsaHashedImportParams | webcrypto.EcdsaParams }> {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const hash = signatureHash(key);
  if (key.asymmetricKeyType === 'rsa') {
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash };
    return { key: await webcrypto.subtle.importKey('pkcs8', der, alg, false, ['sign']), alg };
  }
  const curve = key.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'P-384' : 'P-256';
  const imported = await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: curve }, false, ['sign']);
  return { key: imported, alg: { name: 'ECDSA', hash } };
}

/** Sign a certificate for `subjectKey` with kubeadm's extensions; returns PEM. */
export async function issueCertificate(t: CertTemplate, subjectKey: KeyObject, issuer: Issuer): Promise<string> {
  const x509 = await loadX509();
  const subject = subjectName(x509, t);
  let issuerName = subject;
  let authorityKeyId: string | undefined;
  if (issuer.certPem !== undefined) {
    const ca = new x509.X509Certificate(issuer.certPem);
    issuerName = ca.subjectName;
    // Go copies the parent's SubjectKeyId into AuthorityKeyId when the parent has one
    authorityKeyId = ca.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  }

  const usage = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment | (t.isCA ? x509.KeyUsageFlags.keyCertSign : 0);
  // Go's extension order: key usage, extended key usage, basic constraints, SKI, AKI, SAN
  const extensions: X509.Extension[] = [new x509.KeyUsagesExtension(usage, true)];
  if (t.usages.length) extensions.push(new x509.ExtendedKeyUsageExtension(t.usages.map((u) => EKU_OID[u]), false));
  extensions.push(new x509.BasicConstraintsExtension(t.isCA, undefined, true));
  // Go generates a SubjectKeyId only for CAs
  if (t.isCA) extensions.push(new x509.SubjectKeyIdentifierExtension(subjectKeyId(subjectKey, t.subjectKeyIdHash).toString('hex')));
  if (authorityKeyId) extensions.push(new x509.AuthorityKeyIdentifierExtension(authorityKeyId));
  if (t.dns.length || t.ips.length) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...t.dns.map((value) => ({ type: 'dns' as const, value })),
        ...t.ips.map((value) => ({ type: 'ip' as const, value: ipText(value) })),
      ]),
    );
  }

  const signing = await webcryptoSigningKey(issuer.key);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialHex(),
    subject,
    issuer: issuerName,
    notBefore: t.notBefore,
    notAfter: t.notAfter,
    publicKey: new Uint8Array(subjectKey.export({ type: 'spki', format: 'der' })),
    // node's WebCrypto types are the DOM ones under other names
    signingKey: signing.key as never,
    signingAlgorithm: signing.alg as never,
    extensions,
  });
  return pemBlock('CERTIFICATE', Buffer.from(cert.rawData));
}

/** the library's IP parser wants dotted IPv4 or full-form IPv6 text */
function ipText(ip: string): string {
  const b = ipBytes(ip);
  if (b.length === 4) return [...b].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/** PEM as Go's encoding/pem writes it: 64-column base64 lines. */
export function pemBlock(type: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`;
}

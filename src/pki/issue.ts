// Builds X.509 certificates with exactly kubeadm's fields and extensions (Go's
// x509.CreateCertificate as kubeadm calls it): the TBSCertificate is encoded by der.ts in Go's
// field and extension order, and signed by node:crypto (RSA PKCS#1 v1.5 or ECDSA).

import { randomBytes, sign, type KeyObject } from 'node:crypto';
import type { ExtKeyUsage } from './cert-specs.js';
import { certFields } from './der-read.js';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  namedBits,
  nullValue,
  octetString,
  oid,
  printableString,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from './der.js';
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
  /** the issuing CA's certificate (DER); absent for a self-signed certificate */
  certDer?: Buffer;
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
} as const;

const EKU_OID: Record<ExtKeyUsage, string> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
};

/** Go's KeyUsage bits as numbered in the BIT STRING (RFC 5280 4.2.1.3) */
const KEY_USAGE_BIT = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5 } as const;

/** Go writes a name attribute as PrintableString when it can, UTF8String otherwise. */
function attributeValue(text: string): Buffer {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text) ? printableString(text) : utf8String(text);
}

/** Subject in Go's order (pkix.Name.ToRDNSequence): one RDN holding every O, then CN. */
function subjectName(t: CertTemplate): Buffer {
  const attr = (type: string, value: string) => sequence(oid(type), attributeValue(value));
  const rdns: Buffer[] = [];
  if (t.organizations.length) rdns.push(set(...t.organizations.map((o) => attr(OID.organization, o))));
  if (t.commonName !== '') rdns.push(set(attr(OID.commonName, t.commonName)));
  return sequence(...rdns);
}

/** A serial uniform in [1, 2^63 - 1), as kubeadm draws it (rand.Int below MaxInt64 - 1, plus 1). */
function serialBytes(): Buffer {
  for (;;) {
    const b = randomBytes(8);
    b[0]! &= 0x7f;
    const n = b.readBigUInt64BE();
    if (n !== 0n && n !== 0x7fffffffffffffffn) return b;
  }
}

/** AlgorithmIdentifier of the signature the issuer's key makes: RSA's carries a NULL parameter, ECDSA's none. */
function signatureAlgorithm(key: KeyObject): { der: Buffer; hash: string } {
  const hash = signatureHash(key);
  const bits = hash.slice(4) as '256' | '384' | '512';
  if (key.asymmetricKeyType === 'rsa') return { der: sequence(oid(OID[`sha${bits}WithRSA`]), nullValue()), hash: `sha${bits}` };
  return { der: sequence(oid(OID[`ecdsaWithSHA${bits}`])), hash: `sha${bits}` };
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** Go's extension order: key usage, extended key usage, basic constraints, SKI, AKI, SAN. */
function extensions(t: CertTemplate, subjectKey: KeyObject, authorityKeyId: Buffer | undefined): Buffer {
  const out: Buffer[] = [];
  const usage: number[] = [KEY_USAGE_BIT.digitalSignature, KEY_USAGE_BIT.keyEncipherment, ...(t.isCA ? [KEY_USAGE_BIT.keyCertSign] : [])];
  out.push(extension(OID.keyUsage, true, namedBits(usage)));
  if (t.usages.length) out.push(extension(OID.extKeyUsage, false, sequence(...t.usages.map((u) => oid(EKU_OID[u])))));
  // cA is DEFAULT FALSE, so a leaf's is omitted; no path length (Go's MaxPathLen -1)
  out.push(extension(OID.basicConstraints, true, sequence(...(t.isCA ? [boolean(true)] : []))));
  // Go generates a SubjectKeyId only for CAs
  if (t.isCA) out.push(extension(OID.subjectKeyId, false, octetString(subjectKeyId(subjectKey, t.subjectKeyIdHash))));
  if (authorityKeyId) out.push(extension(OID.authorityKeyId, false, sequence(implicitPrimitive(0, authorityKeyId))));
  if (t.dns.length || t.ips.length) {
    // GeneralName: dNSName [2] IA5String, iPAddress [7] OCTET STRING (4 or 16 bytes); DNS names first, as Go writes them
    const names = [...t.dns.map((d) => implicitPrimitive(2, Buffer.from(d, 'ascii'))), ...t.ips.map((ip) => implicitPrimitive(7, ipBytes(ip)))];
    out.push(extension(OID.subjectAltName, false, sequence(...names)));
  }
  return explicit(3, sequence(...out));
}

/** The certificate's DER: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }. */
export function issueCertificateDer(t: CertTemplate, subjectKey: KeyObject, issuer: Issuer): Buffer {
  const subject = subjectName(t);
  let issuerName = subject;
  let authorityKeyId: Buffer | undefined;
  if (issuer.certDer !== undefined) {
    const ca = certFields(issuer.certDer);
    issuerName = ca.subject;
    // Go copies the parent's SubjectKeyId into AuthorityKeyId when the parent has one, unless
    // issuer and subject are the same name (a leaf whose CN is its CA's, e.g. node name "etcd-ca")
    if (!ca.subject.equals(subject)) authorityKeyId = ca.subjectKeyId;
  }
  const alg = signatureAlgorithm(issuer.key);
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serialBytes()),
    alg.der,
    issuerName,
    sequence(time(t.notBefore), time(t.notAfter)),
    subject,
    subjectKey.export({ type: 'spki', format: 'der' }),
    extensions(t, subjectKey, authorityKeyId),
  );
  // RSA: PKCS#1 v1.5 padding (node's default); ECDSA: the DER (r, s) pair X.509 wants
  const signature = sign(alg.hash, tbs, { key: issuer.key, dsaEncoding: 'der' });
  return sequence(tbs, alg.der, bitString(signature));
}

/** Sign a certificate for `subjectKey` with kubeadm's extensions; returns PEM. */
export function issueCertificate(t: CertTemplate, subjectKey: KeyObject, issuer: Issuer): string {
  return pemBlock('CERTIFICATE', issueCertificateDer(t, subjectKey, issuer));
}

/** PEM as Go's encoding/pem writes it: 64-column base64 lines. */
export function pemBlock(type: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`;
}

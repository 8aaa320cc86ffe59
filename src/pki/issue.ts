// Builds X.509 certificates with exactly kubeadm's fields and extensions (Go's
// x509.CreateCertificate as kubeadm calls it): node-forge's asn1 and pki modules make the
// TBSCertificate in Go's field and extension order, and node:crypto signs it (RSA PKCS#1 v1.5
// or ECDSA) with the private key where OpenSSL holds it.
//
// Why node:crypto signs, RSA included: node-forge signs only with RSA keys converted into its
// JavaScript big integers (non-constant-time arithmetic on the CA's private values, outside
// OpenSSL and its FIPS provider), and not with ECDSA keys at all; one signing path for both.

import { createHash, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import type { ExtKeyUsage } from './cert-specs.js';
import { certFields } from './cert-read.js';
import { asn1, fromDer, jsbn, pki, toDer, type Asn1 } from './forge.js';
import { ipBytes } from './ip-address.js';
import { signatureHash } from './keys.js';

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

const { UNIVERSAL, CONTEXT_SPECIFIC } = asn1.Class;
const T = asn1.Type;

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  sha384WithRSA: '1.2.840.113549.1.1.12',
  sha512WithRSA: '1.2.840.113549.1.1.13',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
} as const;

const binary = (b: Buffer): string => b.toString('binary');
const oid = (dotted: string): Asn1 => asn1.create(UNIVERSAL, T.OID, false, asn1.oidToDer(dotted).getBytes());
const seq = (items: Asn1[]): Asn1 => asn1.create(UNIVERSAL, T.SEQUENCE, true, items);

/** Go writes a name attribute as PrintableString when it can, UTF8String otherwise. */
function attribute(type: string, text: string): Asn1 {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(text);
  const value = printable ? asn1.create(UNIVERSAL, T.PRINTABLESTRING, false, text) : asn1.create(UNIVERSAL, T.UTF8, false, binary(Buffer.from(text, 'utf8')));
  return seq([oid(type), value]);
}

/** One RDN (a SET) of these attributes, sorted by their encoding as DER sorts a SET OF (and Go's encoding/asn1). */
function rdn(attributes: Asn1[]): Asn1 {
  const sorted = attributes.map((a) => ({ a, der: toDer(a) })).sort((x, y) => Buffer.compare(x.der, y.der));
  return asn1.create(UNIVERSAL, T.SET, true, sorted.map((s) => s.a));
}

/** Subject in Go's order (pkix.Name.ToRDNSequence): one RDN holding every O, then CN. */
function subjectName(t: CertTemplate): Asn1 {
  const rdns: Asn1[] = [];
  if (t.organizations.length) rdns.push(rdn(t.organizations.map((o) => attribute(OID.organization, o))));
  if (t.commonName !== '') rdns.push(rdn([attribute(OID.commonName, t.commonName)]));
  return seq(rdns);
}

/** A serial uniform in [1, 2^63 - 1), as kubeadm draws it (rand.Int below MaxInt64 - 1, plus 1); node-forge's big integer gives its minimal two's-complement bytes. */
function serialNumber(): Asn1 {
  for (;;) {
    const b = randomBytes(8);
    b[0]! &= 0x7f;
    const n = b.readBigUInt64BE();
    if (n === 0n || n === 0x7fffffffffffffffn) continue;
    const bytes = new jsbn.BigInteger(n.toString(16), 16).toByteArray();
    return asn1.create(UNIVERSAL, T.INTEGER, false, binary(Buffer.from(bytes.map((x) => x & 0xff))));
  }
}

/** Time as RFC 5280 wants it: UTCTime for 1950-2049, GeneralizedTime otherwise; whole seconds. */
function time(d: Date): Asn1 {
  const year = d.getUTCFullYear();
  if (year >= 1950 && year < 2050) return asn1.create(UNIVERSAL, T.UTCTIME, false, asn1.dateToUtcTime(d));
  return asn1.create(UNIVERSAL, T.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

/** AlgorithmIdentifier of the signature the issuer's key makes: RSA's carries a NULL parameter, ECDSA's none. */
function signatureAlgorithm(key: KeyObject): { id: () => Asn1; hash: string } {
  const bits = signatureHash(key).slice(4) as '256' | '384' | '512';
  if (key.asymmetricKeyType === 'rsa') return { id: () => seq([oid(OID[`sha${bits}WithRSA`]), asn1.create(UNIVERSAL, T.NULL, false, '')]), hash: `sha${bits}` };
  return { id: () => seq([oid(OID[`ecdsaWithSHA${bits}`])]), hash: `sha${bits}` };
}

/**
 * The SubjectKeyId Go's CreateCertificate gives a CA: a hash of the subjectPublicKey BIT
 * STRING's bytes, SHA-1 (RFC 5280) or SHA-256 truncated to 160 bits (RFC 7093, Go 1.25+).
 */
export function subjectKeyId(spki: Asn1, hash: 'sha1' | 'sha256'): Buffer {
  const bits = (spki.value as Asn1[])[1];
  if (bits?.type !== T.BITSTRING || typeof bits.value !== 'string') throw new Error('internal: SubjectPublicKeyInfo without its key');
  // the BIT STRING's content: the count of unused bits (0), then the key's bytes
  return createHash(hash).update(Buffer.from(bits.value.slice(1), 'binary')).digest().subarray(0, 20);
}

/** Go's extension order: key usage, extended key usage, basic constraints, SKI, AKI, SAN; node-forge encodes each. */
function extensions(t: CertTemplate, spki: Asn1, authorityKeyId: Buffer | undefined): Asn1 {
  const exts: object[] = [];
  exts.push({ name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true, keyCertSign: t.isCA });
  // node-forge writes the OIDs in the order of the object's keys: the template's
  if (t.usages.length) exts.push({ name: 'extKeyUsage', ...Object.fromEntries(t.usages.map((u) => [u, true])) });
  // cA is DEFAULT FALSE, so a leaf's is omitted; no path length (Go's MaxPathLen -1)
  exts.push({ name: 'basicConstraints', critical: true, cA: t.isCA });
  // Go generates a SubjectKeyId only for CAs (node-forge's own would be the SHA-1 of an RSA key only)
  if (t.isCA) exts.push({ name: 'subjectKeyIdentifier', value: asn1.create(UNIVERSAL, T.OCTETSTRING, false, binary(subjectKeyId(spki, t.subjectKeyIdHash))) });
  if (authorityKeyId) exts.push({ name: 'authorityKeyIdentifier', keyIdentifier: binary(authorityKeyId) });
  // GeneralName dNSName [2] and iPAddress [7] (4 or 16 bytes, as Go encodes an IPv4(-mapped) address); DNS names first, as Go writes them
  if (t.dns.length || t.ips.length) {
    const altNames = [...t.dns.map((d) => ({ type: 2, value: d })), ...t.ips.map((ip) => ({ type: 7, value: binary(ipBytes(ip)) }))];
    exts.push({ name: 'subjectAltName', altNames });
  }
  // a certificate object only to have node-forge fill in each extension's value
  const holder = pki.createCertificate();
  holder.setExtensions(exts);
  return pki.certificateExtensionsToAsn1(holder.extensions as unknown[]);
}

/** The certificate's DER: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }. */
export function issueCertificateDer(t: CertTemplate, subjectKey: KeyObject, issuer: Issuer): Buffer {
  const subject = subjectName(t);
  let issuerName = subject;
  let authorityKeyId: Buffer | undefined;
  if (issuer.certDer !== undefined) {
    const ca = certFields(issuer.certDer);
    issuerName = fromDer(ca.subject);
    // Go copies the parent's SubjectKeyId into AuthorityKeyId when the parent has one, unless
    // issuer and subject are the same name (a leaf whose CN is its CA's, e.g. node name "etcd-ca")
    if (!ca.subject.equals(toDer(subject))) authorityKeyId = ca.subjectKeyId;
  }
  const alg = signatureAlgorithm(issuer.key);
  const spki = fromDer(subjectKey.export({ type: 'spki', format: 'der' }));
  const tbs = seq([
    asn1.create(CONTEXT_SPECIFIC, 0, true, [asn1.create(UNIVERSAL, T.INTEGER, false, asn1.integerToDer(2).getBytes())]), // v3
    serialNumber(),
    alg.id(),
    issuerName,
    seq([time(t.notBefore), time(t.notAfter)]),
    subject,
    spki,
    extensions(t, spki, authorityKeyId),
  ]);
  // RSA: PKCS#1 v1.5 padding (node's default); ECDSA: the DER (r, s) pair X.509 wants
  const signature = sign(alg.hash, toDer(tbs), { key: issuer.key, dsaEncoding: 'der' });
  return toDer(seq([tbs, alg.id(), asn1.create(UNIVERSAL, T.BITSTRING, false, `\0${binary(signature)}`)]));
}

/** Sign a certificate for `subjectKey` with kubeadm's extensions; returns PEM as Go's encoding/pem writes it (OpenSSL's, via X509Certificate: 64-column lines). */
export function issueCertificate(t: CertTemplate, subjectKey: KeyObject, issuer: Issuer): string {
  return new X509Certificate(issueCertificateDer(t, subjectKey, issuer)).toString();
}

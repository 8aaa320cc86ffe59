// Keys and certificates checked with openssl: every algorithm's key from generateKey (node:crypto's
// generateKeyPair) must pass openssl's key check, and certificates built with node-forge and
// signed by node:crypto (issue.ts) must parse and verify in the corners the phases rarely reach
// (dates from 2050 on, several O values, UTF-8 names, IPv6 SANs, long-form lengths, the CA's
// subject and key id read back with node-forge, the key id hashed as openssl hashes it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EncryptionAlgorithm } from '../../src/config/types.js';
import { certFields } from '../../src/pki/cert-read.js';
import { issueCertificate, type CertTemplate } from '../../src/pki/issue.js';
import { describeKey, generateKey, privateKeyPem } from '../../src/pki/keys.js';
import { certFacts, openssl, verifyChain } from './certs-harness.js';
import { tmpDir } from '../helpers/tmp-host.js';

const KEYS: { alg: EncryptionAlgorithm; check: string[]; text: RegExp; pem: RegExp }[] = [
  { alg: 'RSA-2048', check: ['pkey', '-check'], text: /Private-Key: \(2048 bit, 2 primes\)[\s\S]*publicExponent: 65537 \(0x10001\)/, pem: /^-----BEGIN RSA PRIVATE KEY-----\n/ },
  { alg: 'RSA-3072', check: ['pkey', '-check'], text: /Private-Key: \(3072 bit, 2 primes\)[\s\S]*publicExponent: 65537 \(0x10001\)/, pem: /^-----BEGIN RSA PRIVATE KEY-----\n/ },
  { alg: 'ECDSA-P256', check: ['pkey', '-check'], text: /Private-Key: \(256 bit\)[\s\S]*NIST CURVE: P-256/, pem: /^-----BEGIN EC PRIVATE KEY-----\n/ },
  { alg: 'ECDSA-P384', check: ['pkey', '-check'], text: /Private-Key: \(384 bit\)[\s\S]*NIST CURVE: P-384/, pem: /^-----BEGIN EC PRIVATE KEY-----\n/ },
];

test('keys: every algorithm\'s key passes openssl\'s check, with its size, exponent or curve, in kubeadm\'s PEM type', async (t) => {
  const dir = tmpDir(t);
  const made = await Promise.all(KEYS.map((k) => generateKey(k.alg)));
  for (const [i, k] of KEYS.entries()) {
    const pair = made[i]!;
    const file = path.join(dir, `k${i}.key`);
    writeFileSync(file, privateKeyPem(pair.privateKey));
    assert.match(openssl([...k.check, '-in', file, '-noout']), /Key is valid/, k.alg);
    assert.match(openssl(['pkey', '-in', file, '-noout', '-text']), k.text, k.alg);
    assert.match(privateKeyPem(pair.privateKey), k.pem, k.alg);
    assert.equal(describeKey(pair.privateKey), k.alg);
  }
});

const ecKey = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const base: Omit<CertTemplate, 'commonName'> = {
  organizations: [],
  isCA: false,
  usages: ['clientAuth'],
  dns: [],
  ips: [],
  notBefore: new Date('2026-01-02T03:04:05.678Z'),
  notAfter: new Date('2027-01-02T03:04:05.999Z'),
  subjectKeyIdHash: 'sha256',
};

interface EdgeCase {
  name: string;
  leaf: Partial<CertTemplate> & { commonName: string };
  /** what openssl must print */
  subject?: string;
  san?: string;
  notAfter?: string;
  /** the ASN.1 string type of the CN (PrintableString when Go can) */
  stringType?: string;
  /** Go leaves out the authority key id when issuer and subject are the same name */
  noAuthorityKeyId?: boolean;
}

const EDGE_CASES: EdgeCase[] = [
  {
    // DER sorts the SET by encoding (the shorter b-group first); RFC 2253 prints it reversed
    name: 'two O values: one multi-valued RDN, as Go writes it',
    leaf: { commonName: 'system:node:a', organizations: ['system:nodes', 'b-group'] },
    subject: 'CN=system:node:a,O=system:nodes+O=b-group',
  },
  // openssl escapes the two UTF-8 bytes of œ in RFC 2253 form
  { name: 'a UTF-8 common name: UTF8String', leaf: { commonName: 'nœud-1' }, subject: 'CN=n\\C5\\93ud-1', stringType: 'UTF8STRING' },
  {
    name: 'IPv4, IPv6 and IPv4-mapped SANs after the DNS names',
    leaf: { commonName: 'srv', usages: ['serverAuth'], dns: ['a.example', 'localhost'], ips: ['10.96.0.1', 'fd00:10::2', '::1', '::ffff:192.168.0.1'] },
    san: 'DNS:a.example, DNS:localhost, IP Address:10.96.0.1, IP Address:FD00:10:0:0:0:0:0:2, IP Address:0:0:0:0:0:0:0:1, IP Address:192.168.0.1',
  },
  {
    name: 'a SAN list over 255 bytes (long-form lengths)',
    leaf: { commonName: 'many', dns: Array.from({ length: 40 }, (_, i) => `host-${i}.cluster.example`) },
    san: Array.from({ length: 40 }, (_, i) => `DNS:host-${i}.cluster.example`).join(', '),
  },
  {
    name: 'notAfter in 2050: GeneralizedTime',
    leaf: { commonName: 'long', notAfter: new Date('2050-06-01T00:00:00Z') },
    notAfter: 'Jun  1 00:00:00 2050 GMT',
  },
  {
    name: 'a leaf named as its CA (e.g. node name "etcd-ca"): no authority key id, as Go',
    leaf: { commonName: 'etcd-ca', usages: ['serverAuth', 'clientAuth'] },
    subject: 'CN=etcd-ca',
    noAuthorityKeyId: true,
  },
];

const CA_KEYS: { name: string; make(): { privateKey: KeyObject; publicKey: KeyObject } }[] = [
  { name: 'RSA CA', make: () => generateKeyPairSync('rsa', { modulusLength: 2048 }) },
  { name: 'ECDSA CA', make: ecKey },
];

for (const ca of CA_KEYS) {
  test(`issue: certificates of a ${ca.name} parse, verify, and read as written`, (t) => {
    const dir = tmpDir(t);
    const caKey = ca.make();
    const caPem = issueCertificate({ ...base, commonName: 'etcd-ca', isCA: true, usages: [], dns: ['etcd-ca'] }, caKey.publicKey, { key: caKey.privateKey });
    const caFile = path.join(dir, 'ca.crt');
    writeFileSync(caFile, caPem);
    const caDer = new X509Certificate(caPem).raw;
    for (const c of EDGE_CASES) {
      const file = path.join(dir, `leaf-${EDGE_CASES.indexOf(c)}.crt`);
      writeFileSync(file, issueCertificate({ ...base, ...c.leaf }, ecKey().publicKey, { key: caKey.privateKey, certDer: caDer }));
      const lines = openssl(['asn1parse', '-in', file]).split('\n');
      // the subject's CN comes after the issuer's: its value is the line after the last commonName
      const cnAt = lines.map((l, i) => (l.endsWith(':commonName') ? i : -1)).filter((i) => i >= 0);
      const cnValue = lines[cnAt[cnAt.length - 1]! + 1] ?? '';
      assert.match(cnValue, new RegExp(`prim: ${c.stringType ?? 'PRINTABLESTRING'} +:`), c.name);
      if (c.noAuthorityKeyId) {
        // openssl takes a certificate whose issuer is its subject for self-signed (kubeadm's would fare the same): check the signature alone
        assert.ok(new X509Certificate(readFileSync(file)).verify(caKey.publicKey), c.name);
      } else {
        const v = verifyChain(caFile, file);
        assert.ok(v.ok, `${c.name}: ${v.out}`);
      }
      const f = certFacts(file);
      assert.equal(f.issuer, 'CN=etcd-ca', c.name);
      assert.equal(f.authorityKeyId, c.noAuthorityKeyId ? undefined : certFacts(caFile).subjectKeyId, c.name);
      if (c.subject) assert.equal(f.subject, c.subject, c.name);
      if (c.san) assert.equal(f.san, c.san, c.name);
      if (c.notAfter) assert.match(f.text, new RegExp(`Not After : ${c.notAfter}`), c.name);
      assert.match(f.text, /Not Before: Jan  2 03:04:05 2026 GMT/, c.name);
    }
  });
}

for (const ca of CA_KEYS) {
  test(`cert-read: a ${ca.name}'s subject and key id read back as openssl reads them; the key id is hashed as openssl's "hash"`, (t) => {
    const dir = tmpDir(t);
    const caKey = ca.make();
    const keyFile = path.join(dir, 'ca.key');
    writeFileSync(keyFile, privateKeyPem(caKey.privateKey));
    const caFile = path.join(dir, 'ca.crt');
    const caPem = issueCertificate({ ...base, commonName: 'kubernetes', organizations: ['o-1'], isCA: true, usages: [], dns: ['kubernetes'], subjectKeyIdHash: 'sha1' }, caKey.publicKey, { key: caKey.privateKey });
    writeFileSync(caFile, caPem);
    const fields = certFields(new X509Certificate(caPem).raw);
    const hex = (b: Buffer | undefined) => b?.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
    assert.equal(hex(fields.subjectKeyId), certFacts(caFile).subjectKeyId);
    assert.equal(certFacts(caFile).subject, 'CN=kubernetes,O=o-1');
    assert.match(openssl(['asn1parse', '-in', caFile]), /PRINTABLESTRING +:o-1/);
    // openssl's own self-signed certificate of the same key, key id by RFC 5280's method (1)
    const ref = path.join(dir, 'ref.crt');
    openssl(['req', '-new', '-x509', '-key', keyFile, '-subj', '/CN=ref', '-days', '1', '-addext', 'subjectKeyIdentifier=hash', '-out', ref]);
    assert.equal(certFacts(caFile).subjectKeyId, certFacts(ref).subjectKeyId);
    // a leaf of openssl's certificate: issuer and authority key id are what node-forge read from it
    const leafOfRef = issueCertificate({ ...base, commonName: 'leaf' }, ecKey().publicKey, { key: caKey.privateKey, certDer: new X509Certificate(readFileSync(ref)).raw });
    const leafFile = path.join(dir, 'leaf.crt');
    writeFileSync(leafFile, leafOfRef);
    assert.equal(certFacts(leafFile).authorityKeyId, certFacts(ref).subjectKeyId);
    assert.equal(certFacts(leafFile).issuer, 'CN=ref');
    assert.throws(() => certFields(Buffer.from('not a certificate')));
  });
}

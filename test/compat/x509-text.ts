// What `openssl x509 -text -noout` says about a certificate, as named facts the compat tests
// compare: names, key, validity length, every X509v3 extension with its critical flag, and how
// the subject key identifier was computed (SHA-1 or truncated SHA-256 of the public key).

import { execFile } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';

export interface X509Text {
  subject: string;
  issuer: string;
  signatureAlgorithm: string;
  /** e.g. "rsaEncryption 2048 bit" or "id-ecPublicKey 256 bit prime256v1" */
  key: string;
  notBefore: Date;
  notAfter: Date;
  /** extension name -> "critical: value" (key identifiers: only whether present) */
  extensions: Record<string, string>;
  /** the key identifiers as written, for linking a leaf to its CA */
  subjectKeyId?: string;
  authorityKeyId?: string;
  /** how the subject key identifier relates to the public key */
  subjectKeyIdMethod: 'none' | 'sha1' | 'sha256-truncated' | 'other';
}

/** openssl with the PEM on stdin; async, so a tree's certificates are read side by side */
function openssl(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('openssl', args, { encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(`openssl ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
    child.stdin?.end(input);
  });
}

/** The BIT STRING of a DER SubjectPublicKeyInfo (SEQUENCE { AlgorithmIdentifier, BIT STRING }), minus its unused-bits byte. */
function subjectPublicKeyBits(spki: Buffer): Buffer {
  const header = (at: number): { len: number; body: number } => {
    const first = spki[at + 1]!;
    if (first < 0x80) return { len: first, body: at + 2 };
    const n = first & 0x7f;
    let len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + spki[at + 2 + i]!;
    return { len, body: at + 2 + n };
  };
  const outer = header(0);
  const alg = header(outer.body);
  const bits = header(alg.body + alg.len);
  return spki.subarray(bits.body + 1, bits.body + bits.len);
}

function keyIdMethod(certPem: string, ski: string | undefined): X509Text['subjectKeyIdMethod'] {
  if (ski === undefined) return 'none';
  const bits = subjectPublicKeyBits(createPublicKey(certPem).export({ type: 'spki', format: 'der' }));
  const hex = ski.replace(/:/g, '').toLowerCase();
  if (createHash('sha1').update(bits).digest('hex') === hex) return 'sha1';
  if (createHash('sha256').update(bits).digest('hex').slice(0, 40) === hex) return 'sha256-truncated';
  return 'other';
}

export async function x509Text(certPem: string): Promise<X509Text> {
  const text = await openssl(['x509', '-text', '-noout'], certPem);
  const field = (re: RegExp) => re.exec(text)?.[1]?.trim() ?? '';
  const lines = text.split('\n');
  const extensions: Record<string, string> = {};
  let subjectKeyId: string | undefined;
  let authorityKeyId: string | undefined;
  const start = lines.findIndex((l) => l.trim() === 'X509v3 extensions:');
  for (let i = start + 1; start >= 0 && i < lines.length && /^ {12}\S/.test(lines[i]!); ) {
    const m = /^ {12}(.+?):( critical)?\s*$/.exec(lines[i]!);
    const values: string[] = [];
    for (i++; i < lines.length && /^ {16}/.test(lines[i]!); i++) values.push(lines[i]!.trim());
    if (!m) continue;
    const value = values.join(' ');
    if (m[1] === 'X509v3 Subject Key Identifier') subjectKeyId = value;
    if (m[1] === 'X509v3 Authority Key Identifier') authorityKeyId = value.replace(/^keyid:/, '');
    const keyId = m[1]!.endsWith('Key Identifier');
    extensions[m[1]!] = `${m[2] ? 'critical' : 'not critical'}: ${keyId ? 'present' : value}`;
  }
  const curve = field(/ASN1 OID: (\S+)/);
  return {
    subject: field(/^\s+Subject: (.*)$/m),
    issuer: field(/^\s+Issuer: (.*)$/m),
    signatureAlgorithm: field(/^\s+Signature Algorithm: (.*)$/m),
    key: [field(/Public Key Algorithm: (.*)/), field(/Public-Key: \((.*)\)/), curve].filter(Boolean).join(' '),
    notBefore: new Date(field(/Not Before: (.*)/)),
    notAfter: new Date(field(/Not After : (.*)/)),
    extensions,
    subjectKeyId,
    authorityKeyId,
    subjectKeyIdMethod: keyIdMethod(certPem, subjectKeyId),
  };
}

/** What `openssl pkey -text` says of a key file (private, or public: sa.pub): its PEM type and key type/size. */
export async function keyText(keyPem: string): Promise<string> {
  const label = /-----BEGIN ([A-Z ]+)-----/.exec(keyPem)?.[1] ?? 'no PEM block';
  const pub = label === 'PUBLIC KEY' || label === 'RSA PUBLIC KEY';
  const text = await openssl(['pkey', ...(pub ? ['-pubin', '-text_pub'] : ['-text']), '-noout'], keyPem);
  const size = /(?:Private|Public)-Key: \((.*?)\)/.exec(text)?.[1] ?? '?';
  const curve = /ASN1 OID: (\S+)/.exec(text)?.[1];
  return [label, size, curve].filter(Boolean).join(', ');
}

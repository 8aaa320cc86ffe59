// Reading back the two things of an issuing CA's certificate that node:crypto's X509Certificate
// does not give as bytes: its subject Name exactly as encoded (a child's issuer is those bytes,
// as Go copies RawSubject) and its subject key identifier (the child's authority key id).

export interface Tlv {
  tag: number;
  /** the whole element, header included */
  raw: Buffer;
  /** the content octets */
  content: Buffer;
}

/** The element starting at `offset`; throws on a truncated or indefinite-length encoding. */
export function readTlv(buf: Buffer, offset = 0): Tlv {
  const tag = buf[offset];
  let len = buf[offset + 1];
  if (tag === undefined || len === undefined || (tag & 0x1f) === 0x1f) throw new Error('DER: truncated or unsupported tag');
  let head = 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count === 0 || count > 4) throw new Error('DER: unsupported length');
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + (buf[offset + 2 + i] ?? NaN);
    head += count;
  }
  const end = offset + head + len;
  if (!(end <= buf.length)) throw new Error('DER: element runs past the end');
  return { tag, raw: buf.subarray(offset, end), content: buf.subarray(offset + head, end) };
}

/** The elements inside a constructed element, in order. */
export function children(parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < parent.content.length; ) {
    const c = readTlv(parent.content, at);
    out.push(c);
    at += c.raw.length;
  }
  return out;
}

const SKI_OID = Buffer.from([0x55, 0x1d, 0x0e]); // 2.5.29.14

export interface CertFields {
  /** the subject Name's DER */
  subject: Buffer;
  /** the subjectKeyIdentifier extension's key id, when there is one */
  subjectKeyId?: Buffer;
}

/** Subject and subject key id of a DER certificate (RFC 5280 section 4.1). */
export function certFields(der: Buffer): CertFields {
  const [tbs] = children(readTlv(der));
  if (!tbs) throw new Error('DER: not a certificate');
  const fields = children(tbs);
  // version [0] is optional; then serial, signature, issuer, validity, subject
  const start = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[start + 4];
  if (!subject) throw new Error('DER: certificate has no subject');
  let subjectKeyId: Buffer | undefined;
  const extensions = fields.find((f) => f.tag === 0xa3);
  const list = extensions && children(extensions)[0];
  for (const ext of list ? children(list) : []) {
    const parts = children(ext);
    if (!parts[0]?.content.equals(SKI_OID)) continue;
    const value = parts[parts.length - 1]!; // OCTET STRING holding the KeyIdentifier OCTET STRING
    subjectKeyId = Buffer.from(readTlv(value.content).content);
  }
  return { subject: Buffer.from(subject.raw), subjectKeyId };
}

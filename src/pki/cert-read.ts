// What node:crypto's X509Certificate does not give as bytes or values, read with node-forge: a
// certificate's subject Name as encoded (a child's issuer is that Name, as Go copies RawSubject),
// its CN and O values (`certs renew` re-signs the same identity) and its subject key identifier
// (the child's authority key id).

import { asn1, fromDer, pki, toDer, type Asn1 } from './forge.js';
import type { Asn1Validator } from 'node-forge/lib/asn1.js';

const { UNIVERSAL, CONTEXT_SPECIFIC } = asn1.Class;
const { SEQUENCE, INTEGER } = asn1.Type;

/** Certificate ::= SEQUENCE { TBSCertificate, ... } down to what is read (RFC 5280 section 4.1) */
const CERTIFICATE: Asn1Validator = {
  name: 'Certificate',
  tagClass: UNIVERSAL,
  type: SEQUENCE,
  constructed: true,
  value: [
    {
      name: 'TBSCertificate',
      tagClass: UNIVERSAL,
      type: SEQUENCE,
      constructed: true,
      value: [
        { name: 'version', tagClass: CONTEXT_SPECIFIC, type: 0, constructed: true, optional: true },
        { name: 'serialNumber', tagClass: UNIVERSAL, type: INTEGER, constructed: false },
        { name: 'signature', tagClass: UNIVERSAL, type: SEQUENCE, constructed: true },
        { name: 'issuer', tagClass: UNIVERSAL, type: SEQUENCE, constructed: true },
        { name: 'validity', tagClass: UNIVERSAL, type: SEQUENCE, constructed: true },
        { name: 'subject', tagClass: UNIVERSAL, type: SEQUENCE, constructed: true, captureAsn1: 'subject' },
        { name: 'subjectPublicKeyInfo', tagClass: UNIVERSAL, type: SEQUENCE, constructed: true },
        { name: 'issuerUniqueID', tagClass: CONTEXT_SPECIFIC, type: 1, optional: true },
        { name: 'subjectUniqueID', tagClass: CONTEXT_SPECIFIC, type: 2, optional: true },
        { name: 'extensions', tagClass: CONTEXT_SPECIFIC, type: 3, constructed: true, optional: true, captureAsn1: 'extensions' },
      ],
    },
  ],
};

export interface CertFields {
  /** the subject Name's DER */
  subject: Buffer;
  /** the subjectKeyIdentifier extension's key id, when there is one */
  subjectKeyId?: Buffer;
  /** the subject's CN ('' when it has none) and its O values, in the certificate's order */
  commonName: string;
  organizations: string[];
}

const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';

/** Every (type, value) of a Name, by node-forge; a UTF8String's bytes decoded. */
function nameAttributes(name: Asn1): { type: string; value: string }[] {
  return pki.RDNAttributesAsArray(name).map((a) => ({
    type: a.type,
    value: a.valueTagClass === asn1.Type.UTF8 ? Buffer.from(a.value, 'binary').toString('utf8') : a.value,
  }));
}

/** Subject and subject key id of a DER certificate; throws when the bytes are not one. */
export function certFields(der: Buffer): CertFields {
  const capture: Record<string, Asn1 | undefined> = {};
  const errors: string[] = [];
  if (!asn1.validate(fromDer(der), CERTIFICATE, capture, errors) || !capture.subject) {
    throw new Error(`not an X.509 certificate: ${errors.join('; ')}`);
  }
  const ski = capture.extensions && pki.certificateExtensionsFromAsn1(capture.extensions).find((e) => e.name === 'subjectKeyIdentifier');
  const attrs = nameAttributes(capture.subject);
  return {
    commonName: attrs.find((a) => a.type === OID_CN)?.value ?? '',
    organizations: attrs.filter((a) => a.type === OID_O).map((a) => a.value),
    subject: toDer(capture.subject),
    subjectKeyId: ski?.subjectKeyIdentifier === undefined ? undefined : Buffer.from(ski.subjectKeyIdentifier, 'hex'),
  };
}

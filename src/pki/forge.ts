// node-forge, the ASN.1 library certificates are built and read with (issue.ts, cert-read.ts):
// its asn1 and x509 modules loaded on their own (the package's index also loads TLS, SSH and
// ciphers, twice the load time), and the two conversions between its binary strings and Buffers.

import type { asn1 as Asn1Types } from 'node-forge';
import asn1 from 'node-forge/lib/asn1.js';
import jsbn from 'node-forge/lib/jsbn.js';
import pki from 'node-forge/lib/x509.js';

export { asn1, jsbn, pki };
export type Asn1 = Asn1Types.Asn1;

/** DER of an ASN.1 element node-forge holds */
export function toDer(obj: Asn1): Buffer {
  return Buffer.from(asn1.toDer(obj).getBytes(), 'binary');
}

/** An ASN.1 element from DER; BIT STRINGs stay as their bytes (a key, a signature), so encoding it again gives the same DER. */
export function fromDer(der: Buffer): Asn1 {
  return asn1.fromDer(der.toString('binary'), { strict: true, decodeBitStrings: false });
}

// Types of the node-forge modules mini-kubeadm loads one by one (forge.ts): @types/node-forge's,
// plus the functions of x509.js and asn1.js it does not declare.

declare module 'node-forge/lib/asn1.js' {
  import type { asn1 } from 'node-forge';
  /** a schema for asn1.validate: children in order, optional ones skipped when their tag does not match */
  export interface Asn1Validator {
    name: string;
    tagClass?: asn1.Class;
    type?: number;
    constructed?: boolean;
    optional?: boolean;
    /** put the matched element into capture[captureAsn1] */
    captureAsn1?: string;
    value?: Asn1Validator[];
  }
  const asn1Module: Omit<typeof asn1, 'fromDer'> & {
    fromDer(bytes: string, options?: { strict?: boolean; decodeBitStrings?: boolean }): asn1.Asn1;
    validate(obj: asn1.Asn1, v: Asn1Validator, capture: Record<string, asn1.Asn1 | undefined>, errors?: string[]): boolean;
  };
  export default asn1Module;
}

declare module 'node-forge/lib/x509.js' {
  import type { asn1, pki } from 'node-forge';
  /** an extension as node-forge reads one back (certificateExtensionsFromAsn1) */
  export interface ReadExtension {
    id: string;
    name?: string;
    critical: boolean;
    /** the subjectKeyIdentifier extension's key id, hex */
    subjectKeyIdentifier?: string;
  }
  const pkiModule: typeof pki & {
    /** [3] EXPLICIT SEQUENCE OF Extension, from extensions whose value node-forge filled (Certificate.setExtensions) */
    certificateExtensionsToAsn1(exts: unknown[]): asn1.Asn1;
    /** the extensions of a TBSCertificate's [3] element */
    certificateExtensionsFromAsn1(exts: asn1.Asn1): ReadExtension[];
    /** a Name's (type OID, value) pairs in order; value as node-forge's binary string, valueTagClass its string type */
    RDNAttributesAsArray(name: asn1.Asn1): { type: string; value: string; valueTagClass: number }[];
  };
  export default pkiModule;
}

declare module 'node-forge/lib/jsbn.js' {
  import type { jsbn } from 'node-forge';
  const jsbnModule: typeof jsbn;
  export default jsbnModule;
}

// The files the CIS profile gives the API server (an audit policy, an admission configuration
// with EventRateLimit, an EncryptionConfiguration for Secrets), as text, after RKE2's CIS profile.

import { randomBytes } from 'node:crypto';

/** the audit policy: Secrets, ConfigMaps and token reviews at Metadata (never their bodies), exec/attach/port-forward and RBAC changes with their requests, the rest at Metadata; health probes not at all */
export const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
- RequestReceived
rules:
- level: None
  nonResourceURLs:
  - /healthz*
  - /livez*
  - /readyz*
  - /version
- level: Metadata
  resources:
  - group: ""
    resources: ["secrets", "configmaps", "serviceaccounts/token"]
  - group: authentication.k8s.io
    resources: ["tokenreviews"]
- level: Request
  resources:
  - group: ""
    resources: ["pods/exec", "pods/attach", "pods/portforward", "pods/proxy", "services/proxy"]
  - group: rbac.authorization.k8s.io
- level: Metadata
`;

/** EventRateLimit's server-wide bucket (RKE2's values) inline in the admission configuration */
export const ADMISSION_CONFIG = `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: EventRateLimit
  configuration:
    apiVersion: eventratelimit.admission.k8s.io/v1alpha1
    kind: Configuration
    limits:
    - type: Server
      qps: 5000
      burst: 20000
`;

/** Secrets encrypted with AES-CBC under a fresh 32-byte key; identity last, so Secrets written before stay readable */
export function encryptionConfig(key: Buffer = randomBytes(32)): string {
  return `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
- resources:
  - secrets
  providers:
  - aescbc:
      keys:
      - name: key1
        secret: ${key.toString('base64')}
  - identity: {}
`;
}

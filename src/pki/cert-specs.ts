// The certificate table: one row per certificate kubeadm makes under the cert dir, in
// kubeadm's order (each CA before the leaves it signs). The certs phase's sub-phases, the
// issuing and the reuse checks are all derived from these rows (kubeadm's certlist.go).
// The rows name their SAN sets rather than import the builders (alt-names.ts): this file is on
// the path of `--help`, the builders and their IP parsing are not.

import type { InitConfig } from '../config/types.js';
import { apiServerKubeletClientOrganizations } from '../config/versions.js';

export type ExtKeyUsage = 'serverAuth' | 'clientAuth';

/** which SAN builder of alt-names.ts a serving cert takes */
export type AltNamesKind = 'apiserver' | 'etcd-server' | 'etcd-peer';

export interface CertSpec {
  /** the phase name: certs/NAME */
  name: string;
  /** files BASE.crt and BASE.key under the cert dir */
  baseName: string;
  /** kubeadm's LongName: the phase's description is "Generate the " + this */
  long: string;
  /** the row (name) of the CA that signs it; undefined for a self-signed CA */
  signer?: string;
  isCA: boolean;
  commonName(cfg: InitConfig): string;
  organizations(cfg: InitConfig): string[];
  usages: readonly ExtKeyUsage[];
  /** the SANs of a serving cert (none for a client cert; a CA gets its CN as its only DNS SAN) */
  altNames?: AltNamesKind;
  /** made only when etcd is local (stacked) */
  localEtcdOnly?: boolean;
}

const none = (): string[] => [];
const fixed = (cn: string) => (): string => cn;

export const CERT_SPECS: readonly CertSpec[] = [
  {
    name: 'ca',
    baseName: 'ca',
    long: 'self-signed Kubernetes CA to provision identities for other Kubernetes components',
    isCA: true,
    commonName: fixed('kubernetes'),
    organizations: none,
    usages: [],
  },
  {
    name: 'apiserver',
    baseName: 'apiserver',
    long: 'certificate for serving the Kubernetes API',
    signer: 'ca',
    isCA: false,
    commonName: fixed('kube-apiserver'),
    organizations: none,
    usages: ['serverAuth'],
    altNames: 'apiserver',
  },
  {
    name: 'apiserver-kubelet-client',
    baseName: 'apiserver-kubelet-client',
    long: 'certificate for the API server to connect to kubelet',
    signer: 'ca',
    isCA: false,
    commonName: fixed('kube-apiserver-kubelet-client'),
    organizations: (cfg) => apiServerKubeletClientOrganizations(cfg.kubernetesVersion),
    usages: ['clientAuth'],
  },
  {
    name: 'front-proxy-ca',
    baseName: 'front-proxy-ca',
    long: 'self-signed CA to provision identities for front proxy',
    isCA: true,
    commonName: fixed('front-proxy-ca'),
    organizations: none,
    usages: [],
  },
  {
    name: 'front-proxy-client',
    baseName: 'front-proxy-client',
    long: 'certificate for the front proxy client',
    signer: 'front-proxy-ca',
    isCA: false,
    commonName: fixed('front-proxy-client'),
    organizations: none,
    usages: ['clientAuth'],
  },
  {
    name: 'etcd-ca',
    baseName: 'etcd/ca',
    long: 'self-signed CA to provision identities for etcd',
    isCA: true,
    commonName: fixed('etcd-ca'),
    organizations: none,
    usages: [],
    localEtcdOnly: true,
  },
  {
    name: 'etcd-server',
    baseName: 'etcd/server',
    long: 'certificate for serving etcd',
    signer: 'etcd-ca',
    isCA: false,
    commonName: (cfg) => cfg.nodeRegistration.name,
    organizations: none,
    // etcd also dials its own clients with the serving cert, so it needs clientAuth too
    usages: ['serverAuth', 'clientAuth'],
    altNames: 'etcd-server',
    localEtcdOnly: true,
  },
  {
    name: 'etcd-peer',
    baseName: 'etcd/peer',
    long: 'certificate for etcd nodes to communicate with each other',
    signer: 'etcd-ca',
    isCA: false,
    commonName: (cfg) => cfg.nodeRegistration.name,
    organizations: none,
    usages: ['serverAuth', 'clientAuth'],
    altNames: 'etcd-peer',
    localEtcdOnly: true,
  },
  {
    name: 'etcd-healthcheck-client',
    baseName: 'etcd/healthcheck-client',
    long: 'certificate for liveness probes to healthcheck etcd',
    signer: 'etcd-ca',
    isCA: false,
    commonName: fixed('kube-etcd-healthcheck-client'),
    organizations: none,
    usages: ['clientAuth'],
    localEtcdOnly: true,
  },
  {
    name: 'apiserver-etcd-client',
    baseName: 'apiserver-etcd-client',
    long: 'certificate the apiserver uses to access etcd',
    signer: 'etcd-ca',
    isCA: false,
    commonName: fixed('kube-apiserver-etcd-client'),
    organizations: none,
    usages: ['clientAuth'],
    localEtcdOnly: true,
  },
];

/** The service-account signing key pair: not a certificate, but made by the certs phase too. */
export const SA_KEY = {
  name: 'sa',
  short: 'Generate a private key for signing service account tokens along with its public key',
  privateKey: 'sa.key',
  publicKey: 'sa.pub',
} as const;

export function certSpec(name: string): CertSpec {
  const spec = CERT_SPECS.find((s) => s.name === name);
  if (!spec) throw new Error(`internal: no certificate named ${name} in pki/cert-specs.ts`);
  return spec;
}

/** The certificates this configuration needs (no etcd-* with external etcd). */
export function certsFor(cfg: Pick<InitConfig, 'etcd'>): CertSpec[] {
  return CERT_SPECS.filter((s) => !s.localEtcdOnly || cfg.etcd.local !== undefined);
}

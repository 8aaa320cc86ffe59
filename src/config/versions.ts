// Every per-minor difference between Kubernetes 1.29 and 1.37, as one table, so that a new
// minor is a new row and no other file asks "which minor is this?".

export const DEFAULT_KUBERNETES_VERSION = 'v1.37.2';
export const MIN_SUPPORTED_MINOR = 29;
export const MAX_SUPPORTED_MINOR = 37;

// ---------------------------------------------------------------------------------------------
// Certificates and kubeconfigs (pki/, kubeconfig/): kubeadm-spec.md "Certificates",
// "kubeconfig files" and the per-minor rows on validity, algorithms, apiserver-kubelet-client O
// and kubelet.conf's server.
// ---------------------------------------------------------------------------------------------

import type { EncryptionAlgorithm, KubeVersion } from './types.js';

export interface PkiFacts {
  /**
   * 'start' (1.31+): every cert runs from start - 5 min to start + period.
   * 'signing' (1.29-1.30): a CA runs from now - 5 min to now + period; a leaf from its CA's
   * notBefore to its own signing time + period.
   */
  validityFrom: 'start' | 'signing';
  /** the values of encryptionAlgorithm this minor accepts */
  encryptionAlgorithms: readonly EncryptionAlgorithm[];
  /**
   * the first patch of this minor whose apiserver-kubelet-client cert has no O (authorized by
   * the ClusterRoleBinding kubeadm:apiserver-kubelet-client instead); undefined = it keeps
   * O=kubeadm:cluster-admins in every patch
   */
  kubeletClientWithoutOrgFromPatch?: number;
  /**
   * kubelet.conf's server: 'endpoint' = the control-plane endpoint (like admin.conf); 'gate-off'
   * / 'gate-on' = the local API endpoint when feature gate ControlPlaneKubeletLocalMode is on
   * (default off / on); 'local' = always the local API endpoint (ADVERTISE:PORT)
   */
  kubeletConfServer: 'endpoint' | 'gate-off' | 'gate-on' | 'local';
}

const RSA_ECDSA_P256: readonly EncryptionAlgorithm[] = ['RSA-2048', 'ECDSA-P256'];
const V1BETA4_ALGORITHMS: readonly EncryptionAlgorithm[] = ['RSA-2048', 'RSA-3072', 'RSA-4096', 'ECDSA-P256'];
const ALL_ALGORITHMS: readonly EncryptionAlgorithm[] = [...V1BETA4_ALGORITHMS, 'ECDSA-P384'];

/** one row per minor */
const PKI_BY_MINOR: Readonly<Record<number, PkiFacts>> = {
  29: { validityFrom: 'signing', encryptionAlgorithms: RSA_ECDSA_P256, kubeletConfServer: 'endpoint' },
  30: { validityFrom: 'signing', encryptionAlgorithms: RSA_ECDSA_P256, kubeletConfServer: 'endpoint' },
  31: { validityFrom: 'start', encryptionAlgorithms: V1BETA4_ALGORITHMS, kubeletConfServer: 'gate-off' },
  32: { validityFrom: 'start', encryptionAlgorithms: V1BETA4_ALGORITHMS, kubeletConfServer: 'gate-off' },
  33: { validityFrom: 'start', encryptionAlgorithms: V1BETA4_ALGORITHMS, kubeletConfServer: 'gate-on', kubeletClientWithoutOrgFromPatch: 12 },
  34: { validityFrom: 'start', encryptionAlgorithms: ALL_ALGORITHMS, kubeletConfServer: 'gate-on', kubeletClientWithoutOrgFromPatch: 8 },
  // the gate went GA (locked on) in 1.35 and was removed in 1.36: local either way
  35: { validityFrom: 'start', encryptionAlgorithms: ALL_ALGORITHMS, kubeletConfServer: 'local', kubeletClientWithoutOrgFromPatch: 5 },
  36: { validityFrom: 'start', encryptionAlgorithms: ALL_ALGORITHMS, kubeletConfServer: 'local', kubeletClientWithoutOrgFromPatch: 1 },
  37: { validityFrom: 'start', encryptionAlgorithms: ALL_ALGORITHMS, kubeletConfServer: 'local', kubeletClientWithoutOrgFromPatch: 0 },
};

/** The pki/kubeconfig row for a version (the nearest row outside 1.29-1.37). */
export function pkiFacts(v: Pick<KubeVersion, 'minor'>): PkiFacts {
  const minor = Math.min(Math.max(v.minor, MIN_SUPPORTED_MINOR), MAX_SUPPORTED_MINOR);
  return PKI_BY_MINOR[minor]!;
}

/** O of the apiserver-kubelet-client cert: kubeadm:cluster-admins, or none from 1.37.0 and its backports. */
export function apiServerKubeletClientOrganizations(v: Pick<KubeVersion, 'minor' | 'patch'>): string[] {
  const from = pkiFacts(v).kubeletClientWithoutOrgFromPatch;
  return from !== undefined && v.patch >= from ? [] : ['kubeadm:cluster-admins'];
}

/** Does kubelet.conf point at this node's own API server (ADVERTISE:PORT) rather than the control-plane endpoint? */
export function kubeletConfUsesLocalEndpoint(v: Pick<KubeVersion, 'minor'>, featureGates: Record<string, boolean>): boolean {
  switch (pkiFacts(v).kubeletConfServer) {
    case 'endpoint':
      return false;
    case 'gate-off':
      return featureGates.ControlPlaneKubeletLocalMode === true;
    case 'gate-on':
      return featureGates.ControlPlaneKubeletLocalMode !== false;
    case 'local':
      return true;
  }
}

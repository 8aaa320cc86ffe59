// The renewal table: one row per certificate `certs renew` and `certs check-expiration` know, by
// kubeadm's names (renewal/manager.go: each leaf of the certificate table, and the client
// certificate of each kubeconfig a control plane's components use), in kubeadm's order (by
// name), with the static pods that read the file, so that a renewal can restart exactly those.
// The same rows in every minor 1.29-1.37 (super-admin.conf came in 1.29).

import type { InitConfig } from '../config/types.js';
import type { KubeconfigName } from '../host/paths.js';
import { CERT_SPECS, certSpec } from './cert-specs.js';

export type RenewalSource = { kind: 'cert'; cert: string } | { kind: 'kubeconfig'; kubeconfig: KubeconfigName };

export interface RenewalTarget {
  /** kubeadm's name: the certificate's row name, or the kubeconfig's file name */
  name: string;
  /** kubeadm's LongName: "<long> renewed", "Renew the <long>" */
  long: string;
  source: RenewalSource;
  /** the row name of the CA that signs it */
  caName: string;
  /** the static pods (components) that read this file and so must restart to use a renewed one */
  readBy: readonly string[];
  localEtcdOnly?: boolean;
}

const cert = (name: string, readBy: readonly string[]): RenewalTarget => {
  const spec = certSpec(name);
  return { name, long: spec.long, source: { kind: 'cert', cert: name }, caName: spec.signer!, readBy, localEtcdOnly: spec.localEtcdOnly };
};
const kubeconfig = (file: KubeconfigName, forWhom: string, readBy: readonly string[]): RenewalTarget => ({
  name: `${file}.conf`,
  long: `certificate embedded in the kubeconfig file for ${forWhom}`,
  source: { kind: 'kubeconfig', kubeconfig: file },
  caName: 'ca',
  readBy,
});

export const RENEWAL_TARGETS: readonly RenewalTarget[] = [
  kubeconfig('admin', 'the admin to use and for kubeadm itself', []),
  cert('apiserver', ['kube-apiserver']),
  cert('apiserver-etcd-client', ['kube-apiserver']),
  cert('apiserver-kubelet-client', ['kube-apiserver']),
  kubeconfig('controller-manager', 'the controller manager to use', ['kube-controller-manager']),
  // etcd's liveness probe asks its plain-HTTP metrics port: no static pod reads this one
  cert('etcd-healthcheck-client', []),
  cert('etcd-peer', ['etcd']),
  cert('etcd-server', ['etcd']),
  cert('front-proxy-client', ['kube-apiserver']),
  kubeconfig('scheduler', 'the scheduler manager to use', ['kube-scheduler']),
  kubeconfig('super-admin', 'the super-admin', []),
];

/** The rows this configuration has (no etcd-* with external etcd). */
export function renewalTargetsFor(cfg: Pick<InitConfig, 'etcd'>): RenewalTarget[] {
  return RENEWAL_TARGETS.filter((t) => !t.localEtcdOnly || cfg.etcd.local !== undefined);
}

/** The CAs, by name as kubeadm lists them (ca, etcd-ca, front-proxy-ca). */
export function authoritiesFor(cfg: Pick<InitConfig, 'etcd'>): string[] {
  return CERT_SPECS.filter((s) => s.isCA && (!s.localEtcdOnly || cfg.etcd.local !== undefined))
    .map((s) => s.name)
    .sort();
}

// The kubeconfig table: one row per file kubeadm writes into the kubeconfig dir, with the
// client identity (user = CN, O) and which API server it points at (kubeconfig.go's specs).
// Rows name the server rather than compute it, so this file stays light on `--help`'s path.

import type { InitConfig } from '../config/types.js';
import type { KubeconfigName } from '../host/paths.js';

/**
 * 'control-plane': https://CPE (else ADVERTISE:PORT); 'local': https://ADVERTISE:PORT;
 * 'kubelet': either, per minor and the ControlPlaneKubeletLocalMode gate (config/versions.ts)
 */
export type ServerKind = 'control-plane' | 'local' | 'kubelet';

export interface KubeconfigSpec {
  /** the phase name, and the file NAME.conf */
  name: KubeconfigName;
  /** kubeadm's phase description */
  short: string;
  /** the user name and the client cert's CN */
  user(cfg: InitConfig): string;
  /** the client cert's O (the groups it is authorized as) */
  organizations(cfg: InitConfig): string[];
  server: ServerKind;
}

export const KUBECONFIG_SPECS: readonly KubeconfigSpec[] = [
  {
    name: 'admin',
    short: 'Generate a kubeconfig file for the admin to use and for kubeadm itself',
    user: () => 'kubernetes-admin',
    // bound to cluster-admin by the ClusterRoleBinding kubeadm:cluster-admins, so it can be revoked
    organizations: () => ['kubeadm:cluster-admins'],
    server: 'control-plane',
  },
  {
    name: 'super-admin',
    short: 'Generate a kubeconfig file for the super-admin',
    user: () => 'kubernetes-super-admin',
    // system:masters bypasses RBAC: the break-glass credential
    organizations: () => ['system:masters'],
    server: 'control-plane',
  },
  {
    name: 'kubelet',
    short: 'Generate a kubeconfig file for the kubelet to use *only* for cluster bootstrapping purposes',
    user: (cfg) => `system:node:${cfg.nodeRegistration.name}`,
    organizations: () => ['system:nodes'],
    server: 'kubelet',
  },
  {
    name: 'controller-manager',
    short: 'Generate a kubeconfig file for the controller manager to use',
    user: () => 'system:kube-controller-manager',
    organizations: () => [],
    server: 'local',
  },
  {
    name: 'scheduler',
    short: 'Generate a kubeconfig file for the scheduler to use',
    user: () => 'system:kube-scheduler',
    organizations: () => [],
    server: 'local',
  },
];

export function kubeconfigSpec(name: string): KubeconfigSpec {
  const spec = KUBECONFIG_SPECS.find((s) => s.name === name);
  if (!spec) throw new Error(`internal: no kubeconfig named ${name} in kubeconfig/specs.ts`);
  return spec;
}

/** The context name kubeadm gives: USER@CLUSTER. */
export function contextName(user: string, clusterName: string): string {
  return `${user}@${clusterName}`;
}

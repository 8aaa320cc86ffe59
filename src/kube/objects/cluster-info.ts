// bootstrap-token's public half: ConfigMap kube-public/cluster-info holding a kubeconfig with
// only the cluster (CA and server of admin.conf) for token discovery, readable anonymously
// through Role/RoleBinding kubeadm:bootstrap-signer-clusterinfo.

import yaml from 'js-yaml';
import { HostError } from '../../errors.js';
import type { KubeObject } from '../client.js';
import { getNamed, role, roleBinding, user } from './rbac.js';

interface Kubeconfig {
  clusters?: Array<{ name: string; cluster?: { server?: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }>;
  contexts?: Array<{ name: string; context?: { cluster?: string } }>;
  'current-context'?: string;
}

export interface KubeconfigCluster {
  server: string;
  /** base64 PEM, when embedded */
  caData?: string;
  /** the CA file it names instead, made absolute against the kubeconfig's directory (as clientcmd does) */
  caFile?: string;
}

/**
 * The cluster kubeadm reads from a kubeconfig (GetClusterFromKubeConfig): the unnamed cluster
 * if there is one, else the current context's; a lone cluster when no context is current.
 * undefined when the text is no kubeconfig or names no cluster with a server.
 */
export function kubeconfigCluster(kubeconfigText: string, path: string): KubeconfigCluster | undefined {
  let kc: Kubeconfig;
  try {
    kc = (yaml.load(kubeconfigText) ?? {}) as Kubeconfig;
  } catch {
    return undefined;
  }
  if (typeof kc !== 'object') return undefined;
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context']);
  const cluster =
    kc.clusters?.find((c) => c.name === '') ??
    kc.clusters?.find((c) => c.name === ctx?.context?.cluster) ??
    (ctx === undefined && kc.clusters?.length === 1 ? kc.clusters[0] : undefined);
  const server = cluster?.cluster?.server;
  if (!server) return undefined;
  const caData = cluster.cluster?.['certificate-authority-data'] || undefined;
  const file = cluster.cluster?.['certificate-authority'] || undefined;
  const dir = path.replace(/\/[^/]*$/, '') || '/';
  return { server, caData, caFile: file === undefined ? undefined : file.startsWith('/') ? file : `${dir}/${file}` };
}

/** the cluster entry of a kubeconfig's current context */
export function currentCluster(kubeconfigText: string, path: string): { server: string; caData: string } {
  const cluster = kubeconfigCluster(kubeconfigText, path);
  if (!cluster?.caData) {
    throw new HostError('KUBECONFIG_INVALID', `${path} has no current cluster with a server and embedded certificate-authority-data`, 'run "mini-kubeadm init phase kubeconfig admin" to write it again');
  }
  return { server: cluster.server, caData: cluster.caData };
}

/** the kubeconfig text kubeadm puts in cluster-info (clientcmd.Write of a Config with one unnamed cluster) */
export function clusterInfoKubeconfig(c: { server: string; caData: string }): string {
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${c.caData}`,
    `    server: ${c.server}`,
    '  name: ""',
    'contexts: null',
    'current-context: ""',
    'kind: Config',
    'users: null',
    '',
  ].join('\n');
}

export function clusterInfoObjects(adminKubeconfig: string, adminPath: string): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-info', namespace: 'kube-public' }, data: { kubeconfig: clusterInfoKubeconfig(currentCluster(adminKubeconfig, adminPath)) } },
    role('kube-public', 'kubeadm:bootstrap-signer-clusterinfo', [getNamed('configmaps', 'cluster-info')]),
    roleBinding('kube-public', 'kubeadm:bootstrap-signer-clusterinfo', 'kubeadm:bootstrap-signer-clusterinfo', [user('system:anonymous')]),
  ];
}

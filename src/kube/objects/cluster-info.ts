// bootstrap-token's public half: ConfigMap kube-public/cluster-info holding a kubeconfig with
// only the cluster (CA and server of admin.conf) for token discovery, readable anonymously
// through Role/RoleBinding kubeadm:bootstrap-signer-clusterinfo.

import yaml from 'js-yaml';
import { HostError } from '../../errors.js';
import type { KubeObject } from '../client.js';
import { getNamed, role, roleBinding, user } from './rbac.js';

interface Kubeconfig {
  clusters?: Array<{ name: string; cluster: { server?: string; 'certificate-authority-data'?: string } }>;
  contexts?: Array<{ name: string; context: { cluster: string } }>;
  'current-context'?: string;
}

/** the cluster entry of a kubeconfig's current context */
export function currentCluster(kubeconfigText: string, path: string): { server: string; caData: string } {
  const kc = (yaml.load(kubeconfigText) ?? {}) as Kubeconfig;
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context']);
  const cluster = kc.clusters?.find((c) => c.name === ctx?.context.cluster) ?? (ctx === undefined && kc.clusters?.length === 1 ? kc.clusters[0] : undefined);
  const server = cluster?.cluster.server;
  const caData = cluster?.cluster['certificate-authority-data'];
  if (!server || !caData) {
    throw new HostError('KUBECONFIG_INVALID', `${path} has no current cluster with a server and embedded certificate-authority-data`, 'run "mini-kubeadm init phase kubeconfig admin" to write it again');
  }
  return { server, caData };
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

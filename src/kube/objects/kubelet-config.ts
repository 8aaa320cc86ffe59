// upload-config/kubelet: ConfigMap kube-system/kubelet-config holding the cluster-wide
// KubeletConfiguration (signed with kubeadm's hash unless the user supplied the document),
// the Role and RoleBinding that let nodes and joining nodes read it, and, for the minors that
// do it, the cri-socket annotation on this node.

import type { KubeObject } from '../client.js';
import { signConfigMap } from './config-hash.js';
import { BOOTSTRAPPERS, NODES, getNamed, group, role, roleBinding } from './rbac.js';

export const CRI_SOCKET_ANNOTATION = 'kubeadm.alpha.kubernetes.io/cri-socket';

/** `document` is the KubeletConfiguration as src/kubelet/kubelet-config.ts renders it for the cluster */
export function kubeletConfigObjects(document: string, userSupplied: boolean): KubeObject[] {
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kubelet-config', namespace: 'kube-system' }, data: { kubelet: document } };
  return [
    userSupplied ? cm : signConfigMap(cm),
    role('kube-system', 'kubeadm:kubelet-config', [getNamed('configmaps', 'kubelet-config')]),
    roleBinding('kube-system', 'kubeadm:kubelet-config', 'kubeadm:kubelet-config', [group(NODES), group(BOOTSTRAPPERS)]),
  ];
}

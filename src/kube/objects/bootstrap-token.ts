// bootstrap-token: the token Secret (bootstrap.kubernetes.io/token) and the RBAC that lets a
// joining kubelet use it (get nodes, post CSRs, auto-approval, certificate rotation; the
// apiserver's kubelet client binding where the version has it), as kubeadm's table.

import { BOOTSTRAP_TOKEN_PATTERN } from '../../config/token.js';
import type { BootstrapToken, KubeVersion } from '../../config/types.js';
import { hasApiserverKubeletClientBinding } from '../../config/versions.js';
import { UserError } from '../../errors.js';
import type { KubeObject } from '../client.js';
import { BOOTSTRAPPERS, NODES, clusterRole, clusterRoleBinding, group, user } from './rbac.js';

export function parseToken(token: string): { id: string; secret: string } {
  const m = BOOTSTRAP_TOKEN_PATTERN.exec(token);
  if (!m) throw new UserError('TOKEN_INVALID', `the bootstrap token "${token}" does not match [a-z0-9]{6}.[a-z0-9]{16}`, 'give --token (or bootstrapTokens[].token) in that form, e.g. from "kubeadm token generate"');
  return { id: m[1]!, secret: m[2]! };
}

/** Secret kube-system/bootstrap-token-ID; `now` fixes the expiration for tests */
export function tokenSecret(t: BootstrapToken, now: Date): KubeObject {
  const { id, secret } = parseToken(t.token);
  const data: Record<string, string> = { 'token-id': id, 'token-secret': secret };
  if (t.description) data.description = t.description;
  if (t.ttlMs > 0) data.expiration = new Date(now.getTime() + t.ttlMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const u of t.usages) data[`usage-bootstrap-${u}`] = 'true';
  if (t.groups.length) data['auth-extra-groups'] = t.groups.join(',');
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' }, type: 'bootstrap.kubernetes.io/token', data: base64Values(data) };
}

/** Secret data is base64; stringData would not survive server-side apply cleanly */
export function base64Values(data: Record<string, string | Buffer>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
}

/** the RBAC rows of kubeadm's bootstrap-token phase, for this version */
export function bootstrapRbacObjects(v: KubeVersion): KubeObject[] {
  const objs = [
    clusterRole('kubeadm:get-nodes', [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]),
    clusterRoleBinding('kubeadm:get-nodes', 'kubeadm:get-nodes', [group(BOOTSTRAPPERS)]),
    clusterRoleBinding('kubeadm:kubelet-bootstrap', 'system:node-bootstrapper', [group(BOOTSTRAPPERS)]),
    clusterRoleBinding('kubeadm:node-autoapprove-bootstrap', 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', [group(BOOTSTRAPPERS)]),
    clusterRoleBinding('kubeadm:node-autoapprove-certificate-rotation', 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', [group(NODES)]),
  ];
  if (hasApiserverKubeletClientBinding(v)) {
    objs.push(clusterRoleBinding('kubeadm:apiserver-kubelet-client', 'system:kubelet-api-admin', [user('kube-apiserver-kubelet-client')]));
  }
  return objs;
}

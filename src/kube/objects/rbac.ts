// RBAC objects spelled once: the Roles, RoleBindings, ClusterRoles and ClusterRoleBindings
// that init writes are built from these, so each phase's table reads like kubeadm's.

import type { KubeObject } from '../client.js';

const RBAC = 'rbac.authorization.k8s.io/v1';
const RBAC_GROUP = 'rbac.authorization.k8s.io';

export type Subject = { kind: 'Group' | 'User'; name: string } | { kind: 'ServiceAccount'; name: string; namespace: string };

export const group = (name: string): Subject => ({ kind: 'Group', name });
export const user = (name: string): Subject => ({ kind: 'User', name });
export const serviceAccount = (namespace: string, name: string): Subject => ({ kind: 'ServiceAccount', name, namespace });

export interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** get on one named object: the rule kubeadm uses to expose its ConfigMaps and Secrets */
export const getNamed = (resource: string, name: string): Rule => ({ apiGroups: [''], resources: [resource], verbs: ['get'], resourceNames: [name] });

function subjectJson(s: Subject): Record<string, string> {
  // the API server fills in apiGroup for Group and User; writing it keeps a re-apply a no-op
  return s.kind === 'ServiceAccount' ? { kind: s.kind, name: s.name, namespace: s.namespace } : { apiGroup: RBAC_GROUP, kind: s.kind, name: s.name };
}

export function role(namespace: string, name: string, rules: Rule[]): KubeObject {
  return { apiVersion: RBAC, kind: 'Role', metadata: { name, namespace }, rules };
}

export function roleBinding(namespace: string, name: string, roleName: string, subjects: Subject[]): KubeObject {
  return { apiVersion: RBAC, kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: RBAC_GROUP, kind: 'Role', name: roleName }, subjects: subjects.map(subjectJson) };
}

export function clusterRole(name: string, rules: Rule[]): KubeObject {
  return { apiVersion: RBAC, kind: 'ClusterRole', metadata: { name }, rules };
}

export function clusterRoleBinding(name: string, clusterRoleName: string, subjects: Subject[]): KubeObject {
  return { apiVersion: RBAC, kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: clusterRoleName }, subjects: subjects.map(subjectJson) };
}

/** the groups kubeadm grants to: joining nodes (bootstrap tokens) and registered nodes */
export const BOOTSTRAPPERS = 'system:bootstrappers:kubeadm:default-node-token';
export const NODES = 'system:nodes';

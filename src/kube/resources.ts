// Where each kind lives in the API (its path and whether it is namespaced): a table of the
// kinds init writes and status reads, and discovery for any other kind a user's CNI manifest holds.

export interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

const KNOWN: Record<string, ResourceInfo> = {
  'v1/ConfigMap': { plural: 'configmaps', namespaced: true },
  'v1/Secret': { plural: 'secrets', namespaced: true },
  'v1/Service': { plural: 'services', namespaced: true },
  'v1/ServiceAccount': { plural: 'serviceaccounts', namespaced: true },
  'v1/Pod': { plural: 'pods', namespaced: true },
  'v1/Namespace': { plural: 'namespaces', namespaced: false },
  'v1/Node': { plural: 'nodes', namespaced: false },
  'v1/Event': { plural: 'events', namespaced: true },
  'rbac.authorization.k8s.io/v1/ClusterRole': { plural: 'clusterroles', namespaced: false },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { plural: 'clusterrolebindings', namespaced: false },
  'rbac.authorization.k8s.io/v1/Role': { plural: 'roles', namespaced: true },
  'rbac.authorization.k8s.io/v1/RoleBinding': { plural: 'rolebindings', namespaced: true },
  'apps/v1/Deployment': { plural: 'deployments', namespaced: true },
  'apps/v1/DaemonSet': { plural: 'daemonsets', namespaced: true },
  'apps/v1/ReplicaSet': { plural: 'replicasets', namespaced: true },
};

export function knownResource(apiVersion: string, kind: string): ResourceInfo | undefined {
  return KNOWN[`${apiVersion}/${kind}`];
}

/** /api/v1 or /apis/GROUP/VERSION */
export function groupVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** the kind's entry in a discovery document (GET groupVersionPath) */
export function resourceFromDiscovery(doc: unknown, kind: string): ResourceInfo | undefined {
  const list = (doc as { resources?: Array<{ name: string; kind: string; namespaced: boolean }> }).resources ?? [];
  const r = list.find((x) => x.kind === kind && !x.name.includes('/'));
  return r ? { plural: r.name, namespaced: r.namespaced } : undefined;
}

export function objectPath(apiVersion: string, info: ResourceInfo, name: string | undefined, namespace: string | undefined): string {
  const ns = info.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
  return `${groupVersionPath(apiVersion)}${ns}/${info.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

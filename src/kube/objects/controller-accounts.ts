// The ServiceAccounts kube-controller-manager gives its controllers (kube-system/<name>), made
// ahead of it in a whole init.
//
// Why: with kubeadm's --use-service-account-credentials=true, the controller-manager, before any
// controller runs, looks up each controller's ServiceAccount and creates the missing ones (a
// GET that fails, a GET of the namespace, a POST: three requests per controller). Its client is
// throttled to 20 requests per second (--kube-api-qps), so on a fresh cluster ~40 controllers take
// ~5.5 s of pure waiting, and the DaemonSet controller, which makes the kube-proxy and flannel
// pods, waits with them (docs/fast-init.md, "The controller-manager's throttled start"). Made ahead
// (40 POSTs at once, ~0.2 s), the controller-manager finds every account at the first GET and its
// controllers run ~3 s sooner.
//
// The lists: names the controller-manager itself creates under kubeadm's flags
// (--controllers=*,bootstrapsigner,tokencleaner, no cloud provider) and default feature gates,
// read from cmd/kube-controller-manager/app of each minor (1.29.15, 1.30.14, 1.32.13, 1.34.4,
// 1.35.1, 1.36.0, 1.37.2). Where a name is not certain for a minor (1.31's service-controller
// depends on the patch release; 1.33 was not read), it is left out: a missing name only costs the
// controller-manager its own three requests, while an extra one would be an object kubeadm's
// cluster does not have. test/api/controller-accounts.test.ts runs the lab's real
// kube-controller-manager and compares.

/** every minor 1.29-1.37 */
const ALWAYS = [
  'attachdetach-controller', 'bootstrap-signer', 'certificate-controller', 'clusterrole-aggregation-controller',
  'cronjob-controller', 'daemon-set-controller', 'deployment-controller', 'disruption-controller',
  'endpoint-controller', 'endpointslice-controller', 'endpointslicemirroring-controller', 'ephemeral-volume-controller',
  'expand-controller', 'generic-garbage-collector', 'horizontal-pod-autoscaler', 'job-controller',
  'legacy-service-account-token-cleaner', 'namespace-controller', 'node-controller', 'persistent-volume-binder',
  'pod-garbage-collector', 'pv-protection-controller', 'pvc-protection-controller', 'replicaset-controller',
  'replication-controller', 'resourcequota-controller', 'root-ca-cert-publisher', 'service-account-controller',
  'statefulset-controller', 'token-cleaner', 'ttl-after-finished-controller', 'ttl-controller',
];

/** [name, first minor, last minor]: names that depend on the minor (a feature gate's default, or code since changed) */
const BY_MINOR: ReadonlyArray<readonly [string, number, number]> = [
  // the service controller made its client, and so its account, before it failed for want of a cloud
  ['service-controller', 29, 30],
  // ValidatingAdmissionPolicy on by default from 1.30
  ['validatingadmissionpolicy-status-controller', 30, 99],
  // MultiCIDRServiceAllocator on by default from 1.33 (1.33 itself not read: from 1.34)
  ['service-cidrs-controller', 34, 99],
  // DynamicResourceAllocation, VolumeAttributesClass on by default from 1.34
  ['resource-claim-controller', 34, 99],
  ['volumeattributesclass-protection-controller', 34, 99],
  // DRADeviceTaints on by default from 1.36
  ['device-taint-eviction-controller', 36, 99],
  // ClusterTrustBundle, PodCertificateRequest, StorageVersionMigrator on by default from 1.37
  ['kube-apiserver-serving-clustertrustbundle-publisher', 37, 99],
  ['podcertificaterequestcleaner', 37, 99],
  ['storage-version-migrator-controller', 37, 99],
];

export const CONTROLLER_ACCOUNTS_NAMESPACE = 'kube-system';

/** the controller-manager's controller ServiceAccounts certain for this minor, sorted */
export function controllerAccountNames(minor: number): string[] {
  const extra = BY_MINOR.filter(([, from, to]) => minor >= from && minor <= to).map(([name]) => name);
  return [...ALWAYS, ...extra].sort();
}

export function controllerAccounts(minor: number): Array<{ apiVersion: 'v1'; kind: 'ServiceAccount'; metadata: { name: string; namespace: string } }> {
  return controllerAccountNames(minor).map((name) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: CONTROLLER_ACCOUNTS_NAMESPACE } }));
}

// Every per-minor difference between Kubernetes 1.29 and 1.37, as one table, so that a new
// minor is a new row and no other file asks "which minor is this?".

export const DEFAULT_KUBERNETES_VERSION = 'v1.37.2';
export const MIN_SUPPORTED_MINOR = 29;
export const MAX_SUPPORTED_MINOR = 37;

// ---------------------------------------------------------------------------------------
// Cluster-side phases and add-ons (upload-config, bootstrap-token, addon): what kubeadm of
// each minor writes through the API. One row per minor; kubeadm-spec.md "Per-minor differences".
// ---------------------------------------------------------------------------------------

export interface ClusterObjectTraits {
  /** the API version the kubeadm-config ConfigMap's ClusterConfiguration is written in */
  kubeadmConfigApi: 'kubeadm.k8s.io/v1beta3' | 'kubeadm.k8s.io/v1beta4';
  /** the uploaded ClusterConfiguration carries apiServer.extraArgs authorization-mode (the control-plane phase's side effect, gone in 1.30: k/k#123555) */
  uploadsAuthorizationMode: boolean;
  /** Corefile: `cache 30 { disable success DOMAIN; disable denial DOMAIN }` instead of `cache 30` */
  corefileCacheBlock: boolean;
  /** CoreDNS declares ports liveness-probe 8080 and readiness-probe 8181 and its probes name them */
  corednsNamedProbePorts: boolean;
  /** KubeProxyConfiguration.mode as kubeadm defaults it */
  kubeProxyMode: '' | 'iptables';
  /** component configs serialize logging.options.text (component-base 1.30+) */
  loggingTextOptions: boolean;
  /** Node annotation kubeadm.alpha.kubernetes.io/cri-socket from upload-config/kubelet */
  criSocketAnnotation: 'always' | 'unless-NodeLocalCRISocket' | 'never';
  /** first patch of this minor with ClusterRoleBinding kubeadm:apiserver-kubelet-client (undefined: none) */
  apiserverKubeletClientBindingFromPatch: number | undefined;
}

const CLUSTER_OBJECT_ROWS: Record<number, ClusterObjectTraits> = {
  29: { kubeadmConfigApi: 'kubeadm.k8s.io/v1beta3', uploadsAuthorizationMode: true, corefileCacheBlock: false, corednsNamedProbePorts: false, kubeProxyMode: '', loggingTextOptions: false, criSocketAnnotation: 'always', apiserverKubeletClientBindingFromPatch: undefined },
  30: { kubeadmConfigApi: 'kubeadm.k8s.io/v1beta3', uploadsAuthorizationMode: false, corefileCacheBlock: false, corednsNamedProbePorts: false, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'always', apiserverKubeletClientBindingFromPatch: undefined },
  31: { kubeadmConfigApi: 'kubeadm.k8s.io/v1beta4', uploadsAuthorizationMode: false, corefileCacheBlock: false, corednsNamedProbePorts: false, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'always', apiserverKubeletClientBindingFromPatch: undefined },
  32: { kubeadmConfigApi: 'kubeadm.k8s.io/v1beta4', uploadsAuthorizationMode: false, corefileCacheBlock: true, corednsNamedProbePorts: false, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'always', apiserverKubeletClientBindingFromPatch: undefined },
  33: { kubeadmConfigApi: 'kubeadm.k8s.io/v1beta4', uploadsAuthorizationMode: false, corefileCacheBlock: true, corednsNamedProbePorts: false, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'always', apiserverKubeletClientBindingFromPatch: 12 },
  34: { kubeadmConfigApi: 'kubeadm.k8s.io/v1beta4', uploadsAuthorizationMode: false, corefileCacheBlock: true, corednsNamedProbePorts: true, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'unless-NodeLocalCRISocket', apiserverKubeletClientBindingFromPatch: 8 },
  35: { kubeadmConfigApi: 'kubeadm.k8s.io/v1beta4', uploadsAuthorizationMode: false, corefileCacheBlock: true, corednsNamedProbePorts: true, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'unless-NodeLocalCRISocket', apiserverKubeletClientBindingFromPatch: 5 },
  36: { kubeadmConfigApi: 'kubeadm.k8s.io/v1beta4', uploadsAuthorizationMode: false, corefileCacheBlock: true, corednsNamedProbePorts: true, kubeProxyMode: '', loggingTextOptions: true, criSocketAnnotation: 'never', apiserverKubeletClientBindingFromPatch: 1 },
  37: { kubeadmConfigApi: 'kubeadm.k8s.io/v1beta4', uploadsAuthorizationMode: false, corefileCacheBlock: true, corednsNamedProbePorts: true, kubeProxyMode: 'iptables', loggingTextOptions: true, criSocketAnnotation: 'never', apiserverKubeletClientBindingFromPatch: 0 },
};

export function clusterObjectTraits(v: { minor: number }): ClusterObjectTraits {
  const row = CLUSTER_OBJECT_ROWS[v.minor];
  if (!row) throw new Error(`internal: no cluster-object row for minor 1.${v.minor} in config/versions.ts`);
  return row;
}

/** does kubeadm of this exact version bind the apiserver's kubelet client user to system:kubelet-api-admin? */
export function hasApiserverKubeletClientBinding(v: { minor: number; patch: number }): boolean {
  const from = clusterObjectTraits(v).apiserverKubeletClientBindingFromPatch;
  return from !== undefined && v.patch >= from;
}

/** is the cri-socket Node annotation written for this version and these feature gates? */
export function writesCriSocketAnnotation(v: { minor: number }, featureGates: Record<string, boolean>): boolean {
  const rule = clusterObjectTraits(v).criSocketAnnotation;
  return rule === 'always' || (rule === 'unless-NodeLocalCRISocket' && featureGates['NodeLocalCRISocket'] === false);
}

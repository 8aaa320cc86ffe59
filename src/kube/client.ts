// The Kubernetes API client every cluster-side phase uses (a thin layer over
// @kubernetes/client-node, loaded only when a phase first needs the API).

/** Placeholder shape until the init issue's client lands; see src/kube/. */
export interface KubeClient {
  /** the kubeconfig file this client authenticates with */
  readonly kubeconfigPath: string;
}

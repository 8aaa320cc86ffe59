// Every per-minor difference between Kubernetes 1.29 and 1.37, as one table, so that a new
// minor is a new row and no other file asks "which minor is this?".

export const DEFAULT_KUBERNETES_VERSION = 'v1.37.2';
export const MIN_SUPPORTED_MINOR = 29;
export const MAX_SUPPORTED_MINOR = 37;

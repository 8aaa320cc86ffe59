// The flags every join phase that reaches the cluster reads: discovery's and the node's.

export const DISCOVERY_FLAGS = ['token', 'discovery-token', 'discovery-token-ca-cert-hash', 'discovery-token-unsafe-skip-ca-verification', 'discovery-file', 'tls-bootstrap-token'] as const;

/** kubeadm's join phase flags, the control-plane ones included */
export const JOIN_FLAGS: readonly string[] = ['config', 'dry-run', 'rootfs', 'node-name', 'cri-socket', ...DISCOVERY_FLAGS, 'control-plane', 'certificate-key', 'apiserver-advertise-address', 'apiserver-bind-port'];

// The one typed, defaulted, validated JoinConfiguration every join phase reads (kubeadm's
// v1beta4 shape), after the join flags and --config merged.

import type { NodeRegistration, Timeouts } from './types.js';
import type { KubeadmApiVersion } from './versions.js';

export interface BootstrapTokenDiscovery {
  /** ID.SECRET */
  token: string;
  /** HOST:PORT, the join command's positional argument */
  apiServerEndpoint: string;
  /** "sha256:<hex>" pins of the cluster CA's public key, as given (parsed during discovery) */
  caCertHashes: string[];
  unsafeSkipCAVerification: boolean;
}

export interface JoinConfig {
  /** the JoinConfiguration's apiVersion when it came from --config (checked against the cluster's minor once it is known) */
  fileApiVersion?: KubeadmApiVersion;
  /** the --config path, for messages */
  configFile?: string;
  nodeRegistration: NodeRegistration;
  /** /etc/kubernetes/pki/ca.crt: where a worker keeps the cluster CA */
  caCertPath: string;
  discovery: {
    bootstrapToken?: BootstrapTokenDiscovery;
    /** a local kubeconfig path or an https:// URL */
    file?: { kubeConfigPath: string };
    /** the token the kubelet (and join, until it has credentials) authenticates with */
    tlsBootstrapToken: string;
  };
  /** set for a control-plane join (not supported yet: loading refuses it) */
  controlPlane?: { localAPIEndpoint: { advertiseAddress: string; bindPort: number }; certificateKey: string };
  skipPhases: string[];
  timeouts: Timeouts;
}

// Every well-known path on a node, from one place: what kubeadm writes where.

import path from 'node:path';

export interface Paths {
  /** /etc/kubernetes */
  kubernetesDir: string;
  /** where admin.conf, kubelet.conf, ... go (--kubeconfig-dir) */
  kubeconfigDir: string;
  /** /etc/kubernetes/manifests */
  manifestsDir: string;
  /** the cert dir (--cert-dir / certificatesDir) */
  pkiDir: string;
  /** /var/lib/kubelet */
  kubeletDir: string;
  kubeletConfigFile: string;
  kubeletFlagsEnvFile: string;
  kubeletInstanceConfigFile: string;
  /** the standalone-mode kubelet config of mini-kubeadm's init before 2026-11-25: kubelet-start removes one an interrupted init left */
  kubeletBootstrapConfigFile: string;
  kubeletClientCurrentPem: string;
  /** /var/lib/etcd unless configured */
  etcdDataDir: string;
  cniConfDir: string;
  cniStateDir: string;
  kubeconfig(name: KubeconfigName): string;
  manifest(component: string): string;
  /** a file under the cert dir, e.g. pki('etcd/ca.crt') */
  pki(rel: string): string;
}

export type KubeconfigName =
  | 'admin'
  | 'super-admin'
  | 'kubelet'
  | 'controller-manager'
  | 'scheduler'
  | 'bootstrap-kubelet';

export const DEFAULT_KUBERNETES_DIR = '/etc/kubernetes';
export const DEFAULT_CERT_DIR = '/etc/kubernetes/pki';
export const DEFAULT_ETCD_DATA_DIR = '/var/lib/etcd';

export function nodePaths(opts: { certificatesDir: string; kubeconfigDir: string; etcdDataDir?: string }): Paths {
  const kubernetesDir = DEFAULT_KUBERNETES_DIR;
  const manifestsDir = path.posix.join(kubernetesDir, 'manifests');
  const kubeletDir = '/var/lib/kubelet';
  return {
    kubernetesDir,
    kubeconfigDir: opts.kubeconfigDir,
    manifestsDir,
    pkiDir: opts.certificatesDir,
    kubeletDir,
    kubeletConfigFile: `${kubeletDir}/config.yaml`,
    kubeletFlagsEnvFile: `${kubeletDir}/kubeadm-flags.env`,
    kubeletInstanceConfigFile: `${kubeletDir}/instance-config.yaml`,
    kubeletBootstrapConfigFile: `${kubeletDir}/mini-kubeadm-bootstrap.yaml`,
    kubeletClientCurrentPem: `${kubeletDir}/pki/kubelet-client-current.pem`,
    etcdDataDir: opts.etcdDataDir ?? DEFAULT_ETCD_DATA_DIR,
    cniConfDir: '/etc/cni/net.d',
    cniStateDir: '/var/lib/cni',
    kubeconfig: (name) => path.posix.join(opts.kubeconfigDir, `${name}.conf`),
    manifest: (component) => path.posix.join(manifestsDir, `${component}.yaml`),
    pki: (rel) => path.posix.join(opts.certificatesDir, rel),
  };
}

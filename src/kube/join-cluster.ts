// What a joining node reads from the cluster with its TLS-bootstrap identity (kubeadm-join-spec.md
// §3.4): the ClusterConfiguration in kubeadm-config, the KubeletConfiguration in kubelet-config
// and (optionally) kube-proxy's config; turned into the InitConfig the node-side code reads
// (the cluster's settings with this node's nodeRegistration), as kubeadm's join does.

import type { JoinConfig } from '../config/join-types.js';
import type { InitConfig } from '../config/types.js';
import { HostError } from '../errors.js';
import type { KubeClient, KubeObject } from './client.js';
import type { DiscoveredCluster } from './discovery.js';

export interface ClusterConfigs {
  cfg: InitConfig;
  /** what the user should know (kube-proxy's config missing, ...) */
  warnings: string[];
}

/** A client of the cluster as the TLS bootstrap token's user (system:bootstrap:<id>). */
export async function bootstrapTokenClient(d: DiscoveredCluster, token: string | undefined, callTimeoutMs: number, fileUser?: Record<string, unknown>): Promise<KubeClient> {
  const { HttpKubeClient } = await import('./http-client.js');
  const bearer = token ?? (typeof fileUser?.token === 'string' ? fileUser.token : undefined);
  const tls: import('node:https').RequestOptions = { ca: d.caPem };
  if (bearer) tls.headers = { Authorization: `Bearer ${bearer}` };
  if (typeof fileUser?.['client-certificate-data'] === 'string') tls.cert = Buffer.from(fileUser['client-certificate-data'], 'base64');
  if (typeof fileUser?.['client-key-data'] === 'string') tls.key = Buffer.from(fileUser['client-key-data'], 'base64');
  return new HttpKubeClient('the TLS bootstrap token', d.server, tls, callTimeoutMs);
}

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, namespace: 'kube-system' });

/** Reads the cluster's configuration and builds this node's InitConfig from it. */
export async function readClusterConfigs(client: KubeClient, join: JoinConfig): Promise<ClusterConfigs> {
  const warnings: string[] = [];
  const kubeadmConfig = await client.get(cm('kubeadm-config'));
  const clusterText = (kubeadmConfig?.data as Record<string, string> | undefined)?.ClusterConfiguration;
  if (!clusterText) {
    throw new HostError(
      'JOIN_NO_CLUSTER_CONFIG',
      `the cluster has no ConfigMap kube-system/kubeadm-config with a ClusterConfiguration${kubeadmConfig ? ' (the ConfigMap exists, the key does not)' : ''}`,
      'on the control plane: mini-kubeadm init phase upload-config kubeadm (a cluster not made by kubeadm cannot be joined this way)',
    );
  }
  const kubeletConfig = await client.get(cm('kubelet-config'));
  const kubeletText = (kubeletConfig?.data as Record<string, string> | undefined)?.kubelet;
  if (!kubeletText) throw new HostError('JOIN_NO_KUBELET_CONFIG', 'could not download the kubelet configuration from ConfigMap "kubelet-config"', 'on the control plane: mini-kubeadm init phase upload-config kubelet');
  // optional, as in kubeadm: missing (404) or not readable (403) is only a warning
  let proxy: KubeObject | undefined;
  try {
    proxy = await client.get(cm('kube-proxy'));
    if (!proxy) warnings.push('the kube-proxy ConfigMap was not found in the cluster (kube-proxy is not installed, or its add-on was skipped)');
  } catch (e) {
    warnings.push(`could not read ConfigMap kube-system/kube-proxy (kube-proxy not installed by init, or its Role kube-system/kube-proxy missing): ${e instanceof Error ? e.message : String(e)}`);
  }
  return { cfg: await nodeConfig(clusterText, kubeletText, join), warnings };
}

/** the cluster's ClusterConfiguration + this node's registration and timeouts, as an InitConfig */
export async function nodeConfig(clusterText: string, kubeletText: string, join: JoinConfig): Promise<InitConfig> {
  const [{ parseConfigFile, applyClusterConfiguration, fileKubernetesVersion }, { defaultInitConfig, parseKubeVersion }, { Origins }, yaml] = await Promise.all([
    import('../config/kubeadm-decode.js'),
    import('../config/defaults.js'),
    import('../config/problems.js'),
    import('js-yaml'),
  ]);
  const where = 'ConfigMap kube-system/kubeadm-config';
  const parsed = await parseConfigFile(clusterText, where);
  if (parsed.problems.length || !parsed.cluster) {
    throw new HostError('JOIN_BAD_CLUSTER_CONFIG', `the ClusterConfiguration in ${where} cannot be read: ${parsed.problems.map((p) => p.message).join('; ') || 'no ClusterConfiguration'}`, 'on the control plane, upload a valid one again: mini-kubeadm init phase upload-config kubeadm --config <your file>');
  }
  const cfg = defaultInitConfig({ name: join.nodeRegistration.name, advertiseAddress: '' });
  const problems: { message: string }[] = [];
  applyClusterConfiguration(cfg, parsed.cluster, { file: where, origins: new Origins(), problems: problems as never, startedAt: new Date() });
  const versionText = fileKubernetesVersion(parsed);
  const version = versionText === undefined ? undefined : parseKubeVersion(versionText);
  if (!version) throw new HostError('JOIN_BAD_CLUSTER_CONFIG', `${where} names no Kubernetes version (kubernetesVersion: ${JSON.stringify(versionText)})`, 'upload the ClusterConfiguration again from the control plane');
  cfg.kubernetesVersion = version;
  cfg.nodeRegistration = { ...join.nodeRegistration };
  // a worker registers with no taint unless it asks for some (kubeadm: nil taints stay nil); a
  // control plane keeps null, i.e. kubeadm's default control-plane taint at mark-control-plane
  if (cfg.nodeRegistration.taints === null && !join.controlPlane) cfg.nodeRegistration.taints = [];
  if (join.controlPlane) {
    cfg.localAPIEndpoint = { ...join.controlPlane.localAPIEndpoint };
    cfg.certificateKey = join.controlPlane.certificateKey;
  }
  cfg.timeouts = { ...join.timeouts };
  const kubelet = yaml.load(kubeletText) as Record<string, unknown> | null;
  if (!kubelet || typeof kubelet !== 'object') throw new HostError('JOIN_BAD_KUBELET_CONFIG', 'the KubeletConfiguration in ConfigMap kube-system/kubelet-config is empty or not YAML', 'on the control plane: mini-kubeadm init phase upload-config kubelet');
  const { apiVersion: _a, kind: _k, ...rest } = kubelet;
  cfg.kubeletConfiguration = rest;
  return cfg;
}

/** kubeadm refuses to join under the name of a Node that is Ready (§3.5 step 5) */
export async function readyNodeNamed(client: KubeClient, name: string): Promise<boolean> {
  const node = await client.get({ apiVersion: 'v1', kind: 'Node', name });
  const conditions = ((node?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []);
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

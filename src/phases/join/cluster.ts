// The glue behind JoinContext.cluster(): discovery (token or file), the TLS-bootstrap client,
// the cluster's configuration, and the check of the JoinConfiguration's API version against
// the cluster's Kubernetes minor (known only now).

import type { JoinConfig } from '../../config/join-types.js';
import { UserError } from '../../errors.js';
import type { Host } from '../../host/host.js';
import type { Reporter } from '../../report/reporter.js';
import type { JoinCluster } from './context.js';

const READ_CONFIG_TEXT = {
  cluster: ['[preflight] Reading configuration from the cluster...', "[preflight] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'"],
  'your-config.yaml': ['[preflight] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...', "[preflight] Use 'kubeadm init phase upload-config --config your-config.yaml' to re-upload it."],
  'your-config-file': ['[preflight] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...', "[preflight] Use 'kubeadm init phase upload-config --config your-config-file' to re-upload it."],
  'upload-config-kubeadm': ['[preflight] Reading configuration from the "kubeadm-config" ConfigMap in namespace "kube-system"...', "[preflight] Use 'kubeadm init phase upload-config kubeadm --config your-config-file' to re-upload it."],
} as const;

export async function findCluster(join: JoinConfig, host: Host, report: Reporter): Promise<JoinCluster> {
  const [{ discoverByToken, discoverByFile, bootstrapKubeconfig }, { bootstrapTokenClient, readClusterConfigs }, versions] = await Promise.all([
    import('../../kube/discovery.js'),
    import('../../kube/join-cluster.js'),
    import('../../config/versions.js'),
  ]);
  const say = (m: string) => report.info(m);
  const bt = join.discovery.bootstrapToken;
  const discovered = bt
    ? await discoverByToken({ endpoint: bt.apiServerEndpoint, token: bt.token, caCertHashes: bt.caCertHashes, timeoutMs: join.timeouts.discoveryMs, say })
    : await discoverByFile({ location: join.discovery.file!.kubeConfigPath, host, timeoutMs: join.timeouts.discoveryMs, say, warn: (m) => report.warn(m) });
  const tlsToken = join.discovery.tlsBootstrapToken || undefined;
  if (!tlsToken && !discovered.fileUser) {
    throw new UserError('JOIN_NO_CREDENTIALS', 'could not find authentication credentials for the TLS bootstrap process. Please use Token discovery, a discovery file with embedded authentication credentials or a discovery file without authentication credentials but with the TLSBootstrapToken field', 'pass --tls-bootstrap-token (or --token) with the discovery file');
  }
  const client = await bootstrapTokenClient(discovered, tlsToken, join.timeouts.kubernetesAPICallMs, tlsToken ? undefined : discovered.fileUser);
  const { cfg, warnings } = await readClusterConfigs(client, join);
  const row = versions.joinFacts(cfg.kubernetesVersion.minor);
  for (const line of READ_CONFIG_TEXT[row.readConfigText]) say(line);
  for (const w of warnings) report.warn(w);
  say(`[preflight] the cluster runs Kubernetes ${cfg.kubernetesVersion.text} (cluster name "${cfg.clusterName}"): this node joins as kubeadm ${cfg.kubernetesVersion.text.replace(/\.\d+([-+].*)?$/, '')} would`);
  if (join.fileApiVersion) {
    const status = row.reads[join.fileApiVersion];
    const about = `JoinConfiguration in ${join.configFile} uses ${join.fileApiVersion}`;
    if (status === 'rejected') {
      throw new UserError(
        'CONFIG_API_VERSION',
        join.fileApiVersion === 'kubeadm.k8s.io/v1beta3'
          ? `your configuration file uses an old API spec: "kubeadm.k8s.io/v1beta3" (${about}); kubeadm 1.${cfg.kubernetesVersion.minor} of this cluster no longer reads it`
          : `${about}, which kubeadm 1.${cfg.kubernetesVersion.minor} of this cluster does not read for join`,
        `write the JoinConfiguration as ${join.fileApiVersion === 'kubeadm.k8s.io/v1beta3' ? 'kubeadm.k8s.io/v1beta4 (kubeletExtraArgs become lists of {name, value}; discovery.timeout becomes timeouts.discovery)' : 'kubeadm.k8s.io/v1beta3 (this cluster is older than 1.31)'}`,
      );
    }
    if (status === 'deprecated') report.warn(`${about}, which is deprecated for Kubernetes 1.${cfg.kubernetesVersion.minor}; move to kubeadm.k8s.io/v1beta4`);
  }
  // a control plane in ControlPlaneKubeletLocalMode bootstraps its kubelet against its own API server (§3.5 step 2)
  const local = join.controlPlane && versions.kubeletConfUsesLocalEndpoint(cfg.kubernetesVersion, cfg.featureGates);
  const text = bootstrapKubeconfig({
    server: local ? `https://${(await import('../../kube/objects/endpoint.js')).hostPort(cfg.localAPIEndpoint.advertiseAddress, cfg.localAPIEndpoint.bindPort)}` : discovered.server,
    caPem: discovered.caPem,
    clusterName: cfg.clusterName,
    ...(tlsToken ? { token: tlsToken } : { fileUser: discovered.fileUser }),
    preferences: versions.pkiFacts(cfg.kubernetesVersion).kubeconfigPreferences,
  });
  return { discovered, cfg, client, bootstrapKubeconfig: text };
}

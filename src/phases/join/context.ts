// What join's phases get: the JoinConfiguration, the run options, the node's paths, the host
// seam, the reporter, and the cluster as discovery found it (read once, on first call).

import type { FlagValues } from '../../config/flags.js';
import type { JoinConfig } from '../../config/join-types.js';
import type { InitConfig, RunOptions } from '../../config/types.js';
import type { Host } from '../../host/host.js';
import type { Paths } from '../../host/paths.js';
import type { KubeClient } from '../../kube/client.js';
import type { DiscoveredCluster } from '../../kube/discovery.js';
import type { Reporter } from '../../report/reporter.js';

/** The cluster this node joins, as discovery and the cluster's ConfigMaps describe it. */
export interface JoinCluster {
  discovered: DiscoveredCluster;
  /** the cluster's ClusterConfiguration and KubeletConfiguration with this node's nodeRegistration */
  cfg: InitConfig;
  /** the API as the TLS bootstrap token's user */
  client: KubeClient;
  /** /etc/kubernetes/bootstrap-kubelet.conf's text */
  bootstrapKubeconfig: string;
}

export interface JoinContext {
  join: JoinConfig;
  opts: RunOptions;
  paths: Paths;
  host: Host;
  report: Reporter;
  flags: FlagValues;
  env: NodeJS.ProcessEnv;
  /** discovery and the cluster's configuration: done on first call (preflight), then the same answer */
  cluster(): Promise<JoinCluster>;
  /** values one phase leaves for a later one in the same run */
  state: Map<string, unknown>;
  /** a whole join (no single phase, not --dry-run): the pod network's CNI config goes in ahead (src/addons/cni-ahead.ts) */
  wholeJoin?: boolean;
}

/** a worker join has no control-plane phase to run */
export const workerSkip = (ctx: Pick<JoinContext, 'join'>): string | undefined => (ctx.join.controlPlane ? undefined : 'a worker node (no --control-plane)');

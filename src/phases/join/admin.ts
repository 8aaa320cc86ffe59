// What the control-plane phases of join share: the admin.conf client this node made (at the
// server admin.conf names: the control-plane endpoint, as kubeadm's join uses it), the etcd
// client it leads to, and the PKI dependencies of the cluster's configuration for this node.

import { HostError } from '../../errors.js';
import type { KubeClient } from '../../kube/client.js';
import type { EtcdClient } from '../../etcd/client.js';
import type { JoinCluster, JoinContext } from './context.js';

type Ctx = Pick<JoinContext, 'host' | 'paths'>;

/** admin.conf's client; undefined in a dry run that has not written it */
export async function adminClient(ctx: Ctx, c: JoinCluster): Promise<KubeClient | undefined> {
  const { kubeconfigFileClient } = await import('../../kube/connect.js');
  const file = ctx.paths.kubeconfig('admin');
  const client = await kubeconfigFileClient(ctx.host, file, c.cfg.timeouts.kubernetesAPICallMs);
  if (!client && !ctx.host.dryRun) throw new HostError('JOIN_NO_ADMIN_CONF', `${file} is missing: the control-plane join talks to the cluster through it`, 'run the kubeconfig phase first: mini-kubeadm join phase control-plane-prepare kubeconfig ...');
  return client;
}

/** the etcd cluster's client (kubeadm's NewFromCluster); undefined in a dry run (its certificates and admin.conf are only recorded) */
export async function etcdOf(ctx: Ctx, c: JoinCluster, extra?: string[]): Promise<EtcdClient | undefined> {
  if (ctx.host.dryRun) return undefined;
  const client = await adminClient(ctx, c);
  if (!client) return undefined;
  const { etcdClientFromCluster } = await import('../../etcd/from-cluster.js');
  return etcdClientFromCluster({ host: ctx.host, paths: ctx.paths, cfg: c.cfg, client, extra });
}

/** the pki/kubeconfig modules' inputs for this node (one key pool per run) */
export async function joinPkiDeps(ctx: Pick<JoinContext, 'host' | 'paths' | 'opts' | 'state'>, c: JoinCluster) {
  const { keyPoolOf } = await import('../../pki/key-pool.js');
  return { cfg: c.cfg, paths: ctx.paths, host: ctx.host, startedAt: ctx.opts.startedAt, keys: keyPoolOf(ctx.state) };
}

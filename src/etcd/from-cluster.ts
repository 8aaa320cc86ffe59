// The etcd client of a joining control plane, as kubeadm's NewFromCluster makes it: the client
// URLs from the annotation of the cluster's etcd static pods (read through admin.conf), TLS with
// the etcd CA and the healthcheck-client certificate this node has made, then every member's
// client URL as etcd lists it (kubeadm's Sync).

import type { InitConfig } from '../config/types.js';
import { HostError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import type { KubeClient } from '../kube/client.js';
import { EtcdClient } from './client.js';

export const ETCD_CLIENT_URLS_ANNOTATION = 'kubeadm.kubernetes.io/etcd.advertise-client-urls';

/** the client URLs the cluster's etcd pods announce (label component=etcd, tier=control-plane) */
export async function etcdPodEndpoints(client: KubeClient): Promise<string[]> {
  const pods = await client.list({ apiVersion: 'v1', kind: 'Pod', namespace: 'kube-system' });
  const etcd = pods.filter((p) => p.metadata.labels?.component === 'etcd' && p.metadata.labels?.tier === 'control-plane');
  return [...new Set(etcd.flatMap((p) => (p.metadata.annotations?.[ETCD_CLIENT_URLS_ANNOTATION] ?? '').split(',').filter(Boolean)))];
}

export async function etcdClientFromCluster(o: { host: Host; paths: Pick<Paths, 'pki'>; cfg: Pick<InitConfig, 'certificatesDir'>; client: KubeClient; extra?: string[] }): Promise<EtcdClient> {
  const files = ['etcd/ca.crt', 'etcd/healthcheck-client.crt', 'etcd/healthcheck-client.key'].map((f) => o.paths.pki(f));
  const [ca, cert, key] = await Promise.all(files.map((f) => o.host.readFile(f)));
  if (!ca || !cert || !key) throw new HostError('ETCD_CLIENT_FILES', `cannot talk to etcd: ${files.filter((_, i) => ![ca, cert, key][i]).join(', ')} missing`, 'run the certs phase first: mini-kubeadm join phase control-plane-prepare certs ...');
  const fromPods = await etcdPodEndpoints(o.client);
  if (fromPods.length === 0) throw new HostError('ETCD_NO_ENDPOINTS', `no etcd pod in kube-system carries the annotation ${ETCD_CLIENT_URLS_ANNOTATION}: the cluster's etcd cannot be found`, 'is this cluster\'s etcd local (stacked)? kubectl -n kube-system get pods -l component=etcd -o yaml');
  const tls = { ca, cert, key };
  const first = new EtcdClient([...fromPods, ...(o.extra ?? [])], tls);
  // kubeadm's Sync: every member's client URLs
  const members = await first.members().catch(() => []);
  const synced = [...new Set([...fromPods, ...members.flatMap((m) => m.clientURLs), ...(o.extra ?? [])])];
  return new EtcdClient(synced, tls);
}

// Makes the API client for a run, as kubeadm does: admin.conf pointed at this node's API
// endpoint; on the first connection it ensures ClusterRoleBinding kubeadm:cluster-admins,
// creating it through super-admin.conf when admin.conf is not yet authorized to. Commands that
// talk to the cluster from anywhere (token) find their kubeconfig as kubeadm does and use its server.

import path from 'node:path';
import type { InitConfig } from '../config/types.js';
import { HostError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import type { KubeClient, KubeObject } from './client.js';
import { DryRunKubeClient } from './dry-run-client.js';
import { hostPort } from './objects/endpoint.js';

export interface ConnectInput {
  cfg: Pick<InitConfig, 'localAPIEndpoint' | 'timeouts'>;
  paths: Pick<Paths, 'kubeconfig'>;
  host: Pick<Host, 'dryRun' | 'readText' | 'readFile'>;
}

export const CLUSTER_ADMINS_BINDING: KubeObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'kubeadm:cluster-admins' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'kubeadm:cluster-admins' }],
};

/** this node's API endpoint, where kubeadm points its clients */
const localServer = (cfg: ConnectInput['cfg']) => `https://${hostPort(cfg.localAPIEndpoint.advertiseAddress, cfg.localAPIEndpoint.bindPort)}`;

/** A client through one kubeconfig file of the node, at this node's API endpoint; undefined without the file. */
export async function kubeconfigClient(ctx: ConnectInput, path: string, callTimeoutMs = ctx.cfg.timeouts.kubernetesAPICallMs): Promise<KubeClient | undefined> {
  return kubeconfigFileClient(ctx.host, path, callTimeoutMs, localServer(ctx.cfg));
}

/** A client through a kubeconfig file, at the server it names unless `server` is given; undefined without the file. */
export async function kubeconfigFileClient(host: Pick<Host, 'readText' | 'readFile'>, path: string, callTimeoutMs: number, server?: string): Promise<KubeClient | undefined> {
  const text = await host.readText(path);
  if (text === undefined) return undefined;
  const { httpKubeClient } = await import('./http-client.js');
  return httpKubeClient({ kubeconfig: text, kubeconfigPath: path, server, callTimeoutMs, readFile: (p) => host.readFile(p) });
}

/** where kubeadm's admin kubeconfig is, the last place GetKubeConfigPath looks */
export const ADMIN_KUBECONFIG = '/etc/kubernetes/admin.conf';

/**
 * kubeadm's GetKubeConfigPath: the flag when given; else the first existing file of $KUBECONFIG's
 * entries (or ~/.kube/config when it is unset) and /etc/kubernetes/admin.conf; else the first
 * of them (whose absence the caller then reports, with every place looked at). Relative paths
 * are taken from `cwd`.
 */
export async function findKubeconfig(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string, host: Pick<Host, 'exists'>): Promise<{ path: string; candidates: string[] }> {
  const abs = (p: string) => path.resolve(cwd, p);
  if (flag) return { path: abs(flag), candidates: [abs(flag)] };
  // client-go: a set $KUBECONFIG replaces ~/.kube/config; an empty one counts as unset
  const fromEnv = [...new Set((env.KUBECONFIG ?? '').split(':').filter((p) => p !== ''))];
  const home = env.HOME ? [path.join(env.HOME, '.kube/config')] : [];
  const candidates = [...(env.KUBECONFIG ? fromEnv : home), ADMIN_KUBECONFIG].map(abs);
  for (const c of candidates) if (await host.exists(c)) return { path: c, candidates };
  return { path: candidates[0]!, candidates };
}

/** findKubeconfig's answer, which must exist: the error names every place looked at (under --rootfs) */
export async function existingKubeconfig(flag: string | undefined, io: { env: NodeJS.ProcessEnv; cwd: string }, host: Pick<Host, 'exists' | 'readFile'>, rootfs?: string): Promise<string> {
  const { path, candidates } = await findKubeconfig(flag, io.env, io.cwd, host);
  // read, not only looked for: a directory, FIFO or dangling link there gets the host's own error
  if ((await host.readFile(path)) !== undefined) return path;
  const under = rootfs ? ` (under --rootfs ${rootfs})` : '';
  throw new HostError(
    'NO_KUBECONFIG',
    candidates.length > 1 ? `no kubeconfig found: none of ${candidates.join(', ')} exists${under}` : `the kubeconfig ${path}${under} does not exist`,
    'name one with --kubeconfig or $KUBECONFIG (without them: ~/.kube/config, then /etc/kubernetes/admin.conf)',
  );
}

/** kubeconfigFileClient for a file that must be readable */
export async function kubeconfigFileClientOf(host: Pick<Host, 'readText' | 'readFile'>, path: string, callTimeoutMs: number): Promise<KubeClient> {
  const client = await kubeconfigFileClient(host, path, callTimeoutMs);
  if (!client) throw new HostError('NO_KUBECONFIG', `the kubeconfig ${path} cannot be read`, 'check that it exists and is readable');
  return client;
}

export async function connect(ctx: ConnectInput): Promise<KubeClient> {
  const adminPath = ctx.paths.kubeconfig('admin');
  // kubeadm's dry-run client answers without a cluster; so does ours (the binding is not shown, as in kubeadm)
  if (ctx.host.dryRun) return new DryRunKubeClient(adminPath, localServer(ctx.cfg));

  const open = (path: string) => kubeconfigClient(ctx, path);
  const admin = await open(adminPath);
  if (!admin) throw new HostError('NO_ADMIN_KUBECONFIG', `${adminPath} does not exist, so the API server cannot be reached as an administrator`, 'run "mini-kubeadm init phase kubeconfig admin" first');

  const asAdmin = await admin.create(CLUSTER_ADMINS_BINDING);
  if (asAdmin !== 'forbidden') return admin;

  const superPath = ctx.paths.kubeconfig('super-admin');
  const superAdmin = await open(superPath);
  if (!superAdmin) {
    throw new HostError(
      'CLUSTER_ADMINS_MISSING',
      `ClusterRoleBinding kubeadm:cluster-admins is missing (${adminPath} is not authorized) and there is no ${superPath} to create it`,
      'run "mini-kubeadm init phase kubeconfig super-admin", then run this phase again',
    );
  }
  const asSuper = await superAdmin.create(CLUSTER_ADMINS_BINDING);
  if (asSuper === 'forbidden') {
    throw new HostError('CLUSTER_ADMINS_FORBIDDEN', `even ${superPath} may not create ClusterRoleBinding kubeadm:cluster-admins`, `its client certificate must carry O=system:masters: check it with "openssl x509 -noout -subject" on the client-certificate-data of ${superPath}`);
  }
  // the API server authorizes from a cache of RBAC objects: the new binding counts only once the
  // cache has it, so admin.conf is used only after it is let in (a whole init's phases call the
  // API at once, the moment it answers)
  const { waitFor } = await import('../host/wait.js');
  await waitFor({
    what: `${adminPath} to be authorized by ClusterRoleBinding kubeadm:cluster-admins`,
    probe: async () => (await admin.create(CLUSTER_ADMINS_BINDING)) !== 'forbidden',
    timeoutMs: ctx.cfg.timeouts.kubernetesAPICallMs,
    intervalMs: 200,
    diagnose: async (last) =>
      `the binding exists but the API server still refuses ${adminPath}${last ? ` (${last})` : ''}: check it and the client certificate's O=kubeadm:cluster-admins: kubectl --kubeconfig ${superPath} get clusterrolebinding kubeadm:cluster-admins -o yaml`,
  });
  return admin;
}

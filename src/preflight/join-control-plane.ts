// What a control-plane join checks beyond a worker's (kubeadm-join-spec.md §4.1): the cluster has
// a control-plane endpoint, and without a certificate key the shared keys are already here
// (kubeadm's SharedCertificateExists); then init's rows for a new control plane (CPU, memory,
// its ports, manifests not there yet, an empty etcd data dir).

import type { InitConfig } from '../config/types.js';
import { UserError } from '../errors.js';
import type { Host } from '../host/host.js';
import { profileFilesToTransfer } from '../kube/objects/kubeadm-certs.js';
import { initChecks, type PreflightCheck } from './checks.js';

const PLEASE =
  'Please ensure that:\n* The cluster has a stable controlPlaneEndpoint address.\n* The certificates that must be shared among control plane instances are provided.\n';

function notSatisfied(err: string, hint: string): UserError {
  return new UserError('JOIN_CONTROL_PLANE_CONDITIONS', `\nOne or more conditions for hosting a new control plane instance is not satisfied.\n\n${err}\n\n${PLEASE}`, hint);
}

/** the files every control plane must share (the etcd CA only with a local etcd; a security profile's files with a profile) */
export function sharedFiles(cfg: Pick<InitConfig, 'certificatesDir' | 'etcd' | 'profile' | 'apiServer'>): string[] {
  const d = cfg.certificatesDir;
  const profile = Object.values(profileFilesToTransfer(cfg)).map((f) => f.file);
  return [`${d}/ca.crt`, `${d}/ca.key`, `${d}/sa.key`, `${d}/sa.pub`, `${d}/front-proxy-ca.crt`, `${d}/front-proxy-ca.key`, ...(cfg.etcd.local ? [`${d}/etcd/ca.crt`, `${d}/etcd/ca.key`] : []), ...profile];
}

export async function checkCanHostControlPlane(cfg: InitConfig, host: Pick<Host, 'exists'>): Promise<void> {
  if (!cfg.controlPlaneEndpoint) {
    throw notSatisfied(
      "unable to add a new control plane instance to a cluster that doesn't have a stable controlPlaneEndpoint address",
      'a cluster that gets more control planes needs an address for all of them: make it with "mini-kubeadm init --control-plane-endpoint HOST:PORT" (a load balancer, a DNS name or a virtual IP in front of the control planes), or join this node as a worker',
    );
  }
  if (cfg.certificateKey) return;
  const missing: string[] = [];
  for (const f of sharedFiles(cfg)) if (!(await host.exists(f))) missing.push(f);
  if (missing.length) {
    throw notSatisfied(
      `the shared certificates and keys are missing: ${missing.join(', ')} (no --certificate-key was given to download them)`,
      'pass --certificate-key with the key "init --upload-certs" printed (or run "mini-kubeadm init phase upload-certs --upload-certs" on a control plane for a new one), or copy these files from a control plane',
    );
  }
}

/** init's rows that kubeadm runs for a control-plane join, in its order (§4.1 step 2) */
export function controlPlaneJoinChecks(cfg: InitConfig): PreflightCheck[] {
  const port = cfg.localAPIEndpoint.bindPort;
  const wanted = [
    'NumCPU',
    'Mem',
    'KubernetesVersion',
    'Firewalld',
    `Port-${port}`,
    'Port-10259',
    'Port-10257',
    ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'].map((c) => `FileAvailable--etc-kubernetes-manifests-${c}.yaml`),
    ...(cfg.etcd.local ? ['Port-2379', 'Port-2380', `DirAvailable-${cfg.etcd.local.dataDir.replace(/\//g, '-')}`] : []),
  ];
  const byName = new Map(initChecks(cfg).map((c) => [c.name, c]));
  return wanted.flatMap((n) => byName.get(n) ?? []);
}

/**
 * Did an earlier run of this control-plane join (interrupted, or stopped by a stale etcd member)
 * leave its files on this node, for this same cluster? Its CA is the cluster's (as discovery
 * found it) and it made this node's API server certificate. Then join carries on, as init does
 * after an interruption, instead of refusing until a reset.
 */
export async function earlierJoinOfThisCluster(host: Pick<Host, 'readText' | 'exists'>, cfg: Pick<InitConfig, 'certificatesDir'>, clusterCaPem: string): Promise<boolean> {
  const ca = await host.readText(`${cfg.certificatesDir}/ca.crt`);
  if (ca === undefined || ca.trim() !== clusterCaPem.trim()) return false;
  return host.exists(`${cfg.certificatesDir}/apiserver.crt`);
}

/** the checks an earlier join's leftovers fail (its files, the ports its components hold, the etcd data), as notes */
const LEFTOVER = /^(FileAvailable-|Port-|DirAvailable-)/;

export function carryOnFromEarlierJoin(checks: PreflightCheck[]): PreflightCheck[] {
  return checks.map((c) =>
    LEFTOVER.test(c.name)
      ? { ...c, run: async (e) => (await c.run(e)).map((f) => (f.severity === 'error' ? { severity: 'note' as const, message: `${f.message}: left by an earlier run of this join to the same cluster, carried on` } : f)) }
      : c,
  );
}

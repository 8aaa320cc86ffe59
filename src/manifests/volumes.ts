// The hostPath volumes and mounts of each static pod, as kubeadm's volumes.go and etcd's
// local.go make them: fixed ones, the CA-bundle directories that exist on the node, the
// external-etcd cert directories, and the user's extraVolumes (same name replaces).

import path from 'node:path';
import type { ExternalEtcd, HostPathType, InitConfig } from '../config/types.js';
import type { Facts } from '../config/versions.js';
import type { Host } from '../host/host.js';
import { argValue } from './flags.js';

export interface Volume {
  name: string;
  hostPath: { path: string; type: HostPathType };
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  /** absent = read-write (kubeadm omits readOnly: false) */
  readOnly?: true;
}

export interface PodVolumes {
  volumes: Volume[];
  volumeMounts: VolumeMount[];
}

export type ControlPlaneComponent = 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler';

const CA_CERTS_DIR = '/etc/ssl/certs';
const FLEXVOLUME_DIR = '/usr/libexec/kubernetes/kubelet-plugins/volume/exec';

/** The minor's CA-bundle directories that exist on the node (kubeadm stats them; under --rootfs, inside it). */
export async function presentCaBundleDirs(host: Host, facts: Facts): Promise<Set<string>> {
  const present = new Set<string>();
  for (const dir of facts.manifests.caBundleDirs) if (await host.exists(dir)) present.add(dir);
  return present;
}

/** "/etc/pki/ca-trust" -> "etc-pki-ca-trust" */
function volumeNameOf(dir: string): string {
  return dir.replaceAll('/', '-').slice(1);
}

class Mounts {
  private readonly vols = new Map<string, Volume>();
  private readonly mounts = new Map<string, VolumeMount>();

  add(name: string, hostPath: string, mountPath: string, readOnly: boolean, type: HostPathType): void {
    this.vols.set(name, { name, hostPath: { path: hostPath, type } });
    this.mounts.set(name, readOnly ? { name, mountPath, readOnly: true } : { name, mountPath });
  }

  /** both sorted by name, as kubeadm's VolumeMapToSlice */
  sorted(): PodVolumes {
    const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    return { volumes: [...this.vols.values()].sort(byName), volumeMounts: [...this.mounts.values()].sort(byName) };
  }
}

/** kubeadm's getEtcdCertVolumes: the directories of the external etcd files not already mounted. */
export function externalEtcdCertDirs(ext: ExternalEtcd, certificatesDir: string, facts: Facts): string[] {
  const dirs = new Set<string>();
  for (const file of [ext.caFile, ext.certFile, ext.keyFile]) {
    const dir = path.posix.dirname(file);
    if (file === '' || dir === '.') continue;
    const covered =
      facts.manifests.caBundleDirs.some((p) => dir.startsWith(p)) || dir.startsWith(CA_CERTS_DIR) || dir.startsWith(certificatesDir);
    if (covered) continue;
    let inside = false;
    for (const existing of [...dirs].sort()) {
      if (existing.startsWith(dir)) dirs.delete(existing);
      else if (dir.startsWith(existing)) inside = true;
    }
    if (!inside) dirs.add(dir);
  }
  return [...dirs].sort();
}

export function controlPlaneVolumes(component: ControlPlaneComponent, cfg: InitConfig, facts: Facts, presentCaDirs: ReadonlySet<string>): PodVolumes {
  const m = new Mounts();
  const certs = cfg.certificatesDir;
  if (component === 'kube-apiserver' || component === 'kube-controller-manager') {
    m.add('k8s-certs', certs, certs, true, 'DirectoryOrCreate');
    m.add('ca-certs', CA_CERTS_DIR, CA_CERTS_DIR, true, 'DirectoryOrCreate');
  }
  if (component === 'kube-apiserver' && cfg.etcd.external) {
    externalEtcdCertDirs(cfg.etcd.external, certs, facts).forEach((dir, i) => m.add(`etcd-certs-${i}`, dir, dir, true, 'DirectoryOrCreate'));
  }
  if (component === 'kube-controller-manager') {
    if (facts.manifests.flexVolumeDir) {
      const dir = argValue(cfg.controllerManager.extraArgs, 'flex-volume-plugin-dir')?.value ?? FLEXVOLUME_DIR;
      m.add('flexvolume-dir', dir, dir, false, 'DirectoryOrCreate');
    }
    const kc = '/etc/kubernetes/controller-manager.conf';
    m.add('kubeconfig', kc, kc, true, 'FileOrCreate');
  }
  if (component === 'kube-scheduler') {
    const kc = '/etc/kubernetes/scheduler.conf';
    m.add('kubeconfig', kc, kc, true, 'FileOrCreate');
  }
  if (component !== 'kube-scheduler') {
    for (const dir of facts.manifests.caBundleDirs) if (presentCaDirs.has(dir)) m.add(volumeNameOf(dir), dir, dir, true, 'DirectoryOrCreate');
  }
  const extra = { 'kube-apiserver': cfg.apiServer, 'kube-controller-manager': cfg.controllerManager, 'kube-scheduler': cfg.scheduler }[component];
  for (const v of extra.extraVolumes) m.add(v.name, v.hostPath, v.mountPath, v.readOnly, v.pathType);
  return m.sorted();
}

/** etcd: data dir and CERTDIR/etcd, read-write; volumes sorted, mounts data first (kubeadm's literal order). */
export function etcdVolumes(cfg: InitConfig): PodVolumes {
  const dataDir = cfg.etcd.local?.dataDir ?? '/var/lib/etcd';
  const certDir = `${cfg.certificatesDir}/etcd`;
  return {
    volumes: [
      { name: 'etcd-certs', hostPath: { path: certDir, type: 'DirectoryOrCreate' } },
      { name: 'etcd-data', hostPath: { path: dataDir, type: 'DirectoryOrCreate' } },
    ],
    volumeMounts: [
      { name: 'etcd-data', mountPath: dataDir },
      { name: 'etcd-certs', mountPath: certDir },
    ],
  };
}

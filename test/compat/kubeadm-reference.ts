// The reference kubeadm binaries and their input, shared by the compat tests: which versions,
// the config API each takes, our InitConfig written as that kubeadm's config file, the binary
// (built by build-kubeadm.sh on first use) and a temp node root for its --rootfs (it chroots).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { defaultInitConfig, parseKubeVersion } from '../../src/config/defaults.js';
import type { InitConfig } from '../../src/config/types.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const LAB_CACHE = process.env.LAB_CACHE ?? path.join(homedir(), '.cache/mini-kubeadm-lab');
export const VERSIONS = ['v1.37.2', 'v1.29.15'] as const;
export type RefVersion = (typeof VERSIONS)[number];
export type ConfigApi = 'v1beta3' | 'v1beta4';
/** the config API each kubeadm takes without --allow-experimental-api (1.29's v1beta4 is experimental) */
export const CONFIG_API: Record<RefVersion, ConfigApi> = { 'v1.37.2': 'v1beta4', 'v1.29.15': 'v1beta3' };
/** CA-bundle directories made in the temp root, so the conditional mounts appear */
const CA_DIRS = ['/etc/ca-certificates', '/usr/share/ca-certificates', '/etc/pki/ca-trust', '/etc/pki/tls/certs'];
/** where the config file goes inside a node root (both tools read --config below --rootfs) */
export const CONFIG_FILE = '/cfg/kubeadm.yaml';

/** The test node's configuration for a version, edited by a case. */
export function configFor(version: RefVersion, edit: (cfg: InitConfig) => void): InitConfig {
  const cfg = defaultInitConfig({ name: 'node-a', advertiseAddress: '172.31.0.2' });
  cfg.kubernetesVersion = parseKubeVersion(version)!;
  edit(cfg);
  if (CONFIG_API[version] === 'v1beta3') {
    // v1beta3 has no extraEnvs: the same configuration, as that API can say it
    for (const c of [cfg.apiServer, cfg.controllerManager, cfg.scheduler, cfg.etcd.local!]) c.extraEnvs = [];
  }
  return cfg;
}

const args = (a: { name: string; value: string }[]) => a.map(({ name, value }) => ({ name, value }));
const seconds = (ms: number) => `${ms / 1000}s`;
const nonEmpty = <T>(key: string, list: T[]) => (list.length > 0 ? { [key]: list } : {});

/** v1beta3 extraArgs are a map (kubeadm 1.29 sorts them anyway); v1beta4 a list */
function extraArgs(a: { name: string; value: string }[], api: ConfigApi): unknown {
  return api === 'v1beta4' ? args(a) : Object.fromEntries(a.map(({ name, value }) => [name, value]));
}

/** The same configuration as a kubeadm config file of that API version. */
export function kubeadmConfig(cfg: InitConfig, api: ConfigApi): string {
  const component = (c: InitConfig['apiServer'] | InitConfig['scheduler'], timeout?: number) => ({
    extraArgs: extraArgs(c.extraArgs, api),
    extraVolumes: c.extraVolumes.map((v) => ({ name: v.name, hostPath: v.hostPath, mountPath: v.mountPath, readOnly: v.readOnly, ...(v.pathType ? { pathType: v.pathType } : {}) })),
    ...(api === 'v1beta4' ? { extraEnvs: c.extraEnvs } : {}),
    ...(timeout !== undefined ? { timeoutForControlPlane: seconds(timeout) } : {}),
  });
  const init = {
    apiVersion: `kubeadm.k8s.io/${api}`,
    kind: 'InitConfiguration',
    localAPIEndpoint: cfg.localAPIEndpoint,
    nodeRegistration: { name: cfg.nodeRegistration.name, criSocket: cfg.nodeRegistration.criSocket, imagePullPolicy: cfg.nodeRegistration.imagePullPolicy },
    ...(api === 'v1beta4' ? { timeouts: { controlPlaneComponentHealthCheck: seconds(cfg.timeouts.controlPlaneComponentHealthCheckMs) } } : {}),
  };
  const local = cfg.etcd.local!;
  const cluster = {
    apiVersion: `kubeadm.k8s.io/${api}`,
    kind: 'ClusterConfiguration',
    kubernetesVersion: cfg.kubernetesVersion.text,
    clusterName: cfg.clusterName,
    ...(cfg.controlPlaneEndpoint ? { controlPlaneEndpoint: cfg.controlPlaneEndpoint } : {}),
    certificatesDir: cfg.certificatesDir,
    imageRepository: cfg.imageRepository,
    networking: { serviceSubnet: cfg.networking.serviceSubnet, dnsDomain: cfg.networking.dnsDomain, ...(cfg.networking.podSubnet ? { podSubnet: cfg.networking.podSubnet } : {}) },
    etcd: {
      local: {
        dataDir: local.dataDir,
        extraArgs: extraArgs(local.extraArgs, api),
        ...(api === 'v1beta4' ? { extraEnvs: local.extraEnvs } : {}),
        ...nonEmpty('serverCertSANs', local.serverCertSANs),
        ...nonEmpty('peerCertSANs', local.peerCertSANs),
      },
    },
    apiServer: { ...component(cfg.apiServer, api === 'v1beta3' ? cfg.timeouts.controlPlaneComponentHealthCheckMs : undefined), ...nonEmpty('certSANs', cfg.apiServer.certSANs) },
    controllerManager: component(cfg.controllerManager),
    scheduler: component(cfg.scheduler),
    ...(api === 'v1beta4'
      ? {
          encryptionAlgorithm: cfg.encryptionAlgorithm,
          certificateValidityPeriod: seconds(cfg.certificateValidityPeriodMs),
          caCertificateValidityPeriod: seconds(cfg.caCertificateValidityPeriodMs),
        }
      : {}),
  };
  return `${yaml.dump(init)}---\n${yaml.dump(cluster)}`;
}

/** The reference kubeadm of a version, built from the Go module proxy when not cached (minutes). */
export function kubeadmBinary(version: string): string {
  const bin = path.join(LAB_CACHE, `kubeadm-compat@${version}`, 'kubeadm');
  if (!existsSync(bin)) execFileSync('bash', [path.join(repoRoot, 'test/compat/build-kubeadm.sh'), version], { stdio: ['ignore', 'ignore', 'inherit'] });
  return bin;
}

/** A temp node root with the CA-bundle dirs, holding the config file of `cfg` at CONFIG_FILE. */
export function nodeRoot(cfg: InitConfig, api: ConfigApi, prefix = 'mk-compat-'): string {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  for (const d of [...CA_DIRS, path.dirname(CONFIG_FILE)]) mkdirSync(path.join(root, d), { recursive: true });
  writeFileSync(path.join(root, CONFIG_FILE), kubeadmConfig(cfg, api));
  return root;
}

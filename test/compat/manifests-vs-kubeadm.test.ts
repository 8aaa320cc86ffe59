// Our static-pod manifests against the REAL kubeadm of the same version: for each version and
// input, kubeadm writes its manifests in a temp root (--rootfs: it chroots there), we render ours
// for the same configuration and node, and the parsed pods are compared field by field and flag
// by flag. Every remaining difference must be on the allow-list below, with its reason
// (docs/differences.md, "Static-pod manifests"). Needs root (kubeadm's chroot) and the kubeadm
// builds of test/compat/build-kubeadm.sh (made on first run, minutes; cached afterwards).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { defaultInitConfig, parseKubeVersion } from '../../src/config/defaults.js';
import type { InitConfig } from '../../src/config/types.js';
import { factsFor } from '../../src/config/versions.js';
import { RealHost } from '../../src/host/real-host.js';
import { buildManifest, readNodeFacts } from '../../src/manifests/static-pod.js';
import type { TemplateName } from '../../src/manifests/render.js';
import { ALLOWED, allowedReason } from './allowed-differences.js';
import { diffPods } from './pod-diff.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const LAB_CACHE = process.env.LAB_CACHE ?? path.join(homedir(), '.cache/mini-kubeadm-lab');
const VERSIONS = ['v1.37.2', 'v1.29.15'] as const;
/** the config API each kubeadm takes without --allow-experimental-api (1.29's v1beta4 is experimental) */
const CONFIG_API: Record<(typeof VERSIONS)[number], 'v1beta3' | 'v1beta4'> = { 'v1.37.2': 'v1beta4', 'v1.29.15': 'v1beta3' };
const COMPONENTS: TemplateName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
/** the proxy variables both kubeadm and we see (kubeadm reads its own environment) */
const PROXY_ENV = { HTTPS_PROXY: 'http://proxy.lab.invalid:3128', no_proxy: '10.96.0.0/12,.svc', http_proxy: 'http://proxy.lab.invalid:3128' };
/** CA-bundle directories made in the temp root, so the conditional mounts appear */
const CA_DIRS = ['/etc/ca-certificates', '/usr/share/ca-certificates', '/etc/pki/ca-trust', '/etc/pki/tls/certs'];

interface Case {
  name: string;
  edit(cfg: InitConfig): void;
}

const CASES: Case[] = [
  { name: 'defaults', edit: () => {} },
  {
    name: 'extraArgs, extraVolumes, extraEnvs, pull policy',
    edit: (cfg) => {
      cfg.nodeRegistration.imagePullPolicy = 'Never';
      cfg.apiServer.extraArgs = [
        { name: 'enable-admission-plugins', value: 'NodeRestriction,PodSecurity' },
        { name: 'audit-log-path', value: '/var/log/kubernetes/audit.log' },
        { name: 'anonymous-auth', value: 'false' },
        { name: 'authorization-mode', value: 'Node,RBAC,Webhook' },
      ];
      cfg.apiServer.extraVolumes = [
        { name: 'audit', hostPath: '/var/log/kubernetes', mountPath: '/var/log/kubernetes', readOnly: false, pathType: 'DirectoryOrCreate' },
        { name: 'ca-certs', hostPath: '/etc/ssl/certs', mountPath: '/etc/ssl/certs', readOnly: true, pathType: 'Directory' },
      ];
      cfg.apiServer.extraEnvs = [{ name: 'GOMAXPROCS', value: '2' }, { name: 'HTTPS_PROXY', value: 'http://other.lab.invalid:8080' }];
      cfg.controllerManager.extraArgs = [
        { name: 'node-cidr-mask-size', value: '24' },
        { name: 'bind-address', value: '0.0.0.0' },
        { name: 'flex-volume-plugin-dir', value: '/opt/flex' },
      ];
      cfg.controllerManager.extraVolumes = [{ name: 'cloud', hostPath: '/etc/cloud.conf', mountPath: '/etc/cloud.conf', readOnly: true, pathType: 'FileOrCreate' }];
      cfg.scheduler.extraArgs = [{ name: 'v', value: '2' }, { name: 'bind-address', value: '127.0.0.2' }];
      cfg.scheduler.extraVolumes = [{ name: 'sched-extra', hostPath: '/etc/sched', mountPath: '/etc/sched', readOnly: true, pathType: '' }];
      cfg.scheduler.extraEnvs = [{ name: 'ZZ_LAST', value: 'z' }];
      cfg.etcd.local!.extraArgs = [
        { name: 'snapshot-count', value: '5000' },
        { name: 'listen-metrics-urls', value: 'http://127.0.0.1:2382' },
        { name: 'auto-compaction-retention', value: '8' },
      ];
      cfg.etcd.local!.extraEnvs = [{ name: 'ETCD_QUOTA', value: '1' }];
    },
  },
  {
    name: 'service and pod CIDRs, DNS domain',
    edit: (cfg) => {
      cfg.networking.serviceSubnet = '10.100.0.0/16';
      cfg.networking.podSubnet = '10.244.0.0/16';
      cfg.networking.dnsDomain = 'lab.internal';
    },
  },
  {
    name: 'IPv4 advertise address, port, names, dirs, repository',
    edit: (cfg) => {
      cfg.localAPIEndpoint = { advertiseAddress: '192.168.56.10', bindPort: 8443 };
      cfg.nodeRegistration.name = 'cp-1';
      cfg.clusterName = 'lab';
      cfg.certificatesDir = '/etc/k8s/pki';
      cfg.imageRepository = 'registry.lab.invalid:5000/k8s';
      cfg.etcd.local!.dataDir = '/data/etcd';
      cfg.timeouts.controlPlaneComponentHealthCheckMs = 95_000;
    },
  },
];

function configFor(version: (typeof VERSIONS)[number], edit: (cfg: InitConfig) => void): InitConfig {
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

/** v1beta3 extraArgs are a map (kubeadm 1.29 sorts them anyway); v1beta4 a list */
function extraArgs(a: { name: string; value: string }[], api: 'v1beta3' | 'v1beta4'): unknown {
  return api === 'v1beta4' ? args(a) : Object.fromEntries(a.map(({ name, value }) => [name, value]));
}

/** The same configuration as a kubeadm config file of that API version. */
function kubeadmConfig(cfg: InitConfig, api: 'v1beta3' | 'v1beta4'): string {
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
  const cluster = {
    apiVersion: `kubeadm.k8s.io/${api}`,
    kind: 'ClusterConfiguration',
    kubernetesVersion: cfg.kubernetesVersion.text,
    clusterName: cfg.clusterName,
    certificatesDir: cfg.certificatesDir,
    imageRepository: cfg.imageRepository,
    networking: { serviceSubnet: cfg.networking.serviceSubnet, dnsDomain: cfg.networking.dnsDomain, ...(cfg.networking.podSubnet ? { podSubnet: cfg.networking.podSubnet } : {}) },
    etcd: {
      local: { dataDir: cfg.etcd.local!.dataDir, extraArgs: extraArgs(cfg.etcd.local!.extraArgs, api), ...(api === 'v1beta4' ? { extraEnvs: cfg.etcd.local!.extraEnvs } : {}) },
    },
    apiServer: component(cfg.apiServer, api === 'v1beta3' ? cfg.timeouts.controlPlaneComponentHealthCheckMs : undefined),
    controllerManager: component(cfg.controllerManager),
    scheduler: component(cfg.scheduler),
  };
  return `${yaml.dump(init)}---\n${yaml.dump(cluster)}`;
}

function kubeadmBinary(version: string): string {
  const bin = path.join(LAB_CACHE, `kubeadm-compat@${version}`, 'kubeadm');
  if (!existsSync(bin)) execFileSync('bash', [path.join(repoRoot, 'test/compat/build-kubeadm.sh'), version], { stdio: ['ignore', 'ignore', 'inherit'] });
  return bin;
}

/** A temp root with the CA-bundle dirs; kubeadm chroots into it. */
function nodeRoot(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'mk-compat-'));
  for (const d of [...CA_DIRS, '/cfg']) mkdirSync(path.join(root, d), { recursive: true });
  return root;
}

function runKubeadm(bin: string, root: string, cfg: InitConfig, api: 'v1beta3' | 'v1beta4'): Record<string, unknown> {
  writeFileSync(path.join(root, 'cfg/kubeadm.yaml'), kubeadmConfig(cfg, api));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...PROXY_ENV };
  for (const phase of [['control-plane', 'all'], ['etcd', 'local']]) {
    execFileSync(bin, ['init', 'phase', ...phase, '--config', '/cfg/kubeadm.yaml', '--rootfs', root], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  }
  const pods: Record<string, unknown> = {};
  for (const c of COMPONENTS) pods[c] = yaml.load(readFileSync(path.join(root, 'etc/kubernetes/manifests', `${c}.yaml`), 'utf8'));
  return pods;
}

test('the compat suite runs as root (kubeadm --rootfs chroots)', () => {
  assert.equal(process.getuid?.(), 0, 'run `npm run test:compat` as root: kubeadm --rootfs needs chroot');
});

for (const version of VERSIONS) {
  for (const c of CASES) {
    test(`manifests match kubeadm ${version}: ${c.name}`, { timeout: 30 * 60_000 }, async (t) => {
      const bin = kubeadmBinary(version);
      const root = nodeRoot();
      t.after(() => rmSync(root, { recursive: true, force: true }));
      const cfg = configFor(version, c.edit);
      const theirs = runKubeadm(bin, root, cfg, CONFIG_API[version]);
      const facts = factsFor(cfg.kubernetesVersion);
      const node = await readNodeFacts(new RealHost(root), cfg, facts, { PATH: '/usr/bin', ...PROXY_ENV });
      const unexplained: string[] = [];
      const explained: string[] = [];
      for (const component of COMPONENTS) {
        const ours = (await buildManifest(component, cfg, node, facts)).pod;
        for (const d of diffPods(theirs[component], ours)) {
          const line = `${component} ${d.path}: kubeadm ${JSON.stringify(d.kubeadm)}, ours ${JSON.stringify(d.ours)}`;
          const reason = allowedReason({ version, component, path: d.path });
          (reason ? explained : unexplained).push(reason ? `${line} [allowed: ${reason}]` : line);
        }
      }
      if (explained.length > 0) t.diagnostic(`allowed differences:\n${explained.join('\n')}`);
      assert.deepEqual(unexplained, [], `differences from kubeadm ${version} not on the allow-list:\n${unexplained.join('\n')}`);
    });
  }
}

test('every allow-list entry has a reason and names a version', () => {
  for (const a of ALLOWED) {
    assert.ok(a.reason.length > 20, `allow-list entry ${String(a.path)} needs a reason`);
    assert.ok(a.versions.length > 0);
  }
});

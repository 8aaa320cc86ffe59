// Flags and --config merged into one defaulted, validated InitConfig, the way kubeadm's
// LoadOrDefaultInitConfiguration does it: the file (or the flags) first, then the dynamic
// defaults (node name, advertise address, CRI socket, token), then every check. Nothing is
// written before this returns, so bad input never leaves a half-made node.

import path from 'node:path';
import type { FlagValues } from './flags.js';
import type { InitConfig, RunOptions } from './types.js';
import type { Host } from '../host/host.js';
import { UserError } from '../errors.js';
import { defaultInitConfig } from './defaults.js';
import { applyFlags, fieldForFlag, flagsMixedWithConfig } from './apply-flags.js';
import { profileNamed } from '../profiles/profiles.js';
import { applyProfile } from '../profiles/apply.js';
import { detectAdvertiseAddress, detectCriSocket, detectNodeName } from './detect.js';
import { resolveKubernetesVersion } from './kubernetes-version.js';
import { fieldLabel, Origins, problemsError, type Problem } from './problems.js';
import { generateBootstrapToken } from './token.js';
import { parseHostPort, validateInitConfig } from './validate.js';
import { configApiRow, DEFAULT_KUBERNETES_VERSION, type KubeadmApiVersion } from './versions.js';
import { parseKubeVersion } from './defaults.js';

export interface LoadInput {
  flags: FlagValues;
  /** reads --config (under --rootfs, as kubeadm's chroot would) */
  host: Host;
  /** the directory relative paths in flags are taken from */
  cwd: string;
  env: NodeJS.ProcessEnv;
  startedAt: Date;
  /** keep the configured (or default) CRI socket instead of looking for one: `token create --config`, as kubeadm's SkipCRIDetect */
  skipCriDetect?: boolean;
  /** a day-two command that does not use the node's name or advertise address (`certs`, `config images`): one that cannot be found is left at a placeholder, not an error */
  nodeIdentityOptional?: boolean;
}

export interface LoadResult {
  cfg: InitConfig;
  opts: RunOptions;
  /** things the user should know (deprecated API version, detected values kubeadm also warns about) */
  warnings: string[];
}

/** mini-kubeadm's pod range when flannel is the CNI and none is given (flannel's own default) */
export const FLANNEL_POD_SUBNET = '10.244.0.0/16';

export async function loadInitConfig(input: LoadInput): Promise<LoadResult> {
  const { flags, host, cwd, startedAt } = input;
  const str = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const origins = new Origins();
  const cfg = defaultInitConfig({ name: '', advertiseAddress: '' });
  const version: { text?: string; label: string } = { label: '--kubernetes-version' };
  const rootfs = str('rootfs') ? path.resolve(cwd, str('rootfs')!) : '/';
  let configDryRun = false;
  const apiVersions: { kind: string; apiVersion: KubeadmApiVersion }[] = [];

  const configFlag = str('config');
  if (configFlag !== undefined) {
    const mixed = flagsMixedWithConfig(flags);
    if (mixed.length) {
      throw new UserError(
        'CONFIG_MIXED_WITH_FLAGS',
        `can not mix '--config' with arguments [${mixed.join(' ')}]`,
        `set them in the config file instead (${mixed.map((f) => `--${f}: ${fieldForFlag(f) ? fieldLabel(fieldForFlag(f)!) : 'no field'}`).join(', ')}), or drop --config`,
      );
    }
    const file = path.resolve(cwd, configFlag);
    const text = await host.readText(file);
    if (text === undefined) {
      throw new UserError(
        'CONFIG_NOT_FOUND',
        `--config ${configFlag}: no such file ${rootfs === '/' ? file : `${path.join(rootfs, file)} (--rootfs ${rootfs} holds every node path, the config file too)`}`,
        'check the path; "mini-kubeadm config print init-defaults > kubeadm.yaml" makes a starting point',
      );
    }
    const { parseConfigFile, applyInitConfiguration, applyClusterConfiguration, fileKubernetesVersion } = await import('./kubeadm-decode.js');
    const parsed = await parseConfigFile(text, file);
    warnings.push(...parsed.warnings);
    if (parsed.problems.length) throw problemsError(parsed.problems);
    const ctx = { file, origins, problems, startedAt };
    if (parsed.init) {
      applyInitConfiguration(cfg, parsed.init, ctx);
      apiVersions.push({ kind: 'InitConfiguration', apiVersion: parsed.init.apiVersion });
      configDryRun = parsed.init.doc.dryRun === true;
      if (typeof (parsed.init.doc.patches as { directory?: unknown } | undefined)?.directory === 'string') {
        problems.push({ code: 'UNSUPPORTED', message: `InitConfiguration.patches.directory in ${file}: patches are not supported by mini-kubeadm yet`, hint: 'remove patches from the file' });
      }
    }
    if (parsed.cluster) {
      applyClusterConfiguration(cfg, parsed.cluster, ctx);
      apiVersions.push({ kind: 'ClusterConfiguration', apiVersion: parsed.cluster.apiVersion });
      version.text = fileKubernetesVersion(parsed);
      version.label = `ClusterConfiguration.kubernetesVersion in ${file}`;
    }
    if (parsed.kubelet) cfg.kubeletConfiguration = parsed.kubelet;
    if (parsed.kubeProxy) cfg.kubeProxyConfiguration = parsed.kubeProxy;
  }

  const flagVersion = { text: undefined as string | undefined };
  applyFlags(flags, { cfg, cwd, problems, version: flagVersion }, origins);
  const profile = profileNamed(cfg.profile);
  if (profile) applyProfile(cfg, profile);
  if (flagVersion.text !== undefined) {
    version.text = flagVersion.text;
    version.label = '--kubernetes-version';
  }

  // --- the target version, and what it allows ---
  const resolved = resolveKubernetesVersion(version.text, version.label);
  if (resolved.ok) {
    cfg.kubernetesVersion = resolved.version;
    if (resolved.warning) warnings.push(resolved.warning);
  } else {
    problems.push(resolved.problem);
    cfg.kubernetesVersion = parseKubeVersion(DEFAULT_KUBERNETES_VERSION)!;
  }
  const row = configApiRow(cfg.kubernetesVersion.minor);
  for (const { kind, apiVersion } of apiVersions) {
    const status = row.reads[apiVersion];
    const about = `${kind} in ${str('config')} uses ${apiVersion}`;
    if (status === 'rejected') {
      problems.push({
        code: 'CONFIG_API_VERSION',
        message: `${about}, which kubeadm ${cfg.kubernetesVersion.text.replace(/\.\d+([-+].*)?$/, '')} no longer reads`,
        hint: `change apiVersion to ${row.writes} (v1beta4 moved extraArgs to lists of {name, value} and apiServer.timeoutForControlPlane to InitConfiguration.timeouts.controlPlaneComponentHealthCheck)`,
      });
    } else if (status === 'deprecated') {
      warnings.push(`${about}, which is deprecated for Kubernetes 1.${row.minor}; move to ${row.writes} (kubeadm config migrate does this)`);
    } else if (status === 'experimental') {
      warnings.push(`${about}, which is experimental for Kubernetes 1.${row.minor}`);
    }
  }
  if (cfg.featureGates.PublicKeysECDSA === true) {
    // kubeadm: the gate wins over the field
    cfg.encryptionAlgorithm = 'ECDSA-P256';
    if (row.writes !== 'kubeadm.k8s.io/v1beta3') warnings.push('the PublicKeysECDSA feature gate is deprecated; set ClusterConfiguration.encryptionAlgorithm: ECDSA-P256 instead');
  }

  // --- dynamic defaults: what kubeadm finds out about the node ---
  const nr = cfg.nodeRegistration;
  if (!nr.name) {
    const d = await detectNodeName(host);
    if (d.ok) {
      nr.name = d.value;
      origins.setDefault('nodeRegistration.name', `the node name "${d.value}" (taken from the host name; set it with --node-name or nodeRegistration.name)`);
    } else if (input.nodeIdentityOptional) nr.name = 'node';
    else problems.push({ code: 'NODE_NAME', message: `cannot find the node name: ${d.why}`, hint: 'give one with --node-name' });
  }
  if (!nr.criSocket || (!origins.has('nodeRegistration.criSocket'))) {
    // skipCriDetect: nothing talks to the runtime, the default socket stands in
    const d = input.skipCriDetect ? { ok: true as const, value: nr.criSocket } : await detectCriSocket(host);
    if (d.ok) nr.criSocket = d.value;
    else problems.push({ code: 'CRI_SOCKET', message: `${d.why}; mini-kubeadm does not know which one to use`, hint: 'choose one with --cri-socket (or nodeRegistration.criSocket), e.g. --cri-socket unix:///var/run/containerd/containerd.sock' });
  } else if (!nr.criSocket.includes('://')) {
    warnings.push(`${origins.of('nodeRegistration.criSocket')}: CRI endpoints without a URL scheme are deprecated; using unix://${nr.criSocket}`);
    nr.criSocket = `unix://${nr.criSocket}`;
  }
  if (!cfg.localAPIEndpoint.advertiseAddress) {
    const d = await detectAdvertiseAddress(host);
    if (d.ok) {
      cfg.localAPIEndpoint.advertiseAddress = d.value;
      origins.setDefault('localAPIEndpoint.advertiseAddress', `the advertise address ${d.value} (${d.how})`);
    } else if (input.nodeIdentityOptional) cfg.localAPIEndpoint.advertiseAddress = '127.0.0.1';
    else problems.push({ code: 'ADVERTISE_ADDRESS', message: `cannot choose an advertise address: ${d.why}`, hint: 'give one with --apiserver-advertise-address (or localAPIEndpoint.advertiseAddress)' });
  }
  for (const t of cfg.bootstrapTokens) if (!t.token) t.token = generateBootstrapToken();
  if (!cfg.networking.podSubnet && cfg.cni.kind === 'flannel') {
    cfg.networking.podSubnet = FLANNEL_POD_SUBNET;
    origins.setDefault('networking.podSubnet', `the pod range mini-kubeadm uses for --cni flannel (--pod-network-cidr sets another)`);
  }
  cfg.apiServer.certSANs = cfg.apiServer.certSANs.map((s) => s.toLowerCase());
  // kubeadm keeps the union of flag and file, lower-cased and sorted
  nr.ignorePreflightErrors = [...new Set(nr.ignorePreflightErrors.map((s) => s.toLowerCase()))].sort();

  // --- every check, before anything is written ---
  problems.push(...validateInitConfig(cfg, origins, row));
  if (cfg.controlPlaneEndpoint && !problems.some((p) => p.code === 'INVALID_ENDPOINT')) {
    // kubeadm: an endpoint without a port gets the bind port
    const hp = parseHostPort(cfg.controlPlaneEndpoint);
    if (!('error' in hp) && hp.port === undefined) {
      cfg.controlPlaneEndpoint = hp.host.includes(':') ? `[${hp.host}]:${cfg.localAPIEndpoint.bindPort}` : `${hp.host}:${cfg.localAPIEndpoint.bindPort}`;
    }
  }
  // read, not stat: a directory, FIFO, device or dangling link gets the host's own error
  if (cfg.cni.kind === 'file' && (await host.readFile(cfg.cni.path)) === undefined) {
    problems.push({
      code: 'INVALID_CNI',
      message: `--cni ${str('cni')}: no such manifest file ${rootfs === '/' ? cfg.cni.path : path.join(rootfs, cfg.cni.path)}`,
      hint: 'use --cni flannel, --cni none, or the path of a CNI manifest to apply',
    });
  }
  if (configDryRun && !host.dryRun) {
    problems.push({ code: 'CONFIG_DRY_RUN', message: `InitConfiguration.dryRun is true in ${str('config')} but --dry-run was not given`, hint: 'pass --dry-run as well (mini-kubeadm picks the recording host from the flag), or remove dryRun from the file' });
  }
  if (problems.length) throw problemsError(problems);

  const opts: RunOptions = {
    dryRun: host.dryRun,
    rootfs,
    kubeconfigDir: path.resolve(cwd, str('kubeconfig-dir') ?? '/etc/kubernetes'),
    startedAt,
    verbose: flags.verbose === true,
  };
  return { cfg, opts, warnings };
}

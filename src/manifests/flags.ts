// The command lines of etcd and the control-plane components, computed as kubeadm does:
// defaults from the configuration, then extraArgs merged and ordered by the minor's rule.

import path from 'node:path';
import type { Arg, InitConfig } from '../config/types.js';
import type { Facts } from '../config/versions.js';
import { clientURL, isIPv6, joinHostPort, peerURL } from './addresses.js';

const KUBERNETES_DIR = '/etc/kubernetes';
const ETCD_CLIENT_PORT = 2379;
const ETCD_METRICS_PORT = 2381;
const DEFAULT_AUTHZ_MODES = ['Node', 'RBAC'];
const VALID_AUTHZ_MODES = new Set(['Node', 'RBAC', 'Webhook', 'ABAC', 'AlwaysAllow', 'AlwaysDeny']);

/** The last value of an argument, as kubeadm's GetArgValue (searching from the end). */
export function argValue(args: readonly Arg[], name: string): Arg | undefined {
  for (let i = args.length - 1; i >= 0; i--) if (args[i]!.name === name) return args[i];
  return undefined;
}

/** kubeadm's SetArgValues(args, name, value, 1): replaces the last of that name, else appends. */
function setArg(args: Arg[], name: string, value: string): Arg[] {
  for (let i = args.length - 1; i >= 0; i--) {
    if (args[i]!.name === name) {
      args[i] = { ...args[i]!, value };
      return args;
    }
  }
  args.push({ name, value });
  return args;
}

function byNameThenValue(a: Arg, b: Arg): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function mergeWithBase(base: string, arg: Arg): string {
  if (arg.mergeMethod === 'append') return base + arg.value;
  if (arg.mergeMethod === 'prepend') return arg.value + base;
  return arg.value;
}

/** kubeadm's ArgumentsToCommand for the minor: defaults and extraArgs into `--name=value` words. */
export function argumentsToCommand(defaults: readonly Arg[], extra: readonly Arg[], facts: Facts): string[] {
  const m = facts.manifests;
  const overrides: readonly Arg[] = m.argMergeMethod ? extra : extra.map(({ name, value }) => ({ name, value }));
  const overridden = new Map<string, Arg>();
  for (const a of overrides) overridden.set(a.name, a);
  const word = (a: Arg) => `--${a.name}=${a.value}`;

  if (m.argOrder === 'sorted') {
    const args = [...overrides, ...defaults.filter((a) => !overridden.has(a.name))];
    return args.sort(byNameThenValue).map(word);
  }
  const out: string[] = [];
  for (const a of [...defaults].sort(byNameThenValue)) {
    const ov = overridden.get(a.name);
    if (ov === undefined) out.push(word(a));
    else if (ov.mergeMethod !== undefined) out.push(word({ name: a.name, value: mergeWithBase(a.value, ov) }));
  }
  for (const a of overrides) if (a.mergeMethod === undefined) out.push(word(a));
  return out;
}

/** kubeadm's getAuthzModes: the user's valid modes, or Node,RBAC. */
function authzModes(arg: Arg | undefined, facts: Facts): string {
  const def = DEFAULT_AUTHZ_MODES.join(',');
  if (!arg || arg.value === '') return def;
  const modes = arg.value.split(',').filter((m) => m !== '' && VALID_AUTHZ_MODES.has(m));
  if (modes.length === 0) return def;
  if (facts.manifests.argMergeMethod && arg.mergeMethod !== undefined) return def;
  return modes.join(',');
}

const pki = (cfg: InitConfig, rel: string) => path.posix.join(cfg.certificatesDir, rel);

export function apiServerFlags(cfg: InitConfig, facts: Facts): string[] {
  const adv = cfg.localAPIEndpoint.advertiseAddress;
  let defaults: Arg[] = [
    { name: 'advertise-address', value: adv },
    { name: 'enable-admission-plugins', value: 'NodeRestriction' },
    { name: 'service-cluster-ip-range', value: cfg.networking.serviceSubnet },
    { name: 'service-account-key-file', value: pki(cfg, 'sa.pub') },
    { name: 'service-account-signing-key-file', value: pki(cfg, 'sa.key') },
    { name: 'service-account-issuer', value: `https://kubernetes.default.svc.${cfg.networking.dnsDomain}` },
    { name: 'client-ca-file', value: pki(cfg, 'ca.crt') },
    { name: 'tls-cert-file', value: pki(cfg, 'apiserver.crt') },
    { name: 'tls-private-key-file', value: pki(cfg, 'apiserver.key') },
    { name: 'kubelet-client-certificate', value: pki(cfg, 'apiserver-kubelet-client.crt') },
    { name: 'kubelet-client-key', value: pki(cfg, 'apiserver-kubelet-client.key') },
    { name: 'enable-bootstrap-token-auth', value: 'true' },
    { name: 'secure-port', value: String(cfg.localAPIEndpoint.bindPort) },
    { name: 'allow-privileged', value: 'true' },
    { name: 'kubelet-preferred-address-types', value: 'InternalIP,ExternalIP,Hostname' },
    { name: 'requestheader-username-headers', value: 'X-Remote-User' },
    { name: 'requestheader-group-headers', value: 'X-Remote-Group' },
    { name: 'requestheader-extra-headers-prefix', value: 'X-Remote-Extra-' },
    { name: 'requestheader-client-ca-file', value: pki(cfg, 'front-proxy-ca.crt') },
    { name: 'requestheader-allowed-names', value: 'front-proxy-client' },
    { name: 'proxy-client-cert-file', value: pki(cfg, 'front-proxy-client.crt') },
    { name: 'proxy-client-key-file', value: pki(cfg, 'front-proxy-client.key') },
  ];
  const ext = cfg.etcd.external;
  if (ext) {
    defaults = setArg(defaults, 'etcd-servers', ext.endpoints.join(','));
    if (ext.caFile !== '') defaults = setArg(defaults, 'etcd-cafile', ext.caFile);
    if (ext.certFile !== '' && ext.keyFile !== '') {
      defaults = setArg(defaults, 'etcd-certfile', ext.certFile);
      defaults = setArg(defaults, 'etcd-keyfile', ext.keyFile);
    }
  } else {
    let etcdServers = `https://${joinHostPort(isIPv6(adv) ? '::1' : '127.0.0.1', ETCD_CLIENT_PORT)}`;
    defaults = setArg(defaults, 'etcd-servers', etcdServers);
    defaults = setArg(defaults, 'etcd-cafile', pki(cfg, 'etcd/ca.crt'));
    defaults = setArg(defaults, 'etcd-certfile', pki(cfg, 'apiserver-etcd-client.crt'));
    defaults = setArg(defaults, 'etcd-keyfile', pki(cfg, 'apiserver-etcd-client.key'));
    const acu = argValue(cfg.etcd.local?.extraArgs ?? [], 'advertise-client-urls');
    if (acu) {
      etcdServers = facts.manifests.argMergeMethod ? mergeWithBase(etcdServers, acu) : acu.value;
      defaults = setArg(defaults, 'etcd-servers', etcdServers);
    }
  }

  let extra = [...cfg.apiServer.extraArgs];
  const userMode = argValue(extra, 'authorization-mode');
  if (facts.manifests.authorizationMode === 'filter-extra-arg') {
    extra = setArg(extra, 'authorization-mode', authzModes(userMode, facts));
  } else if (!argValue(extra, 'authorization-config')) {
    defaults = setArg(defaults, 'authorization-mode', authzModes(userMode, facts));
  }
  return argumentsToCommand(defaults, extra, facts);
}

export interface ControllerManagerOptions {
  /** ca.crt without ca.key: the CSR signer gets no CA files, as kubeadm does for an external CA */
  externalCA?: boolean;
}

export function controllerManagerFlags(cfg: InitConfig, facts: Facts, opts: ControllerManagerOptions = {}): string[] {
  const kubeconfig = path.posix.join(KUBERNETES_DIR, 'controller-manager.conf');
  const ca = pki(cfg, 'ca.crt');
  let defaults: Arg[] = [
    { name: 'bind-address', value: '127.0.0.1' },
    { name: 'leader-elect', value: 'true' },
    { name: 'kubeconfig', value: kubeconfig },
    { name: 'authentication-kubeconfig', value: kubeconfig },
    { name: 'authorization-kubeconfig', value: kubeconfig },
    { name: 'client-ca-file', value: ca },
    { name: 'requestheader-client-ca-file', value: pki(cfg, 'front-proxy-ca.crt') },
    { name: 'root-ca-file', value: ca },
    { name: 'service-account-private-key-file', value: pki(cfg, 'sa.key') },
    { name: 'cluster-signing-cert-file', value: ca },
    { name: 'cluster-signing-key-file', value: pki(cfg, 'ca.key') },
    { name: 'use-service-account-credentials', value: 'true' },
    { name: 'controllers', value: '*,bootstrapsigner,tokencleaner' },
  ];
  if (opts.externalCA) {
    defaults = setArg(defaults, 'cluster-signing-key-file', '');
    defaults = setArg(defaults, 'cluster-signing-cert-file', '');
  }
  if (cfg.networking.podSubnet !== '') {
    defaults = setArg(defaults, 'allocate-node-cidrs', 'true');
    defaults = setArg(defaults, 'cluster-cidr', cfg.networking.podSubnet);
    if (cfg.networking.serviceSubnet !== '') defaults = setArg(defaults, 'service-cluster-ip-range', cfg.networking.serviceSubnet);
  }
  if (cfg.clusterName !== '') defaults = setArg(defaults, 'cluster-name', cfg.clusterName);
  return argumentsToCommand(defaults, cfg.controllerManager.extraArgs, facts);
}

export function schedulerFlags(cfg: InitConfig, facts: Facts): string[] {
  const kubeconfig = path.posix.join(KUBERNETES_DIR, 'scheduler.conf');
  const defaults: Arg[] = [
    { name: 'bind-address', value: '127.0.0.1' },
    { name: 'leader-elect', value: 'true' },
    { name: 'kubeconfig', value: kubeconfig },
    { name: 'authentication-kubeconfig', value: kubeconfig },
    { name: 'authorization-kubeconfig', value: kubeconfig },
  ];
  return argumentsToCommand(defaults, cfg.scheduler.extraArgs, facts);
}

/** Is this etcd image tag (e.g. "3.6.5-0") at least 3.6.0? Pre-releases of 3.6.0 are not; a tag that is no version is not. */
export function etcdTagAtLeast36(tag: string): boolean {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(tag);
  if (!m) return false;
  const [maj, min, pat] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (maj !== 3) return maj > 3;
  if (min !== 6) return min > 6;
  return pat > 0 || m[4] === undefined;
}

/** The etcd image tag this configuration runs: etcd.local.imageTag, else the minor's default. */
export function etcdImageTag(cfg: InitConfig, facts: Facts): string {
  return cfg.etcd.local?.imageTag || facts.images.etcd;
}

export function etcdFlags(cfg: InitConfig, facts: Facts): string[] {
  const local = cfg.etcd.local;
  if (!local) throw new Error('etcdFlags needs etcd.local');
  const ep = cfg.localAPIEndpoint;
  const localhost = isIPv6(ep.advertiseAddress) ? '::1' : '127.0.0.1';
  let defaults: Arg[] = [
    { name: 'name', value: cfg.nodeRegistration.name },
    { name: 'listen-client-urls', value: `${clientURL(localhost)},${clientURL(ep.advertiseAddress)}` },
    { name: 'advertise-client-urls', value: clientURL(ep.advertiseAddress) },
    { name: 'listen-peer-urls', value: peerURL(ep.advertiseAddress) },
    { name: 'initial-advertise-peer-urls', value: peerURL(ep.advertiseAddress) },
    { name: 'data-dir', value: local.dataDir },
    { name: 'cert-file', value: pki(cfg, 'etcd/server.crt') },
    { name: 'key-file', value: pki(cfg, 'etcd/server.key') },
    { name: 'trusted-ca-file', value: pki(cfg, 'etcd/ca.crt') },
    { name: 'client-cert-auth', value: 'true' },
    { name: 'peer-cert-file', value: pki(cfg, 'etcd/peer.crt') },
    { name: 'peer-key-file', value: pki(cfg, 'etcd/peer.key') },
    { name: 'peer-trusted-ca-file', value: pki(cfg, 'etcd/ca.crt') },
    { name: 'peer-client-cert-auth', value: 'true' },
    { name: 'snapshot-count', value: '10000' },
    { name: 'listen-metrics-urls', value: `http://${joinHostPort(localhost, ETCD_METRICS_PORT)}` },
  ];
  const style = facts.manifests.etcdFlagStyle;
  const modern = style === 'modern' || (style === 'by-etcd-version' && etcdTagAtLeast36(etcdImageTag(cfg, facts)));
  defaults.push(
    ...(modern
      ? [{ name: 'feature-gates', value: 'InitialCorruptCheck=true' }, { name: 'watch-progress-notify-interval', value: '5s' }]
      : [{ name: 'experimental-initial-corrupt-check', value: 'true' }, { name: 'experimental-watch-progress-notify-interval', value: '5s' }]),
  );
  // a new cluster of this one member, or (a control-plane join) the existing members and this one
  defaults = setArg(defaults, 'initial-cluster', local.joinInitialCluster ?? `${cfg.nodeRegistration.name}=${peerURL(ep.advertiseAddress)}`);
  if (local.joinInitialCluster) defaults = setArg(defaults, 'initial-cluster-state', 'existing');
  return argumentsToCommand(defaults, local.extraArgs, facts);
}

// The four static pods as a table (what differs between them: probes, ports, CPU, env,
// annotations), and the template values each one renders from, as kubeadm builds them.

import type { EnvVar, InitConfig } from '../config/types.js';
import type { Facts, ProbePaths } from '../config/versions.js';
import { clientURL, isIPv6, joinHostPort } from './addresses.js';
import { apiServerFlags, argValue, controllerManagerFlags, etcdFlags, etcdImageTag, schedulerFlags } from './flags.js';
import type { TemplateName, TemplateValues } from './render.js';
import { controlPlaneVolumes, etcdVolumes, type PodVolumes } from './volumes.js';

export const PROBE_PORT_NAME = 'probe-port';
const KUBE_CONTROLLER_MANAGER_PORT = 10257;
const KUBE_SCHEDULER_PORT = 10259;
const ETCD_METRICS_PORT = 2381;
const PROBE_PERIOD_S = 10;

/** What the manifests read from the node, found once by the phase through the host. */
export interface NodeFacts {
  /** the minor's CA-bundle directories that exist on the node */
  presentCaDirs: ReadonlySet<string>;
  /** the process environment (for the *_proxy variables) */
  env: Readonly<Record<string, string | undefined>>;
  /** ca.crt present without ca.key */
  externalCA: boolean;
}

interface ProbeTarget {
  host: string;
  port: number;
  scheme: 'HTTP' | 'HTTPS';
}

export interface ComponentSpec {
  name: TemplateName;
  /** the phase name kubeadm uses (`control-plane apiserver`) */
  phase: string;
  flags(cfg: InitConfig, facts: Facts, node: NodeFacts): string[];
  volumes(cfg: InitConfig, facts: Facts, node: NodeFacts): PodVolumes;
  probePaths(facts: Facts): ProbePaths;
  probeTarget(cfg: InitConfig): ProbeTarget;
  /** env: *_proxy of the process merged with extraEnvs, or only extraEnvs (etcd) */
  env(cfg: InitConfig, node: NodeFacts): EnvVar[];
  image(cfg: InitConfig, facts: Facts): string;
  /** the values of the template's annotation placeholders (etcd's and the API server's endpoints) */
  annotationValues(cfg: InitConfig): Record<string, string>;
}

/** kubeadm's getProbeAddress: an unspecified bind address probes the pod IP (no host). */
function probeHost(addr: string): string {
  return addr === '0.0.0.0' || addr === '::' ? '' : addr;
}

/** kubeadm's GetProxyEnvVars: every non-empty variable whose name ends in _proxy, any case. */
export function proxyEnv(env: Readonly<Record<string, string | undefined>>): EnvVar[] {
  return Object.entries(env)
    .filter((e): e is [string, string] => e[0].toLowerCase().endsWith('_proxy') && typeof e[1] === 'string' && e[1] !== '')
    .map(([name, value]) => ({ name, value }));
}

/** kubeadm's MergeKubeadmEnvVars: later lists win by name; sorted by name. */
export function mergeEnv(...lists: EnvVar[][]): EnvVar[] {
  const m = new Map<string, EnvVar>();
  for (const list of lists) for (const e of list) m.set(e.name, { name: e.name, value: e.value });
  return [...m.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** REPO/NAME:TAG with kubeadm's tag spelling (characters outside [-\w.] become _). */
function kubeImage(cfg: InitConfig, name: string): string {
  return `${cfg.imageRepository}/${name}:${cfg.kubernetesVersion.text.replace(/[^-\w.]/g, '_')}`;
}

/** kubeadm's GetEtcdProbeEndpoint: the first listen-metrics-urls URL, else localhost:2381 over HTTP. */
export function etcdProbeTarget(cfg: InitConfig): ProbeTarget {
  const localhost = isIPv6(cfg.localAPIEndpoint.advertiseAddress) ? '::1' : '127.0.0.1';
  const fallback: ProbeTarget = { host: localhost, port: ETCD_METRICS_PORT, scheme: 'HTTP' };
  const arg = argValue(cfg.etcd.local?.extraArgs ?? [], 'listen-metrics-urls');
  if (!arg) return fallback;
  let url: URL;
  try {
    url = new URL(arg.value.split(',')[0]!);
  } catch {
    return fallback;
  }
  const port = url.port === '' ? ETCD_METRICS_PORT : Number(url.port);
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || localhost,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : ETCD_METRICS_PORT,
    scheme: url.protocol === 'https:' ? 'HTTPS' : 'HTTP',
  };
}

const withProxies = (extra: EnvVar[]) => (_cfg: InitConfig, node: NodeFacts) => mergeEnv(proxyEnv(node.env), extra);

export const COMPONENTS: readonly ComponentSpec[] = [
  {
    name: 'etcd',
    phase: 'etcd local',
    flags: (cfg, facts) => etcdFlags(cfg, facts),
    volumes: (cfg) => etcdVolumes(cfg),
    probePaths: (facts) => facts.manifests.etcdProbes,
    probeTarget: etcdProbeTarget,
    env: (cfg) => mergeEnv(cfg.etcd.local?.extraEnvs ?? []),
    image: (cfg, facts) => `${cfg.etcd.local?.imageRepository || cfg.imageRepository}/etcd:${etcdImageTag(cfg, facts)}`,
    annotationValues: (cfg) => ({ advertiseClientURLs: clientURL(cfg.localAPIEndpoint.advertiseAddress) }),
  },
  {
    name: 'kube-apiserver',
    phase: 'control-plane apiserver',
    flags: (cfg, facts) => apiServerFlags(cfg, facts),
    volumes: (cfg, facts, node) => controlPlaneVolumes('kube-apiserver', cfg, facts, node.presentCaDirs),
    probePaths: () => ({ liveness: '/livez', readiness: '/readyz', startup: '/livez' }),
    probeTarget: (cfg) => ({
      host: cfg.localAPIEndpoint.advertiseAddress === '' ? '127.0.0.1' : probeHost(cfg.localAPIEndpoint.advertiseAddress),
      port: cfg.localAPIEndpoint.bindPort,
      scheme: 'HTTPS',
    }),
    env: (cfg, node) => withProxies(cfg.apiServer.extraEnvs)(cfg, node),
    image: (cfg) => kubeImage(cfg, 'kube-apiserver'),
    annotationValues: (cfg) => ({ advertiseEndpoint: joinHostPort(cfg.localAPIEndpoint.advertiseAddress, cfg.localAPIEndpoint.bindPort) }),
  },
  {
    name: 'kube-controller-manager',
    phase: 'control-plane controller-manager',
    flags: (cfg, facts, node) => controllerManagerFlags(cfg, facts, { externalCA: node.externalCA }),
    volumes: (cfg, facts, node) => controlPlaneVolumes('kube-controller-manager', cfg, facts, node.presentCaDirs),
    probePaths: () => ({ liveness: '/healthz', startup: '/healthz' }),
    probeTarget: (cfg) => ({ host: probeHost(argValue(cfg.controllerManager.extraArgs, 'bind-address')?.value ?? '127.0.0.1'), port: KUBE_CONTROLLER_MANAGER_PORT, scheme: 'HTTPS' }),
    env: (cfg, node) => withProxies(cfg.controllerManager.extraEnvs)(cfg, node),
    image: (cfg) => kubeImage(cfg, 'kube-controller-manager'),
    annotationValues: () => ({}),
  },
  {
    name: 'kube-scheduler',
    phase: 'control-plane scheduler',
    flags: (cfg, facts) => schedulerFlags(cfg, facts),
    volumes: (cfg, facts, node) => controlPlaneVolumes('kube-scheduler', cfg, facts, node.presentCaDirs),
    probePaths: (facts) => facts.manifests.schedulerProbes,
    probeTarget: (cfg) => ({ host: probeHost(argValue(cfg.scheduler.extraArgs, 'bind-address')?.value ?? '127.0.0.1'), port: KUBE_SCHEDULER_PORT, scheme: 'HTTPS' }),
    env: (cfg, node) => withProxies(cfg.scheduler.extraEnvs)(cfg, node),
    image: (cfg) => kubeImage(cfg, 'kube-scheduler'),
    annotationValues: () => ({}),
  },
];

export function componentSpec(name: TemplateName): ComponentSpec {
  const spec = COMPONENTS.find((c) => c.name === name);
  if (!spec) throw new Error(`internal: no component ${name}`);
  return spec;
}

function probe(t: ProbeTarget, path: string, port: number | string, initialDelay: number, failure: number, period: number) {
  // keys in kubeadm's (alphabetical) order; an empty host is left out, as kubeadm's omitempty does
  const httpGet = t.host === '' ? { path, port, scheme: t.scheme } : { host: t.host, path, port, scheme: t.scheme };
  // kubeadm omits a zero initialDelaySeconds (omitempty); the kubelet reads absent as 0
  const delay = initialDelay === 0 ? {} : { initialDelaySeconds: initialDelay };
  return { failureThreshold: failure, httpGet, ...delay, periodSeconds: period, timeoutSeconds: 15 };
}

/** The template values of one component for this configuration and node. */
export function componentValues(spec: ComponentSpec, cfg: InitConfig, facts: Facts, node: NodeFacts): TemplateValues {
  const target = spec.probeTarget(cfg);
  const paths = spec.probePaths(facts);
  const named = facts.manifests.namedProbePort;
  const port: number | string = named ? PROBE_PORT_NAME : target.port;
  const startupFailures = Math.ceil(cfg.timeouts.controlPlaneComponentHealthCheckMs / 1000 / PROBE_PERIOD_S);
  const env = spec.env(cfg, node);
  const vols = spec.volumes(cfg, facts, node);
  return {
    ...spec.annotationValues(cfg),
    flags: spec.flags(cfg, facts, node),
    env: env.length > 0 ? { env } : {},
    image: spec.image(cfg, facts),
    imagePullPolicy: cfg.nodeRegistration.imagePullPolicy,
    livenessProbe: { livenessProbe: probe(target, paths.liveness, port, 10, 8, 10) },
    ports: named ? { ports: [{ containerPort: target.port, name: PROBE_PORT_NAME, protocol: 'TCP' }] } : {},
    readinessProbe: paths.readiness === undefined ? {} : { readinessProbe: probe(target, paths.readiness, port, 0, 3, 1) },
    startupProbe: { startupProbe: probe(target, paths.startup, port, PROBE_PERIOD_S, startupFailures, PROBE_PERIOD_S) },
    volumeMounts: vols.volumeMounts,
    volumes: vols.volumes,
  };
}

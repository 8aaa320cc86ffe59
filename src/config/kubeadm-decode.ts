// Reads a kubeadm config file (multi-document YAML) into the typed InitConfig: each
// InitConfiguration / ClusterConfiguration (v1beta3, v1beta4, v1) is checked strictly against
// its schema, then converted the way kubeadm converts it to its internal version (v1beta3's
// extraArgs maps become sorted lists, timeoutForControlPlane becomes a timeout, the
// PublicKeysECDSA gate becomes an encryption algorithm). KubeletConfiguration and
// KubeProxyConfiguration documents are kept as written.

import { TIMEOUT_FIELDS } from './types.js';
import type { Arg, BootstrapToken, EncryptionAlgorithm, HostPathMount, HostPathType, ImagePullPolicy, InitConfig, Taint } from './types.js';
import { parseGoDuration } from './duration.js';
import { API_TRAITS, schemasFor } from './kubeadm-schema.js';
import { Origins, type Problem } from './problems.js';
import { checkStrict, isPlainObject } from './strict.js';
import type { KubeadmApiVersion } from './versions.js';

type Doc = Record<string, unknown>;

export interface KubeadmDoc {
  apiVersion: KubeadmApiVersion;
  doc: Doc;
}

export interface ParsedConfigFile {
  init?: KubeadmDoc;
  cluster?: KubeadmDoc;
  kubelet?: Doc;
  kubeProxy?: Doc;
  problems: Problem[];
  warnings: string[];
}

const KUBEADM_GROUP = 'kubeadm.k8s.io';
const KNOWN_KUBEADM_VERSIONS = Object.keys(API_TRAITS) as KubeadmApiVersion[];
/** kubeadm's other kinds: valid in a file, not used by init (kubeadm ignores them with a warning) */
const OTHER_KUBEADM_KINDS = new Set(['JoinConfiguration', 'ResetConfiguration', 'UpgradeConfiguration']);
const COMPONENT_KINDS: Readonly<Record<string, { apiVersion: string; slot: 'kubelet' | 'kubeProxy' }>> = {
  KubeletConfiguration: { apiVersion: 'kubelet.config.k8s.io/v1beta1', slot: 'kubelet' },
  KubeProxyConfiguration: { apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', slot: 'kubeProxy' },
};

/** A config file's YAML documents (kubeadm's YAML 1.2 core schema), or the problem that names where its syntax breaks. */
export async function readYamlDocuments(text: string, file: string): Promise<{ docs: unknown[] } | { problem: Problem }> {
  const yaml = await import('js-yaml');
  try {
    return { docs: yaml.loadAll(text, undefined, { schema: yaml.CORE_SCHEMA, filename: file }) };
  } catch (e) {
    const err = e as { reason?: string; mark?: { line: number; column: number }; message: string };
    const at = err.mark ? ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}` : '';
    return {
      problem: {
        code: 'CONFIG_YAML',
        message: `--config ${file}: malformed YAML${at}: ${err.reason ?? err.message}`,
        hint: 'fix the YAML syntax there (indentation with spaces, "key: value" pairs, documents separated by "---")',
      },
    };
  }
}

export async function parseConfigFile(text: string, file: string): Promise<ParsedConfigFile> {
  const out: ParsedConfigFile = { problems: [], warnings: [] };
  const read = await readYamlDocuments(text, file);
  if ('problem' in read) {
    out.problems.push(read.problem);
    return out;
  }
  const docs = read.docs;
  const seen = new Set<string>();
  docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    const where = `document ${i + 1} of ${file}`;
    if (!isPlainObject(doc)) {
      out.problems.push({ code: 'CONFIG_DOCUMENT', message: `${where} is not a mapping with apiVersion and kind`, hint: 'each document starts with "apiVersion: ..." and "kind: ..."' });
      return;
    }
    const { apiVersion, kind } = doc;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) {
      out.problems.push({ code: 'CONFIG_DOCUMENT', message: `${where}: kind and apiVersion are mandatory`, hint: 'e.g. "apiVersion: kubeadm.k8s.io/v1beta4" and "kind: ClusterConfiguration"' });
      return;
    }
    if (seen.has(kind)) {
      out.problems.push({ code: 'CONFIG_DOCUMENT', message: `${where}: kind ${kind} is specified twice in ${file}`, hint: 'merge the two documents into one' });
      return;
    }
    seen.add(kind);
    const component = COMPONENT_KINDS[kind];
    if (component) {
      if (apiVersion !== component.apiVersion) {
        out.problems.push({ code: 'CONFIG_API_VERSION', message: `${where}: ${kind} has apiVersion "${apiVersion}"`, hint: `use apiVersion: ${component.apiVersion}` });
        return;
      }
      const { apiVersion: _a, kind: _k, ...rest } = doc;
      out[component.slot] = rest;
      return;
    }
    if (apiVersion.split('/')[0] !== KUBEADM_GROUP) {
      out.problems.push({
        code: 'CONFIG_KIND',
        message: `${where}: unknown apiVersion/kind "${apiVersion}" ${kind}`,
        hint: `init reads InitConfiguration and ClusterConfiguration (${KNOWN_KUBEADM_VERSIONS.join(', ')}), ${Object.entries(COMPONENT_KINDS).map(([k, c]) => `${k} (${c.apiVersion})`).join(' and ')}`,
      });
      return;
    }
    if (!KNOWN_KUBEADM_VERSIONS.includes(apiVersion as KubeadmApiVersion)) {
      out.problems.push({
        code: 'CONFIG_API_VERSION',
        message: `${where}: apiVersion "${apiVersion}" is not supported`,
        hint: `use one of ${KNOWN_KUBEADM_VERSIONS.join(', ')} (kubeadm.k8s.io/v1beta4 is read for every Kubernetes version mini-kubeadm deploys)`,
      });
      return;
    }
    if (OTHER_KUBEADM_KINDS.has(kind)) {
      out.warnings.push(`${where}: ${kind} is not used by init; ignored`);
      return;
    }
    if (kind !== 'InitConfiguration' && kind !== 'ClusterConfiguration') {
      out.problems.push({
        code: 'CONFIG_KIND',
        message: `${where}: unknown kind "${kind}" in ${apiVersion}`,
        hint: 'init reads InitConfiguration and ClusterConfiguration (and KubeletConfiguration, KubeProxyConfiguration)',
      });
      return;
    }
    const ver = apiVersion as KubeadmApiVersion;
    const problems = checkStrict(doc, schemasFor(ver)[kind], { kind, apiVersion: ver, file });
    out.problems.push(...problems);
    if (problems.length === 0) out[kind === 'InitConfiguration' ? 'init' : 'cluster'] = { apiVersion: ver, doc };
  });
  if (out.problems.length === 0 && !out.init && !out.cluster) {
    out.problems.push({
      code: 'CONFIG_KIND',
      message: `no InitConfiguration or ClusterConfiguration kind was found in ${file}`,
      hint: 'start from "mini-kubeadm config print init-defaults"',
    });
  }
  return out;
}

interface ApplyContext {
  file: string;
  origins: Origins;
  problems: Problem[];
  startedAt: Date;
}

/** a reader for one document: take(path, key, fn) calls fn with the value at path, if set, and records its origin */
function reader(kind: string, d: KubeadmDoc, ctx: ApplyContext) {
  return <T>(path: string, key: string, fn: (v: T) => void): void => {
    let v: unknown = d.doc;
    for (const p of path.split('.')) v = isPlainObject(v) ? v[p] : undefined;
    if (v === undefined || v === null) return;
    ctx.origins.set(key, `${kind}.${path} in ${ctx.file}`);
    fn(v as T);
  };
}

/** v1beta3 maps become lists sorted by name (kubeadm's conversion); lists stay as written */
function toArgs(v: unknown): Arg[] {
  if (Array.isArray(v)) {
    return (v as Doc[]).map((a) => {
      const arg: Arg = { name: String(a.name ?? ''), value: String(a.value ?? '') };
      if (typeof a.mergeMethod === 'string' && a.mergeMethod) arg.mergeMethod = a.mergeMethod as Arg['mergeMethod'];
      return arg;
    });
  }
  return Object.entries(v as Record<string, string>)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value: String(value) }));
}

const ms = (v: string) => parseGoDuration(v)!;

export function applyInitConfiguration(cfg: InitConfig, d: KubeadmDoc, ctx: ApplyContext): void {
  const take = reader('InitConfiguration', d, ctx);
  take<Doc[]>('bootstrapTokens', 'bootstrapTokens', (list) => {
    // kubeadm: an empty list gets one default token
    if (list.length === 0) return;
    const base = cfg.bootstrapTokens[0]!;
    cfg.bootstrapTokens = list.map((t, i) => {
      const where = `InitConfiguration.bootstrapTokens[${i}]`;
      const token: BootstrapToken = { token: '', ttlMs: base.ttlMs, usages: [...base.usages], groups: [...base.groups] };
      if (typeof t.token === 'string') {
        token.token = t.token;
        ctx.origins.set(`bootstrapTokens[${i}].token`, `${where}.token in ${ctx.file}`);
      }
      if (typeof t.description === 'string') token.description = t.description;
      if (typeof t.ttl === 'string') {
        token.ttlMs = ms(t.ttl);
        ctx.origins.set(`bootstrapTokens[${i}].ttl`, `${where}.ttl in ${ctx.file}`);
      }
      if (typeof t.expires === 'string') {
        const at = Date.parse(t.expires);
        if (t.ttl !== undefined && t.ttl !== null) {
          ctx.problems.push({ code: 'CONFIG_TOKEN', message: `${where} in ${ctx.file}: ttl and expires are mutually exclusive`, hint: 'keep one of them' });
        } else if (Number.isNaN(at)) {
          ctx.problems.push({ code: 'CONFIG_TOKEN', message: `${where}.expires in ${ctx.file}: "${t.expires}" is not an RFC 3339 time`, hint: 'e.g. "2030-01-02T15:04:05Z"' });
        } else if (at <= ctx.startedAt.getTime()) {
          ctx.problems.push({ code: 'CONFIG_TOKEN', message: `${where}.expires in ${ctx.file}: ${t.expires} is in the past`, hint: 'give a later time, or a ttl' });
        } else {
          token.ttlMs = at - ctx.startedAt.getTime();
        }
      }
      if (Array.isArray(t.usages) && t.usages.length) token.usages = t.usages as string[];
      if (Array.isArray(t.groups) && t.groups.length) token.groups = t.groups as string[];
      return token;
    });
  });
  const nr = cfg.nodeRegistration;
  take<string>('nodeRegistration.name', 'nodeRegistration.name', (v) => (nr.name = v));
  take<string>('nodeRegistration.criSocket', 'nodeRegistration.criSocket', (v) => (nr.criSocket = v));
  take<Doc[]>('nodeRegistration.taints', 'nodeRegistration.taints', (v) => {
    nr.taints = v.map((t) => ({ key: String(t.key ?? ''), ...(t.value !== undefined ? { value: String(t.value) } : {}), effect: String(t.effect ?? '') as Taint['effect'] }));
  });
  take('nodeRegistration.kubeletExtraArgs', 'nodeRegistration.kubeletExtraArgs', (v) => (nr.kubeletExtraArgs = toArgs(v)));
  take<string[]>('nodeRegistration.ignorePreflightErrors', 'nodeRegistration.ignorePreflightErrors', (v) => (nr.ignorePreflightErrors = v));
  take<string>('nodeRegistration.imagePullPolicy', 'nodeRegistration.imagePullPolicy', (v) => (nr.imagePullPolicy = v as ImagePullPolicy));
  take<boolean>('nodeRegistration.imagePullSerial', 'nodeRegistration.imagePullSerial', (v) => (nr.imagePullSerial = v));
  take<string>('localAPIEndpoint.advertiseAddress', 'localAPIEndpoint.advertiseAddress', (v) => (cfg.localAPIEndpoint.advertiseAddress = v));
  take<number>('localAPIEndpoint.bindPort', 'localAPIEndpoint.bindPort', (v) => (cfg.localAPIEndpoint.bindPort = v));
  take<string>('certificateKey', 'certificateKey', (v) => (cfg.certificateKey = v));
  take<string[]>('skipPhases', 'skipPhases', (v) => (cfg.skipPhases = v));
  take<string>('patches.directory', 'patches.directory', () => undefined);
  take<boolean>('dryRun', 'dryRun', () => undefined);
  for (const [field, key] of TIMEOUT_FIELDS) take<string>(`timeouts.${field}`, `timeouts.${field}`, (v) => (cfg.timeouts[key] = ms(v)));
}

export function applyClusterConfiguration(cfg: InitConfig, d: KubeadmDoc, ctx: ApplyContext): void {
  const take = reader('ClusterConfiguration', d, ctx);
  take<string>('kubernetesVersion', 'kubernetesVersion', () => undefined); // parsed with the flag's rules in load.ts
  take<string>('controlPlaneEndpoint', 'controlPlaneEndpoint', (v) => (cfg.controlPlaneEndpoint = v));
  take<string>('networking.serviceSubnet', 'networking.serviceSubnet', (v) => (cfg.networking.serviceSubnet = v));
  take<string>('networking.podSubnet', 'networking.podSubnet', (v) => (cfg.networking.podSubnet = v));
  take<string>('networking.dnsDomain', 'networking.dnsDomain', (v) => (cfg.networking.dnsDomain = v));

  const external = (d.doc.etcd as Doc | undefined)?.external;
  const local = (d.doc.etcd as Doc | undefined)?.local;
  if (isPlainObject(external) && isPlainObject(local)) {
    ctx.problems.push({ code: 'CONFIG_ETCD', message: `ClusterConfiguration.etcd in ${ctx.file}: local and external are mutually exclusive`, hint: 'keep etcd.local (kubeadm runs etcd) or etcd.external (yours), not both' });
  } else if (isPlainObject(external)) {
    ctx.origins.set('etcd.external', `ClusterConfiguration.etcd.external in ${ctx.file}`);
    cfg.etcd = {
      external: {
        endpoints: (external.endpoints as string[] | undefined) ?? [],
        caFile: String(external.caFile ?? ''),
        certFile: String(external.certFile ?? ''),
        keyFile: String(external.keyFile ?? ''),
        ...(Array.isArray(external.httpEndpoints) ? { httpEndpoints: external.httpEndpoints as string[] } : {}),
      },
    };
  } else {
    const l = cfg.etcd.local!;
    take<string>('etcd.local.imageRepository', 'etcd.local.imageRepository', (v) => (l.imageRepository = v));
    take<string>('etcd.local.imageTag', 'etcd.local.imageTag', (v) => (l.imageTag = v));
    take<string>('etcd.local.dataDir', 'etcd.local.dataDir', (v) => (l.dataDir = v));
    take('etcd.local.extraArgs', 'etcd.local.extraArgs', (v) => (l.extraArgs = toArgs(v)));
    take<Doc[]>('etcd.local.extraEnvs', 'etcd.local.extraEnvs', (v) => (l.extraEnvs = v.map((e) => ({ name: String(e.name ?? ''), value: String(e.value ?? '') }))));
    take<string[]>('etcd.local.serverCertSANs', 'etcd.local.serverCertSANs', (v) => (l.serverCertSANs = v));
    take<string[]>('etcd.local.peerCertSANs', 'etcd.local.peerCertSANs', (v) => (l.peerCertSANs = v));
  }

  for (const name of ['apiServer', 'controllerManager', 'scheduler'] as const) {
    const c = cfg[name];
    take(`${name}.extraArgs`, `${name}.extraArgs`, (v) => (c.extraArgs = toArgs(v)));
    take<Doc[]>(`${name}.extraVolumes`, `${name}.extraVolumes`, (v) => (c.extraVolumes = v.map(toVolume)));
    take<Doc[]>(`${name}.extraEnvs`, `${name}.extraEnvs`, (v) => (c.extraEnvs = v.map((e) => ({ name: String(e.name ?? ''), value: String(e.value ?? '') }))));
  }
  take<string[]>('apiServer.certSANs', 'apiServer.certSANs', (v) => (cfg.apiServer.certSANs = v));
  take<string>('apiServer.timeoutForControlPlane', 'timeouts.controlPlaneComponentHealthCheck', (v) => (cfg.timeouts.controlPlaneComponentHealthCheckMs = ms(v)));
  take<string>('dns.imageRepository', 'dns.imageRepository', (v) => (cfg.dns.imageRepository = v));
  take<string>('dns.imageTag', 'dns.imageTag', (v) => (cfg.dns.imageTag = v));
  take<boolean>('dns.disabled', 'dns.disabled', (v) => (cfg.dns.disabled = v));
  take<boolean>('proxy.disabled', 'proxy.disabled', (v) => (cfg.proxy.disabled = v));
  take<string>('certificatesDir', 'certificatesDir', (v) => (cfg.certificatesDir = v));
  take<string>('imageRepository', 'imageRepository', (v) => (cfg.imageRepository = v));
  take<Record<string, boolean>>('featureGates', 'featureGates', (v) => (cfg.featureGates = { ...v }));
  take<string>('clusterName', 'clusterName', (v) => (cfg.clusterName = v));
  take<string>('encryptionAlgorithm', 'encryptionAlgorithm', (v) => (cfg.encryptionAlgorithm = v as EncryptionAlgorithm));
  take<string>('certificateValidityPeriod', 'certificateValidityPeriod', (v) => (cfg.certificateValidityPeriodMs = ms(v)));
  take<string>('caCertificateValidityPeriod', 'caCertificateValidityPeriod', (v) => (cfg.caCertificateValidityPeriodMs = ms(v)));
}

function toVolume(v: Doc): HostPathMount {
  return {
    name: String(v.name ?? ''),
    hostPath: String(v.hostPath ?? ''),
    mountPath: String(v.mountPath ?? ''),
    readOnly: v.readOnly === true,
    pathType: String(v.pathType ?? '') as HostPathType,
  };
}

/** the kubernetesVersion text of a parsed file, if it has one */
export function fileKubernetesVersion(parsed: ParsedConfigFile): string | undefined {
  const v = parsed.cluster?.doc.kubernetesVersion;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

// The KubeletConfiguration kubeadm writes to /var/lib/kubelet/config.yaml: the user's document,
// kubeadm's defaults for the fields it owns, the node's decisions, and the zero fields a Go
// struct serializes (so the file matches kubeadm's byte for byte in shape and key order).

import type { InitConfig } from '../config/types.js';
import type { NodeMinorFacts } from '../config/versions.js';
import type { NodeDecisions } from './node-decisions.js';

type Doc = Record<string, unknown>;

/** Fields of the Go struct that are never omitted: what a zero KubeletConfiguration serializes to. */
export function zeroKubeletConfiguration(facts: NodeMinorFacts): Doc {
  const loggingOptions: Doc = { json: { infoBufferSize: '0' } };
  if (facts.kubeletLoggingText) loggingOptions.text = { infoBufferSize: '0' };
  const doc: Doc = {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: { anonymous: {}, webhook: { cacheTTL: '0s' }, x509: {} },
    authorization: { webhook: { cacheAuthorizedTTL: '0s', cacheUnauthorizedTTL: '0s' } },
    containerRuntimeEndpoint: '',
    cpuManagerReconcilePeriod: '0s',
    evictionPressureTransitionPeriod: '0s',
    fileCheckFrequency: '0s',
    httpCheckFrequency: '0s',
    imageMaximumGCAge: '0s',
    imageMinimumGCAge: '0s',
    logging: { flushFrequency: 0, options: loggingOptions, verbosity: 0 },
    memorySwap: {},
    nodeStatusReportFrequency: '0s',
    nodeStatusUpdateFrequency: '0s',
    runtimeRequestTimeout: '0s',
    shutdownGracePeriod: '0s',
    shutdownGracePeriodCriticalPods: '0s',
    streamingConnectionIdleTimeout: '0s',
    syncFrequency: '0s',
    volumeStatsAggPeriod: '0s',
  };
  if (facts.kubeletCrashLoopBackOff) doc.crashLoopBackOff = {};
  return doc;
}

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` wins; objects merge key by key (what a strategic merge patch does to a struct). */
export function mergeDocs(base: Doc, over: Doc): Doc {
  const out: Doc = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isObject(b) && isObject(v) ? mergeDocs(b, v) : v;
  }
  return out;
}

/** The 10th address of the (first) service subnet: kube-dns, as kubeadm's GetDNSIP computes it. */
export function clusterDnsIp(serviceSubnet: string): string {
  const addr = serviceSubnet.split(',')[0]!.trim().split('/')[0]!;
  if (!addr.includes(':')) {
    const n = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0) + 10;
    return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
  }
  const [head = '', tail = ''] = addr.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = addr.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  let n = groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n) + 10n;
  const out: string[] = [];
  for (let i = 0; i < 8; i++, n >>= 16n) out.unshift((n & 0xffffn).toString(16));
  // RFC 5952: the longest run of zero groups becomes "::"
  const text = out.join(':');
  const runs = [...text.matchAll(/(^|:)0(:0)+(:|$)/g)].sort((a, b) => b[0].length - a[0].length);
  return runs[0] ? text.replace(runs[0][0], '::') : text;
}

export interface KubeletConfigResult {
  doc: Doc;
  /** kubeadm's warnings: a user value that differs from the one kubeadm would set */
  warnings: string[];
}

function get(doc: Doc, path: string[]): unknown {
  let cur: unknown = doc;
  for (const p of path) cur = isObject(cur) ? cur[p] : undefined;
  return cur;
}

function set(doc: Doc, path: string[], value: unknown): void {
  let cur = doc;
  for (const p of path.slice(0, -1)) {
    if (!isObject(cur[p])) cur[p] = {};
    cur = cur[p] as Doc;
  }
  cur[path[path.length - 1]!] = value;
}

/**
 * The cluster-wide KubeletConfiguration (what kubeadm keeps in its component config and uploads
 * to the kubelet-config ConfigMap): user document + kubeadm defaults + zero fields.
 * `node` adds the node-local parts that config.yaml carries (resolvConf, decisions).
 */
export function kubeletConfiguration(
  cfg: InitConfig,
  facts: NodeMinorFacts,
  node?: { decisions?: NodeDecisions; systemdResolvedActive?: boolean; criSocket?: string },
): KubeletConfigResult {
  const warnings: string[] = [];
  const doc = mergeDocs(zeroKubeletConfiguration(facts), cfg.kubeletConfiguration ?? {});
  doc.apiVersion = 'kubelet.config.k8s.io/v1beta1';
  doc.kind = 'KubeletConfiguration';

  // kubeadm's Default(): fill what is empty, warn where the user chose otherwise
  const defaults: { path: string[]; value: unknown; warnIf?: (v: unknown) => boolean }[] = [
    { path: ['staticPodPath'], value: '/etc/kubernetes/manifests' },
    { path: ['clusterDNS'], value: [clusterDnsIp(cfg.networking.serviceSubnet)], warnIf: (v) => !(Array.isArray(v) && v.length === 1 && v[0] === clusterDnsIp(cfg.networking.serviceSubnet)) },
    { path: ['clusterDomain'], value: cfg.networking.dnsDomain },
    { path: ['authentication', 'x509', 'clientCAFile'], value: `${cfg.certificatesDir}/ca.crt` },
    { path: ['authentication', 'anonymous', 'enabled'], value: false, warnIf: (v) => v === true },
    { path: ['authorization', 'mode'], value: 'Webhook' },
    { path: ['authentication', 'webhook', 'enabled'], value: true, warnIf: (v) => v === false },
    { path: ['healthzBindAddress'], value: '127.0.0.1' },
    { path: ['healthzPort'], value: 10248 },
  ];
  for (const d of defaults) {
    const v = get(doc, d.path);
    if (v === undefined || v === '' || v === null) set(doc, d.path, d.value);
    else if (d.warnIf ? d.warnIf(v) : v !== d.value) {
      warnings.push(`the recommended value for "${d.path.join('.')}" in "KubeletConfiguration" is: ${JSON.stringify(d.value)}; the provided value is: ${JSON.stringify(v)}`);
    }
  }
  const readOnly = get(doc, ['readOnlyPort']);
  if (readOnly !== undefined && readOnly !== 0) {
    warnings.push(`the recommended value for "readOnlyPort" in "KubeletConfiguration" is: 0; the provided value is: ${JSON.stringify(readOnly)}`);
  }
  // kubeadm cannot tell an unset bool from false here, so it forces it
  doc.rotateCertificates = true;

  const decisions = node?.decisions;
  if (doc.cgroupDriver === undefined || doc.cgroupDriver === '') doc.cgroupDriver = decisions?.cgroupDriver.value ?? 'systemd';
  if (decisions?.failSwapOn && doc.failSwapOn === undefined) doc.failSwapOn = false;
  if (decisions?.failCgroupV1 && doc.failCgroupV1 === undefined) doc.failCgroupV1 = false;

  // Mutate(): node-local
  if (node?.systemdResolvedActive) {
    const rc = doc.resolvConf;
    if (rc === undefined) doc.resolvConf = '/run/systemd/resolve/resolv.conf';
    else if (rc !== '/run/systemd/resolve/resolv.conf') {
      warnings.push(`the recommended value for "resolvConf" in "KubeletConfiguration" is: "/run/systemd/resolve/resolv.conf"; the provided value is: ${JSON.stringify(rc)}`);
    }
  }
  // instance-config.yaml, merged over the file as a patch (1.34+)
  if (node?.criSocket !== undefined && facts.instanceConfig) doc.containerRuntimeEndpoint = node.criSocket;
  return { doc, warnings };
}

/** instance-config.yaml: one line, as kubeadm formats it (Go's %q). */
export function instanceConfigText(criSocket: string): string {
  return `containerRuntimeEndpoint: ${JSON.stringify(criSocket)}\n`;
}

/** YAML as sigs.k8s.io/yaml writes it: keys sorted, sequences not indented, strings double-quoted when quoted. */
export async function renderKubeletConfiguration(doc: Doc): Promise<string> {
  const yaml = await import('js-yaml');
  return yaml.dump(doc, { sortKeys: true, noArrayIndent: true, lineWidth: -1, quotingType: '"' });
}

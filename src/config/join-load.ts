// `join`'s flags and --config (a JoinConfiguration, v1beta3/v1beta4, read strictly) merged into
// one defaulted, validated JoinConfig, the way kubeadm's join does it (kubeadm-join-spec.md §2.5,
// §3.1, §5). Nothing is read from the network and nothing written before this returns.

import path from 'node:path';
import type { FlagValues } from './flags.js';
import type { Host } from '../host/host.js';
import type { JoinConfig } from './join-types.js';
import type { Arg, ImagePullPolicy, Taint } from './types.js';
import { TIMEOUT_FIELDS } from './types.js';
import { UserError } from '../errors.js';
import { defaultInitConfig } from './defaults.js';
import { detectCriSocket, detectNodeName } from './detect.js';
import { flagsMixedWithConfig } from './apply-flags.js';
import { parseGoDuration } from './duration.js';
import { API_TRAITS, schemasFor } from './kubeadm-schema.js';
import { problemsError, type Problem } from './problems.js';
import { checkStrict, isPlainObject } from './strict.js';
import { isValidBootstrapToken } from './token.js';
import { isDns1123Subdomain } from './validate.js';
import { parseIp } from './cidr.js';
import type { KubeadmApiVersion } from './versions.js';

type Doc = Record<string, unknown>;

export interface JoinLoadInput {
  flags: FlagValues;
  host: Host;
  cwd: string;
}

export interface JoinLoadResult {
  join: JoinConfig;
  warnings: string[];
}

/** the flags that only make sense for a control-plane join (kubeadm drops them with a warning otherwise) */
const CONTROL_PLANE_FLAGS = ['certificate-key', 'apiserver-advertise-address', 'apiserver-bind-port'];

const list = (v: string) => v.split(',').map((s) => s.trim()).filter((s) => s !== '');

/** A JoinConfiguration document of a kubeadm config file: checked strictly, other kinds ignored with a warning. */
export async function parseJoinConfigFile(text: string, file: string): Promise<{ doc?: Doc; apiVersion?: KubeadmApiVersion; problems: Problem[]; warnings: string[] }> {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const { readYamlDocuments } = await import('./kubeadm-decode.js');
  const read = await readYamlDocuments(text, file);
  if ('problem' in read) return { problems: [read.problem], warnings };
  const docs = read.docs;
  let found: { doc: Doc; apiVersion: KubeadmApiVersion } | undefined;
  docs.forEach((doc, i) => {
    if (doc === null || doc === undefined) return;
    const where = `document ${i + 1} of ${file}`;
    if (!isPlainObject(doc) || typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string') {
      problems.push({ code: 'CONFIG_DOCUMENT', message: `${where}: kind and apiVersion are mandatory`, hint: 'e.g. "apiVersion: kubeadm.k8s.io/v1beta4" and "kind: JoinConfiguration"' });
      return;
    }
    const { apiVersion, kind } = doc as { apiVersion: string; kind: string };
    if (kind !== 'JoinConfiguration') {
      warnings.push(`${where}: ${kind} (${apiVersion}) is not used by join; ignored`);
      return;
    }
    if (!(apiVersion in API_TRAITS)) {
      problems.push({ code: 'CONFIG_API_VERSION', message: `${where}: apiVersion "${apiVersion}" is not supported`, hint: 'use kubeadm.k8s.io/v1beta4 (or v1beta3 for clusters of Kubernetes 1.29-1.36)' });
      return;
    }
    if (found) {
      problems.push({ code: 'CONFIG_DOCUMENT', message: `${where}: kind JoinConfiguration is specified twice in ${file}`, hint: 'merge the two documents into one' });
      return;
    }
    const ver = apiVersion as KubeadmApiVersion;
    const strict = checkStrict(doc, schemasFor(ver).JoinConfiguration, { kind: 'JoinConfiguration', apiVersion: ver, file });
    problems.push(...strict);
    if (strict.length === 0) found = { doc, apiVersion: ver };
  });
  if (!found && problems.length === 0) {
    problems.push({ code: 'CONFIG_KIND', message: `no JoinConfiguration found in the supplied config ${file}`, hint: 'start the file with "apiVersion: kubeadm.k8s.io/v1beta4" and "kind: JoinConfiguration"' });
  }
  return { ...found, problems, warnings };
}

function at(doc: Doc, p: string): unknown {
  let v: unknown = doc;
  for (const k of p.split('.')) v = isPlainObject(v) ? v[k] : undefined;
  return v === null ? undefined : v;
}

function toArgs(v: unknown): Arg[] {
  if (Array.isArray(v)) return (v as Doc[]).map((a) => ({ name: String(a.name ?? ''), value: String(a.value ?? '') }));
  return Object.entries(v as Record<string, string>)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value: String(value) }));
}

function defaultJoinConfig(): JoinConfig {
  const init = defaultInitConfig({ name: '', advertiseAddress: '' });
  return {
    nodeRegistration: { ...init.nodeRegistration, criSocket: '' },
    caCertPath: '/etc/kubernetes/pki/ca.crt',
    discovery: { tlsBootstrapToken: '' },
    skipPhases: [],
    timeouts: init.timeouts,
  };
}

/** a JoinConfiguration document into the config (its types are checked already) */
function applyDocument(j: JoinConfig, doc: Doc, file: string): void {
  const s = (p: string) => at(doc, p) as string | undefined;
  const nr = j.nodeRegistration;
  if (s('nodeRegistration.name') !== undefined) nr.name = s('nodeRegistration.name')!;
  if (s('nodeRegistration.criSocket') !== undefined) nr.criSocket = s('nodeRegistration.criSocket')!;
  const taints = at(doc, 'nodeRegistration.taints') as Doc[] | undefined;
  if (taints) nr.taints = taints.map((t) => ({ key: String(t.key ?? ''), ...(t.value !== undefined ? { value: String(t.value) } : {}), effect: String(t.effect ?? '') as Taint['effect'] }));
  const extra = at(doc, 'nodeRegistration.kubeletExtraArgs');
  if (extra !== undefined) nr.kubeletExtraArgs = toArgs(extra);
  const ignore = at(doc, 'nodeRegistration.ignorePreflightErrors') as string[] | undefined;
  if (ignore) nr.ignorePreflightErrors = ignore;
  if (s('nodeRegistration.imagePullPolicy') !== undefined) nr.imagePullPolicy = s('nodeRegistration.imagePullPolicy') as ImagePullPolicy;
  const serial = at(doc, 'nodeRegistration.imagePullSerial');
  if (typeof serial === 'boolean') nr.imagePullSerial = serial;
  if (s('caCertPath') !== undefined) j.caCertPath = s('caCertPath')!;
  const bt = at(doc, 'discovery.bootstrapToken');
  if (isPlainObject(bt)) {
    j.discovery.bootstrapToken = {
      token: String(bt.token ?? ''),
      apiServerEndpoint: String(bt.apiServerEndpoint ?? ''),
      caCertHashes: (bt.caCertHashes as string[] | undefined) ?? [],
      unsafeSkipCAVerification: bt.unsafeSkipCAVerification === true,
    };
  }
  const kubeConfigPath = s('discovery.file.kubeConfigPath');
  if (isPlainObject(at(doc, 'discovery.file'))) j.discovery.file = { kubeConfigPath: kubeConfigPath ?? '' };
  if (s('discovery.tlsBootstrapToken') !== undefined) j.discovery.tlsBootstrapToken = s('discovery.tlsBootstrapToken')!;
  const ms = (p: string) => (s(p) === undefined ? undefined : parseGoDuration(s(p)!));
  const v1beta3Timeout = ms('discovery.timeout');
  if (v1beta3Timeout !== undefined) j.timeouts.discoveryMs = v1beta3Timeout;
  const cp = at(doc, 'controlPlane');
  if (isPlainObject(cp)) {
    j.controlPlane = {
      localAPIEndpoint: { advertiseAddress: s('controlPlane.localAPIEndpoint.advertiseAddress') ?? '', bindPort: (at(doc, 'controlPlane.localAPIEndpoint.bindPort') as number | undefined) ?? 6443 },
      certificateKey: s('controlPlane.certificateKey') ?? '',
    };
  }
  const skip = at(doc, 'skipPhases') as string[] | undefined;
  if (skip) j.skipPhases = skip;
  for (const [field, key] of TIMEOUT_FIELDS) {
    const v = ms(`timeouts.${field}`);
    if (v !== undefined) j.timeouts[key] = v;
  }
  if (s('patches.directory') !== undefined) throw new UserError('UNSUPPORTED', `JoinConfiguration.patches.directory in ${file}: patches are not supported by mini-kubeadm yet`, 'remove patches from the file');
}

export async function loadJoinConfig(input: JoinLoadInput): Promise<JoinLoadResult> {
  const { flags, host, cwd } = input;
  const str = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const warnings: string[] = [];
  const j = defaultJoinConfig();
  const endpointArg = str('api-server-endpoint');

  const configFlag = str('config');
  if (configFlag !== undefined) {
    const mixed = [...(endpointArg !== undefined ? ['api-server-endpoint (the argument)'] : []), ...flagsMixedWithConfig(flags)];
    if (mixed.length) {
      throw new UserError('CONFIG_MIXED_WITH_FLAGS', `can not mix '--config' with arguments [${mixed.join(' ')}]`, 'set them in the JoinConfiguration instead (discovery.bootstrapToken.apiServerEndpoint, .token, .caCertHashes, nodeRegistration.criSocket, ...), or drop --config');
    }
    const file = path.resolve(cwd, configFlag);
    const text = await host.readText(file);
    if (text === undefined) throw new UserError('CONFIG_NOT_FOUND', `--config ${configFlag}: no such file ${file}`, 'check the path (under --rootfs, the file is looked up below that directory too)');
    const parsed = await parseJoinConfigFile(text, file);
    warnings.push(...parsed.warnings);
    if (parsed.problems.length) throw problemsError(parsed.problems);
    applyDocument(j, parsed.doc!, file);
    if (parsed.doc!.dryRun === true && !host.dryRun) {
      throw new UserError('CONFIG_DRY_RUN', `JoinConfiguration.dryRun is true in ${configFlag} but --dry-run was not given`, 'pass --dry-run as well (mini-kubeadm picks the recording host from the flag), or remove dryRun from the file');
    }
    j.fileApiVersion = parsed.apiVersion;
    j.configFile = file;
  } else {
    // kubeadm: --token fills --discovery-token and --tls-bootstrap-token where those are empty
    const token = str('token');
    const discoveryToken = str('discovery-token') ?? token;
    j.discovery.tlsBootstrapToken = str('tls-bootstrap-token') ?? token ?? '';
    if (endpointArg !== undefined) {
      j.discovery.bootstrapToken = {
        token: discoveryToken ?? '',
        apiServerEndpoint: endpointArg,
        caCertHashes: list(str('discovery-token-ca-cert-hash') ?? ''),
        unsafeSkipCAVerification: flags['discovery-token-unsafe-skip-ca-verification'] === true,
      };
    }
    if (str('discovery-file') !== undefined) j.discovery.file = { kubeConfigPath: str('discovery-file')! };
    if (str('cri-socket') !== undefined) j.nodeRegistration.criSocket = str('cri-socket')!;
    if (flags['control-plane'] === true) {
      j.controlPlane = {
        localAPIEndpoint: { advertiseAddress: str('apiserver-advertise-address') ?? '', bindPort: Number(str('apiserver-bind-port') ?? 6443) },
        certificateKey: str('certificate-key') ?? '',
      };
    } else {
      const given = CONTROL_PLANE_FLAGS.filter((f) => flags[f] !== undefined);
      if (given.length) warnings.push(`[preflight] WARNING: --control-plane is also required when passing control-plane related flags such as [${given.join(', ')}]`);
    }
  }
  if (str('node-name') !== undefined) j.nodeRegistration.name = str('node-name')!;
  const ignoreFlag = list(str('ignore-preflight-errors') ?? '');
  j.nodeRegistration.ignorePreflightErrors = [...new Set([...j.nodeRegistration.ignorePreflightErrors, ...ignoreFlag].map((s) => s.toLowerCase()))].sort();


  // --- defaults (kubeadm's SetDefaults_JoinConfiguration and the dynamic ones) ---
  if (j.discovery.file?.kubeConfigPath.startsWith('file://')) j.discovery.file.kubeConfigPath = j.discovery.file.kubeConfigPath.slice('file://'.length);
  if (!j.discovery.tlsBootstrapToken && j.discovery.bootstrapToken) j.discovery.tlsBootstrapToken = j.discovery.bootstrapToken.token;
  const problems: Problem[] = [];
  const nr = j.nodeRegistration;
  if (!nr.name) {
    const d = await detectNodeName(host);
    if (d.ok) nr.name = d.value;
  }
  if (!nr.criSocket) {
    const d = await detectCriSocket(host);
    if (d.ok) nr.criSocket = d.value;
    else problems.push({ code: 'CRI_SOCKET', message: `${d.why}; mini-kubeadm does not know which one to use`, hint: 'choose one with --cri-socket (or nodeRegistration.criSocket), e.g. --cri-socket unix:///var/run/containerd/containerd.sock' });
  } else if (!nr.criSocket.includes('://')) {
    warnings.push(`nodeRegistration.criSocket: CRI endpoints without a URL scheme are deprecated; using unix://${nr.criSocket}`);
    nr.criSocket = `unix://${nr.criSocket}`;
  }
  if (j.controlPlane && !j.controlPlane.localAPIEndpoint.advertiseAddress) {
    // kubeadm: the IP of the interface with the default route, as init
    const { detectAdvertiseAddress } = await import('./detect.js');
    const d = await detectAdvertiseAddress(host);
    if (d.ok) j.controlPlane.localAPIEndpoint.advertiseAddress = d.value;
    else problems.push({ code: 'ADVERTISE_ADDRESS', message: `cannot choose an advertise address for this control plane: ${d.why}`, hint: 'give one with --apiserver-advertise-address (or controlPlane.localAPIEndpoint.advertiseAddress)' });
  }
  problems.push(...(await validateJoinConfig(j, host)));
  if (j.controlPlane) problems.push(...validateControlPlane(j.controlPlane));
  if (problems.length) throw problemsError(problems);
  return { join: j, warnings };
}

const SPLIT_HOST_PORT = (text: string): string | undefined => {
  // Go's net.SplitHostPort errors, as kubeadm shows them
  const bracket = /^\[([^\]]*)\](.*)$/.exec(text);
  if (bracket) {
    if (!bracket[2]!.startsWith(':')) return `address ${text}: missing port in address`;
    return undefined;
  }
  const colons = (text.match(/:/g) ?? []).length;
  if (colons === 0) return `address ${text}: missing port in address`;
  if (colons > 1) return `address ${text}: too many colons in address`;
  return undefined;
};

/** kubeadm's ValidateJoinConfiguration (§5): field path, then kubeadm's text; a hint says how to fix it. */
export async function validateJoinConfig(j: JoinConfig, host: Pick<Host, 'readFile'>): Promise<Problem[]> {
  const out: Problem[] = [];
  const bad = (code: string, message: string, hint: string) => out.push({ code, message, hint });
  const { bootstrapToken: bt, file } = j.discovery;
  if (!bt && !file) {
    bad('JOIN_DISCOVERY', 'discovery: Invalid value: "": bootstrapToken or file must be set', 'give the control plane\'s address and a token: mini-kubeadm join HOST:6443 --token ID.SECRET --discovery-token-ca-cert-hash sha256:... (the line "mini-kubeadm init" printed), or --discovery-file');
  }
  if (bt && file) bad('JOIN_DISCOVERY', 'discovery: Invalid value: "": bootstrapToken and file cannot both be set', 'use either token discovery (HOST:PORT --token) or --discovery-file, not both');
  if (bt) {
    if (!bt.apiServerEndpoint) bad('JOIN_DISCOVERY', 'discovery.bootstrapToken: Required value: APIServerEndpoint is not set', 'give the API server as HOST:PORT, e.g. 10.0.0.10:6443');
    else {
      const e = SPLIT_HOST_PORT(bt.apiServerEndpoint);
      if (e) bad('JOIN_DISCOVERY', `discovery.bootstrapToken.apiServerEndpoint: Invalid value: "${bt.apiServerEndpoint}": ${e}`, 'give the API server as HOST:PORT, e.g. 10.0.0.10:6443');
    }
    if (bt.caCertHashes.length === 0 && !bt.unsafeSkipCAVerification) {
      bad(
        'JOIN_DISCOVERY',
        'discovery.bootstrapToken.caCertHashes: Invalid value: "": using token-based discovery without caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or pass --discovery-token-unsafe-skip-ca-verification flag to continue',
        'pin the cluster CA with --discovery-token-ca-cert-hash sha256:<hex> (printed by init; on the control plane: openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl pkey -pubin -outform der | sha256sum)',
      );
    }
    if (!isValidBootstrapToken(bt.token)) bad('JOIN_TOKEN', `discovery.bootstrapToken.token: Invalid value: "${bt.token}": the bootstrap token is invalid`, 'give the token init printed (--token), of the form [a-z0-9]{6}.[a-z0-9]{16}');
  }
  if (file) {
    const p = file.kubeConfigPath;
    let url: URL | undefined;
    try {
      url = /^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? new URL(p) : undefined;
    } catch {
      url = undefined;
    }
    if (url && url.protocol !== 'https:') bad('JOIN_DISCOVERY', `discovery.file.kubeConfigPath: Invalid value: "${p}": if a URL is used, the scheme must be https`, 'use an https:// URL or a local file');
    else if (!url && (await host.readFile(path.resolve('/', p))) === undefined) bad('JOIN_DISCOVERY', `discovery.file.kubeConfigPath: Invalid value: "${p}": not a valid HTTPS URL or a file on disk`, 'give the path of a kubeconfig file with the cluster (e.g. a copy of the cluster-info kubeconfig), or an https:// URL');
  }
  if ((bt || j.discovery.tlsBootstrapToken) && !isValidBootstrapToken(j.discovery.tlsBootstrapToken)) {
    bad('JOIN_TOKEN', `discovery.tlsBootstrapToken: Invalid value: "${j.discovery.tlsBootstrapToken}": the bootstrap token is invalid`, 'give --tls-bootstrap-token (or --token) of the form [a-z0-9]{6}.[a-z0-9]{16}');
  }
  const nr = j.nodeRegistration;
  if (!nr.name) bad('INVALID_NODE_NAME', 'nodeRegistration.name: Required value: --node-name or .nodeRegistration.name in the config file is a required value. It seems that this value couldn\'t be automatically detected in your environment', 'give one with --node-name');
  else if (!isDns1123Subdomain(nr.name)) bad('INVALID_NODE_NAME', `nodeRegistration.name: Invalid value: "${nr.name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`, 'choose a lower-case DNS name with --node-name');
  if (nr.criSocket && !nr.criSocket.startsWith('unix://')) {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(nr.criSocket)?.[1] ?? '';
    bad('INVALID_CRI_SOCKET', `nodeRegistration.criSocket: Invalid value: "${nr.criSocket}": only URL scheme "unix" is supported, got "${scheme}"`, 'e.g. unix:///var/run/containerd/containerd.sock');
  }
  if (!['Always', 'IfNotPresent', 'Never'].includes(nr.imagePullPolicy)) bad('INVALID_FIELD', `nodeRegistration.imagePullPolicy: Invalid value: "${nr.imagePullPolicy}": invalid pull policy`, 'use Always, IfNotPresent or Never');
  for (const a of nr.kubeletExtraArgs) if (!a.name) bad('INVALID_FIELD', 'nodeRegistration.kubeletExtraArgs: Invalid value: "": argument name must not be empty', 'give each argument a name (without the leading --)');
  for (const t of nr.taints ?? []) {
    if (!t.key || !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) bad('INVALID_FIELD', `nodeRegistration.taints: Invalid value: ${JSON.stringify(t)}: a taint needs a key and an effect of NoSchedule, PreferNoSchedule or NoExecute`, 'fix the taint');
  }
  const ignore = nr.ignorePreflightErrors;
  if (ignore.includes('all') && ignore.length > 1) bad('INVALID_FIELD', `ignorePreflightErrors: Invalid value: ${JSON.stringify(ignore)}: don't specify individual checks if 'all' is used`, 'give either all or a list of check names');
  if (!path.isAbsolute(j.caCertPath) || !j.caCertPath.endsWith('.crt')) bad('INVALID_FIELD', `caCertPath: Invalid value: "${j.caCertPath}": the ca certificate path must be an absolute path`, 'e.g. /etc/kubernetes/pki/ca.crt');
  return out;
}

/** kubeadm's checks of controlPlane (§5) */
export function validateControlPlane(cp: NonNullable<JoinConfig['controlPlane']>): Problem[] {
  const out: Problem[] = [];
  if (cp.localAPIEndpoint.advertiseAddress && !parseIp(cp.localAPIEndpoint.advertiseAddress)) out.push({ code: 'INVALID_FIELD', message: `controlPlane.localAPIEndpoint.advertiseAddress: Invalid value: "${cp.localAPIEndpoint.advertiseAddress}": ip address is not valid`, hint: 'give an IP address of this node' });
  if (!(Number.isInteger(cp.localAPIEndpoint.bindPort) && cp.localAPIEndpoint.bindPort >= 1 && cp.localAPIEndpoint.bindPort <= 65535)) out.push({ code: 'INVALID_FIELD', message: `controlPlane.localAPIEndpoint.bindPort: Invalid value: ${cp.localAPIEndpoint.bindPort}: port number is not valid`, hint: 'use 1-65535 (default 6443)' });
  const key = cp.certificateKey;
  if (key) {
    // kubeadm: hex.DecodeString's error, then the AES key size
    const badAt = key.search(/[^0-9a-fA-F]/);
    const keyHint = 'give the 64 hex digits "init --upload-certs" (or "init phase upload-certs --upload-certs") printed';
    if (badAt >= 0) out.push({ code: 'CERTIFICATE_KEY_INVALID', message: `controlPlane.certificateKey: Invalid value: "${key}": certificate key decoding error: encoding/hex: invalid byte: U+${key.charCodeAt(badAt).toString(16).toUpperCase().padStart(4, '0')} '${key[badAt]}'`, hint: keyHint });
    else if (key.length % 2 === 1) out.push({ code: 'CERTIFICATE_KEY_INVALID', message: `controlPlane.certificateKey: Invalid value: "${key}": certificate key decoding error: encoding/hex: odd length hex string`, hint: keyHint });
    else if (key.length !== 64) out.push({ code: 'CERTIFICATE_KEY_INVALID', message: `controlPlane.certificateKey: Invalid value: "${key}": invalid certificate key size ${key.length / 2}, the key must be an AES key of size 32`, hint: keyHint });
  }
  return out;
}

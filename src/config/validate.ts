// Every check kubeadm makes on a merged configuration (plus a few it leaves to the API server),
// each problem naming the flag or field it came from and saying what would be valid.

import path from 'node:path';
import type { Arg, InitConfig } from './types.js';
import { cidrsOverlap, isUnspecified, parseCidrList, parseIp, rangeSize, type Cidr } from './cidr.js';
import type { Origins, Problem } from './problems.js';
import { BOOTSTRAP_GROUP_PATTERN, BOOTSTRAP_TOKEN_USAGES, isValidBootstrapToken } from './token.js';
import type { ConfigApiRow } from './versions.js';

// kubeadm's constants
const MIN_SERVICE_ADDRESSES = 10n;
const MAX_SERVICE_HOST_BITS = 20;
const MIN_POD_ADDRESSES = 4n;
const POD_NODE_MASK_MAX_DIFF = 16;
const CERTIFICATE_KEY_BYTES = 32;

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);
const WILDCARD_SUBDOMAIN = new RegExp(`^\\*\\.${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);

export function isDns1123Subdomain(s: string): boolean {
  return s.length > 0 && s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** distribution/reference's grammar for "REPO/name:tag", as kubeadm checks image repositories */
const IMAGE_REFERENCE = (() => {
  const alnum = '[a-z0-9]+';
  const sep = '(?:[._]|__|[-]+)';
  const pathComponent = `${alnum}(?:${sep}${alnum})*`;
  const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
  const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
  const host = `(?:${domainName}|\\[[a-fA-F0-9:]+\\])`;
  const domain = `${host}(?::[0-9]+)?`;
  return new RegExp(`^(?:${domain}/)?${pathComponent}(?:/${pathComponent})*:[\\w][\\w.-]{0,127}$`);
})();

export function isValidImageRepository(repo: string): boolean {
  return IMAGE_REFERENCE.test(`${repo}/name:tag`);
}

/** kubeadm's ParseHostPort: an IP or DNS subdomain, optionally with a port */
export function parseHostPort(text: string): { host: string; port?: number } | { error: string } {
  let host = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [host, portText] = text.split(':') as [string, string];
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = /^\d+$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) return { error: `port "${portText}" must be a number between 1 and 65535` };
  }
  if (parseIp(host) || isDns1123Subdomain(host)) return { host, port };
  return { error: `host "${host}" must be an IP address or an RFC 1123 DNS name (lower-case letters, digits, "-" and ".")` };
}

export function validateInitConfig(cfg: InitConfig, origins: Origins, row: ConfigApiRow): Problem[] {
  const out: Problem[] = [];
  const bad = (code: string, key: string, message: string, hint?: string) => out.push({ code, message: `${origins.of(key)}: ${message}`, hint });

  // --- networking ---
  const service = checkSubnets(cfg.networking.serviceSubnet, 'networking.serviceSubnet', MIN_SERVICE_ADDRESSES, bad);
  for (const c of service ?? []) {
    const hostBits = (c.family === 4 ? 32 : 128) - c.prefix;
    if (hostBits > MAX_SERVICE_HOST_BITS) {
      bad('INVALID_CIDR', 'networking.serviceSubnet', `${c.text} is too large; for IPv${c.family} the mask must be /${(c.family === 4 ? 32 : 128) - MAX_SERVICE_HOST_BITS} or longer`, 'the default is 10.96.0.0/12');
    }
  }
  const pod = cfg.networking.podSubnet ? checkSubnets(cfg.networking.podSubnet, 'networking.podSubnet', MIN_POD_ADDRESSES, bad) : [];
  if (pod && argValue(cfg.controllerManager.extraArgs, 'allocate-node-cidrs') !== 'false') {
    for (const c of pod) {
      const maskArg = c.family === 4 ? 'node-cidr-mask-size-ipv4' : 'node-cidr-mask-size-ipv6';
      const nodeMask = Number(argValue(cfg.controllerManager.extraArgs, maskArg) ?? (c.family === 4 ? 24 : 64));
      if (c.prefix > nodeMask) {
        bad('INVALID_CIDR', 'networking.podSubnet', `${c.text} (/${c.prefix}) is smaller than one node's range (/${nodeMask})`, `use a range of /${nodeMask} or wider, e.g. 10.244.0.0/16`);
      } else if (nodeMask - c.prefix > POD_NODE_MASK_MAX_DIFF) {
        bad('INVALID_CIDR', 'networking.podSubnet', `${c.text}: the difference between its mask (/${c.prefix}) and the node mask (/${nodeMask}) is more than ${POD_NODE_MASK_MAX_DIFF}`, `use a mask of /${nodeMask - POD_NODE_MASK_MAX_DIFF} or longer`);
      }
    }
  }
  if (service && pod) {
    for (const s of service) {
      for (const p of pod) {
        if (cidrsOverlap(s, p)) {
          // blame the range the user gave when the other one is a default
          const [key, other, mine, theirs] = origins.userSet('networking.podSubnet') || !origins.userSet('networking.serviceSubnet')
            ? (['networking.podSubnet', 'networking.serviceSubnet', p, s] as const)
            : (['networking.serviceSubnet', 'networking.podSubnet', s, p] as const);
          bad('CIDR_OVERLAP', key, `${mine.text} overlaps ${theirs.text}, ${origins.of(other)}`, 'pods and services need separate ranges, e.g. pods 10.244.0.0/16 and services 10.96.0.0/12');
        }
      }
    }
    const fam = (l: Cidr[]) => l.map((c) => c.family).join(',');
    if (pod.length > 0 && service.length === 1 && pod.length === 1 && fam(pod) !== fam(service)) {
      bad('CIDR_FAMILY', 'networking.podSubnet', `${pod[0]!.text} is IPv${pod[0]!.family} but the service range ${service[0]!.text} is IPv${service[0]!.family}`, 'use one IP family for both, or give both as dual-stack pairs ("IPv4CIDR,IPv6CIDR")');
    }
  }
  if (!isDns1123Subdomain(cfg.networking.dnsDomain)) {
    bad('INVALID_DNS_DOMAIN', 'networking.dnsDomain', `"${cfg.networking.dnsDomain}" is not a valid DNS domain`, 'use lower-case labels separated by dots, e.g. cluster.local');
  }

  // --- the local API endpoint ---
  // empty = detection failed, which the loader has already reported
  const adv = parseIp(cfg.localAPIEndpoint.advertiseAddress);
  if (cfg.localAPIEndpoint.advertiseAddress === '') {
    // nothing more to say
  } else if (!adv) {
    bad('INVALID_ADDRESS', 'localAPIEndpoint.advertiseAddress', `"${cfg.localAPIEndpoint.advertiseAddress}" is not an IPv4 or IPv6 address`, 'give the node\'s own IP address, e.g. 192.168.1.10');
  } else if (isUnspecified(adv)) {
    bad('INVALID_ADDRESS', 'localAPIEndpoint.advertiseAddress', `${cfg.localAPIEndpoint.advertiseAddress} can not be advertised: other nodes need a concrete address`, 'give the node\'s own IP address, or leave it out to use the default-route interface\'s address');
  }
  const port = cfg.localAPIEndpoint.bindPort;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    bad('INVALID_PORT', 'localAPIEndpoint.bindPort', `${String(port)} is not a valid port`, 'use a number between 1 and 65535 (kubeadm\'s default is 6443)');
  }
  if (cfg.controlPlaneEndpoint) {
    const hp = parseHostPort(cfg.controlPlaneEndpoint);
    if ('error' in hp) bad('INVALID_ENDPOINT', 'controlPlaneEndpoint', `"${cfg.controlPlaneEndpoint}": ${hp.error}`, 'e.g. cp.example.com, 10.0.0.10:6443 or [fd00::10]:6443');
  }
  checkSans(cfg.apiServer.certSANs, 'apiServer.certSANs', bad);
  if (cfg.etcd.local) {
    checkSans(cfg.etcd.local.serverCertSANs, 'etcd.local.serverCertSANs', bad);
    checkSans(cfg.etcd.local.peerCertSANs, 'etcd.local.peerCertSANs', bad);
  }

  // --- node registration ---
  const nr = cfg.nodeRegistration;
  // an empty name means detection failed, which the loader has already reported
  if (nr.name && !isDns1123Subdomain(nr.name)) {
    bad('INVALID_NODE_NAME', 'nodeRegistration.name', `"${nr.name}" is not a valid node name (RFC 1123: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters)`, `choose a name such as "${nr.name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'node-1'}"`);
  }
  if (!/^unix:\/\/\/.+/.test(nr.criSocket)) {
    bad('INVALID_CRI_SOCKET', 'nodeRegistration.criSocket', `"${nr.criSocket}" is not a unix socket URL`, 'e.g. unix:///var/run/containerd/containerd.sock');
  }
  if (!['Always', 'IfNotPresent', 'Never'].includes(nr.imagePullPolicy)) {
    bad('INVALID_FIELD', 'nodeRegistration.imagePullPolicy', `"${nr.imagePullPolicy}" is not an image pull policy`, 'use Always, IfNotPresent or Never');
  }
  (nr.taints ?? []).forEach((t) => {
    if (!t.key || !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) {
      bad('INVALID_FIELD', 'nodeRegistration.taints', `taint ${JSON.stringify(t)} needs a key and an effect of NoSchedule, PreferNoSchedule or NoExecute`);
    }
  });
  const ignore = nr.ignorePreflightErrors.map((s) => s.toLowerCase());
  if (ignore.includes('all') && new Set(ignore).size > 1) {
    bad('INVALID_FIELD', 'nodeRegistration.ignorePreflightErrors', `"${nr.ignorePreflightErrors.join(',')}": don't name individual checks if 'all' is used`, 'give either all or a list of check names');
  }
  checkArgs(nr.kubeletExtraArgs, 'nodeRegistration.kubeletExtraArgs', bad);

  // --- bootstrap tokens ---
  cfg.bootstrapTokens.forEach((t, i) => {
    if (!isValidBootstrapToken(t.token)) {
      bad('INVALID_TOKEN', `bootstrapTokens[${i}].token`, `"${t.token}" is not a valid bootstrap token`, 'the format is [a-z0-9]{6}.[a-z0-9]{16}, e.g. abcdef.0123456789abcdef; leave it out to get a random one');
    }
    if (!Number.isFinite(t.ttlMs) || t.ttlMs < 0) {
      bad('INVALID_TOKEN_TTL', `bootstrapTokens[${i}].ttl`, 'the token TTL must not be negative', 'e.g. 24h0m0s, 2h or 0 (never expires)');
    }
    const badUsages = t.usages.filter((u) => !(BOOTSTRAP_TOKEN_USAGES as readonly string[]).includes(u));
    if (badUsages.length) bad('INVALID_TOKEN', `bootstrapTokens[${i}].usages`, `unknown usage(s) ${badUsages.join(', ')}`, `valid usages: ${BOOTSTRAP_TOKEN_USAGES.join(', ')}`);
    const badGroups = t.groups.filter((g) => !BOOTSTRAP_GROUP_PATTERN.test(g));
    if (badGroups.length) bad('INVALID_TOKEN', `bootstrapTokens[${i}].groups`, `group(s) ${badGroups.join(', ')} do not match ${BOOTSTRAP_GROUP_PATTERN.source}`);
    if (t.groups.length && !t.usages.includes('authentication')) bad('INVALID_TOKEN', `bootstrapTokens[${i}].groups`, 'token groups need the "authentication" usage');
  });
  if (cfg.certificateKey && !(/^[0-9a-fA-F]*$/.test(cfg.certificateKey) && cfg.certificateKey.length === CERTIFICATE_KEY_BYTES * 2)) {
    bad('INVALID_CERTIFICATE_KEY', 'certificateKey', `must be a hex-encoded AES key of ${CERTIFICATE_KEY_BYTES} bytes (${CERTIFICATE_KEY_BYTES * 2} hex digits)`, 'leave it out to get a random one, or make one with: openssl rand -hex 32');
  }

  // --- cluster-wide ---
  if (!row.encryptionAlgorithms.includes(cfg.encryptionAlgorithm)) {
    bad('INVALID_ENCRYPTION_ALGORITHM', 'encryptionAlgorithm', `"${cfg.encryptionAlgorithm}" is not supported for Kubernetes 1.${row.minor}`, `use one of ${row.encryptionAlgorithms.join(', ')}`);
  }
  for (const gate of Object.keys(cfg.featureGates)) {
    if (!(gate in row.featureGates)) {
      bad('UNKNOWN_FEATURE_GATE', 'featureGates', `"${gate}" is not a kubeadm feature gate of Kubernetes 1.${row.minor}`, `known gates: ${Object.entries(row.featureGates).map(([g, d]) => `${g}=true|false (default=${d})`).join(', ')}`);
    }
  }
  for (const [key, repo] of [['imageRepository', cfg.imageRepository], ['etcd.local.imageRepository', cfg.etcd.local?.imageRepository ?? ''], ['dns.imageRepository', cfg.dns.imageRepository]] as const) {
    if ((repo || key === 'imageRepository') && !isValidImageRepository(repo)) {
      bad('INVALID_IMAGE_REPOSITORY', key, `"${repo}" is not a valid image repository`, 'e.g. registry.k8s.io or my-registry.example.com:5000/k8s (lower-case, no scheme, no tag)');
    }
  }
  for (const [key, p] of [['certificatesDir', cfg.certificatesDir], ['etcd.local.dataDir', cfg.etcd.local?.dataDir]] as const) {
    if (p !== undefined && !path.posix.isAbsolute(p)) bad('INVALID_PATH', key, `"${p}" is not an absolute path`, 'give a path starting with /');
  }
  if (!isDns1123Subdomain(cfg.clusterName) && !/^[a-zA-Z0-9._-]+$/.test(cfg.clusterName)) {
    bad('INVALID_FIELD', 'clusterName', `"${cfg.clusterName}" is not a valid cluster name`, 'use letters, digits, ".", "-" and "_"');
  }
  for (const [key, v] of [['certificateValidityPeriod', cfg.certificateValidityPeriodMs], ['caCertificateValidityPeriod', cfg.caCertificateValidityPeriodMs]] as const) {
    if (!(v > 0)) bad('INVALID_DURATION', key, 'must be a positive duration', 'e.g. 8760h0m0s');
  }
  for (const name of ['apiServer', 'controllerManager', 'scheduler'] as const) {
    checkArgs(cfg[name].extraArgs, `${name}.extraArgs`, bad);
    cfg[name].extraVolumes.forEach((v, i) => {
      if (!v.name || !path.posix.isAbsolute(v.hostPath) || !path.posix.isAbsolute(v.mountPath)) {
        bad('INVALID_FIELD', `${name}.extraVolumes`, `volume ${i} needs a name, an absolute hostPath and an absolute mountPath`);
      }
    });
  }
  if (cfg.etcd.local) checkArgs(cfg.etcd.local.extraArgs, 'etcd.local.extraArgs', bad);
  if (cfg.etcd.external) {
    const e = cfg.etcd.external;
    if (e.endpoints.length === 0) bad('INVALID_FIELD', 'etcd.external', 'external etcd needs at least one endpoint', 'e.g. endpoints: ["https://10.0.0.5:2379"]');
    for (const u of e.endpoints) if (!/^https?:\/\/[^/]+/.test(u)) bad('INVALID_FIELD', 'etcd.external', `endpoint "${u}" is not an http(s) URL`);
    if ((e.certFile === '') !== (e.keyFile === '')) bad('INVALID_FIELD', 'etcd.external', 'set both certFile and keyFile, or neither');
    for (const f of [e.caFile, e.certFile, e.keyFile]) if (f && !path.posix.isAbsolute(f)) bad('INVALID_PATH', 'etcd.external', `"${f}" is not an absolute path`);
  }
  return out;
}

type Bad = (code: string, key: string, message: string, hint?: string) => void;

function checkSubnets(text: string, key: string, minAddresses: bigint, bad: Bad): Cidr[] | undefined {
  const list = parseCidrList(text);
  if (!list) {
    bad('INVALID_CIDR', key, `"${text}" is not a CIDR range`, 'give an address range such as 10.244.0.0/16 (IPv4), fd00:10:244::/56 (IPv6), or one of each separated by a comma (dual-stack)');
    return undefined;
  }
  if (list.length > 2 || (list.length === 2 && list[0]!.family === list[1]!.family)) {
    bad('INVALID_CIDR', key, `"${text}": expected one CIDR (IPv4 or IPv6), or two of different families for dual-stack`, 'e.g. 10.244.0.0/16 or 10.244.0.0/16,fd00:10:244::/56');
    return undefined;
  }
  for (const c of list) {
    if (rangeSize(c) < minAddresses) bad('INVALID_CIDR', key, `${c.text} has ${rangeSize(c)} address(es); the minimum is ${minAddresses}`, 'use a shorter mask (a bigger range)');
  }
  return list;
}

function checkSans(sans: readonly string[], key: string, bad: Bad): void {
  for (const san of sans) {
    if (!isDns1123Subdomain(san) && !WILDCARD_SUBDOMAIN.test(san) && !parseIp(san)) {
      bad('INVALID_SAN', key, `"${san}" is not a valid IP address, DNS name or wildcard DNS name`, 'use e.g. 10.0.0.10, cp.example.com or *.example.com (lower-case, comma-separated on the command line)');
    }
  }
}

function checkArgs(args: readonly Arg[], key: string, bad: Bad): void {
  args.forEach((a, i) => {
    if (!a.name) bad('INVALID_FIELD', key, `argument ${i} has no name`, 'each entry needs a name (the flag without its leading dashes) and a value');
    if (a.mergeMethod !== undefined && a.mergeMethod !== 'append' && a.mergeMethod !== 'prepend') {
      bad('INVALID_FIELD', key, `argument ${a.name}: mergeMethod "${String(a.mergeMethod)}" is not append or prepend`);
    }
  });
}

function argValue(args: readonly Arg[], name: string): string | undefined {
  return [...args].reverse().find((a) => a.name === name)?.value;
}

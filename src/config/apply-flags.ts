// kubeadm's init flags as rows: which setting each one writes and how its text is read. The
// loader walks this table; a flag with no row here does not touch the configuration.

import path from 'node:path';
import type { FlagValues } from './flags.js';
import { allFlags } from './flags.js';
import type { CniChoice, InitConfig } from './types.js';
import { parseGoDuration } from './duration.js';
import { PROFILE_NAMES } from '../profiles/profiles.js';
import type { Origins, Problem } from './problems.js';

export interface FlagContext {
  cfg: InitConfig;
  cwd: string;
  problems: Problem[];
  /** --kubernetes-version is parsed later, with the file's kubernetesVersion */
  version: { text?: string };
}

interface FlagRow {
  flag: string;
  /** the setting it writes (an Origins key) */
  key: string;
  apply(value: string, ctx: FlagContext): void;
}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter((s) => s !== '');

const FLAG_ROWS: readonly FlagRow[] = [
  { flag: 'kubernetes-version', key: 'kubernetesVersion', apply: (v, c) => (c.version.text = v) },
  { flag: 'pod-network-cidr', key: 'networking.podSubnet', apply: (v, c) => (c.cfg.networking.podSubnet = v) },
  { flag: 'service-cidr', key: 'networking.serviceSubnet', apply: (v, c) => (c.cfg.networking.serviceSubnet = v) },
  { flag: 'service-dns-domain', key: 'networking.dnsDomain', apply: (v, c) => (c.cfg.networking.dnsDomain = v) },
  { flag: 'apiserver-advertise-address', key: 'localAPIEndpoint.advertiseAddress', apply: (v, c) => (c.cfg.localAPIEndpoint.advertiseAddress = v.trim()) },
  {
    flag: 'apiserver-bind-port',
    key: 'localAPIEndpoint.bindPort',
    apply: (v, c) => {
      if (/^\d+$/.test(v.trim())) c.cfg.localAPIEndpoint.bindPort = Number(v.trim());
      else c.problems.push({ code: 'INVALID_PORT', message: `--apiserver-bind-port: "${v}" is not a port number`, hint: 'use a number between 1 and 65535 (the default is 6443)' });
    },
  },
  { flag: 'apiserver-cert-extra-sans', key: 'apiServer.certSANs', apply: (v, c) => (c.cfg.apiServer.certSANs = list(v)) },
  { flag: 'control-plane-endpoint', key: 'controlPlaneEndpoint', apply: (v, c) => (c.cfg.controlPlaneEndpoint = v.trim()) },
  { flag: 'node-name', key: 'nodeRegistration.name', apply: (v, c) => (c.cfg.nodeRegistration.name = v) },
  { flag: 'cert-dir', key: 'certificatesDir', apply: (v, c) => (c.cfg.certificatesDir = path.resolve(c.cwd, v)) },
  { flag: 'image-repository', key: 'imageRepository', apply: (v, c) => (c.cfg.imageRepository = v) },
  { flag: 'cri-socket', key: 'nodeRegistration.criSocket', apply: (v, c) => (c.cfg.nodeRegistration.criSocket = v) },
  {
    flag: 'feature-gates',
    key: 'featureGates',
    apply: (v, c) => {
      const gates: Record<string, boolean> = {};
      for (const pair of list(v)) {
        const [k = '', val] = pair.split('=', 2).map((s) => s.trim());
        const b = val === undefined ? undefined : parseGoBool(val);
        if (b === undefined) {
          c.problems.push({ code: 'INVALID_FEATURE_GATES', message: `--feature-gates: "${pair}" needs a true or false value`, hint: 'write key=value pairs, e.g. RootlessControlPlane=true' });
          continue;
        }
        gates[k] = b;
      }
      c.cfg.featureGates = gates;
    },
  },
  {
    flag: 'ignore-preflight-errors',
    key: 'nodeRegistration.ignorePreflightErrors',
    // kubeadm takes the union of the flag and the file, case-insensitively
    apply: (v, c) => (c.cfg.nodeRegistration.ignorePreflightErrors = [...new Set([...c.cfg.nodeRegistration.ignorePreflightErrors, ...list(v)].map((s) => s.toLowerCase()))].sort()),
  },
  { flag: 'token', key: 'bootstrapTokens[0].token', apply: (v, c) => (c.cfg.bootstrapTokens[0]!.token = v.trim()) },
  {
    flag: 'token-ttl',
    key: 'bootstrapTokens[0].ttl',
    apply: (v, c) => {
      const ms = parseGoDuration(v);
      if (ms === undefined) c.problems.push({ code: 'INVALID_TOKEN_TTL', message: `--token-ttl: "${v}" is not a duration`, hint: 'e.g. 24h0m0s, 2h, 90m, or 0 for a token that never expires' });
      else c.cfg.bootstrapTokens[0]!.ttlMs = ms;
    },
  },
  { flag: 'certificate-key', key: 'certificateKey', apply: (v, c) => (c.cfg.certificateKey = v.trim()) },
  // kubeadm: the flag takes precedence over InitConfiguration.skipPhases
  { flag: 'skip-phases', key: 'skipPhases', apply: (v, c) => (c.cfg.skipPhases = list(v)) },
  {
    flag: 'patches',
    key: 'patches.directory',
    apply: (v, c) => c.problems.push({ code: 'UNSUPPORTED', message: `--patches ${v}: patches are not supported by mini-kubeadm yet`, hint: 'drop --patches and edit the generated files instead' }),
  },
  { flag: 'cni', key: 'cni', apply: (v, c) => (c.cfg.cni = cniChoice(v, c.cwd)) },
  {
    flag: 'profile',
    key: 'profile',
    apply: (v, c) => {
      if (PROFILE_NAMES.includes(v)) c.cfg.profile = v;
      else c.problems.push({ code: 'INVALID_PROFILE', message: `--profile ${v}: no such profile`, hint: `use ${PROFILE_NAMES.join(' or ')}, or leave --profile out for kubeadm's defaults` });
    },
  },
];

export function applyFlags(flags: FlagValues, ctx: FlagContext, origins: Origins): void {
  for (const row of FLAG_ROWS) {
    const v = flags[row.flag];
    if (typeof v !== 'string') continue;
    origins.set(row.key, `--${row.flag}`);
    row.apply(v, ctx);
  }
}

export function cniChoice(v: string, cwd: string): CniChoice {
  if (v === 'flannel' || v === 'none') return { kind: v };
  return { kind: 'file', path: path.resolve(cwd, v) };
}

/** Go's strconv.ParseBool */
function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/** the flags given that kubeadm refuses next to --config, in pflag's (sorted) order */
export function flagsMixedWithConfig(flags: FlagValues): string[] {
  return allFlags()
    .filter((f) => flags[f.name] !== undefined && !f.withConfig && !f.name.startsWith('skip-'))
    .map((f) => f.name)
    .sort();
}

/** the config field each flag stands for, for the "can not mix" hint */
export function fieldForFlag(flag: string): string | undefined {
  return FLAG_ROWS.find((r) => r.flag === flag)?.key;
}

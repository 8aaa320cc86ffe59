// `token list`: a bootstrap token read back from its Secret (kubeadm's BootstrapTokenFromSecret)
// and kubeadm's three ways of printing it: the text table (Go tabwriter, one writer per row),
// and the output.kubeadm.k8s.io BootstrapToken object as JSON or YAML.

import { BOOTSTRAP_TOKEN_PATTERN, GO_TOKEN_PATTERN } from '../../config/token.js';
import type { KubeObject } from '../client.js';
import { goJson, goYaml, padRight, shortHumanDuration, tabwrite } from './go-format.js';

export interface ListedToken {
  /** ID.SECRET */
  token: string;
  /** '' when the Secret has none */
  description: string;
  /** undefined: never expires */
  expires?: {
    /** epoch milliseconds */
    ms: number;
    /** Go's RFC3339 of the parsed time, in the offset the Secret gave (the table's EXPIRES) */
    text: string;
  };
  /** sorted */
  usages: string[];
  groups: string[];
}

/** A Secret that is not a bootstrap token kubeadm can read; the message is kubeadm's. */
export class TokenSecretProblem extends Error {}

const USAGE_PREFIX = 'usage-bootstrap-';

/** Go's time.Parse(time.RFC3339, s): epoch ms and the offset text, or undefined */
export function parseRfc3339(s: string): { ms: number; text: string } | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const base = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(base);
  // Go refuses a day or hour out of range instead of rolling over
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== se) return undefined;
  const zone = m[7]!;
  const offsetMin = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const ms = base - offsetMin * 60_000 + Number(`0${/\.\d+/.exec(s)?.[0] ?? ''}`) * 1000;
  // Go formats a zero offset as Z whatever its spelling, and drops the fraction
  return { ms, text: `${m.slice(1, 4).join('-')}T${m.slice(4, 7).join(':')}${offsetMin === 0 ? 'Z' : zone}` };
}

/** the data of a Secret, decoded */
function secretData(secret: KubeObject): Record<string, string> {
  const data = (secret.data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

/** kubeadm's BootstrapTokenFromSecret, with its messages */
export function tokenFromSecret(secret: KubeObject): ListedToken {
  const name = secret.metadata.name;
  const data = secretData(secret);
  const id = data['token-id'] ?? '';
  if (!id) throw new TokenSecretProblem(`bootstrap Token Secret has no token-id data: ${name}`);
  if (name !== `bootstrap-token-${id}`) {
    throw new TokenSecretProblem(`bootstrap token name is not of the form 'bootstrap-token-(token-id)'. Actual: ${JSON.stringify(name)}. Expected: ${JSON.stringify(`bootstrap-token-${id}`)}`);
  }
  const secretPart = data['token-secret'] ?? '';
  if (!secretPart) throw new TokenSecretProblem(`bootstrap Token Secret has no token-secret data: ${name}`);
  const token = `${id}.${secretPart}`;
  if (!BOOTSTRAP_TOKEN_PATTERN.test(token)) {
    throw new TokenSecretProblem(`bootstrap Token Secret is invalid and couldn't be parsed: the bootstrap token ${JSON.stringify(token)} was not of the form ${JSON.stringify(GO_TOKEN_PATTERN)}`);
  }
  let expires: ListedToken['expires'];
  const exp = data.expiration ?? '';
  if (exp) {
    expires = parseRfc3339(exp);
    if (!expires) throw new TokenSecretProblem(`can't parse expiration time of bootstrap token ${JSON.stringify(name)}: parsing time ${JSON.stringify(exp)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
  }
  const usages = Object.entries(data)
    .filter(([k, v]) => k.startsWith(USAGE_PREFIX) && v === 'true')
    .map(([k]) => k.slice(USAGE_PREFIX.length))
    .sort();
  const groupsText = data['auth-extra-groups'] ?? '';
  const groups = groupsText.split(',');
  return { token, description: data.description ?? '', expires, usages, groups: groups[0] ? groups : [] };
}

export const TOKEN_COLUMNS = ['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS'] as const;

/** one row's cells, as kubeadm's formatBootstrapToken pads them */
export function tokenCells(t: ListedToken, nowMs: number): string[] {
  const none = (s: string) => s || '<none>';
  return [
    t.token,
    padRight(t.expires ? shortHumanDuration(t.expires.ms - nowMs) : '<forever>', 9),
    t.expires ? t.expires.text : '<never>',
    padRight(none(t.usages.join(',')), 22),
    padRight(none(t.description), 56),
    none(t.groups.join(',')),
  ];
}

/** kubeadm's text output: the header flushed together with the first token, then one writer per token */
export function tokenTable(tokens: readonly ListedToken[], nowMs: number): string {
  return tokens.map((t, i) => tabwrite(i === 0 ? [[...TOKEN_COLUMNS], tokenCells(t, nowMs)] : [tokenCells(t, nowMs)])).join('');
}

/** output.kubeadm.k8s.io BootstrapToken, its keys in the Go struct's order (ttl is never set on a read token) */
export function tokenOutputObject(t: ListedToken, apiVersion: string): Record<string, unknown> {
  const o: Record<string, unknown> = { kind: 'BootstrapToken', apiVersion, token: t.token };
  if (t.description) o.description = t.description;
  if (t.expires) o.expires = new Date(Math.floor(t.expires.ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (t.usages.length) o.usages = t.usages;
  if (t.groups.length) o.groups = t.groups;
  return o;
}

/** kubectl's JSON printer: one indented document per token */
export function tokenListJson(tokens: readonly ListedToken[], apiVersion: string): string {
  return tokens.map((t) => `${goJson(tokenOutputObject(t, apiVersion))}\n`).join('');
}

/** kubectl's YAML printer: keys sorted, `---` before every document after the first */
export function tokenListYaml(tokens: readonly ListedToken[], apiVersion: string): string {
  return tokens.map((t, i) => `${i > 0 ? '---\n' : ''}${goYaml(tokenOutputObject(t, apiVersion))}`).join('');
}

// `token create`'s flags as one bootstrap token, checked the way kubeadm checks them
// (BootstrapTokenOptions.ApplyTo, then the defaults, then ValidateBootstrapTokens), with
// kubeadm's messages: every problem is reported at once, before anything reaches the cluster.

import type { BootstrapToken } from './types.js';
import { defaultInitConfig } from './defaults.js';
import { parseGoDuration } from './duration.js';
import { problemsError, type Problem } from './problems.js';
import { BOOTSTRAP_GROUP_PATTERN, BOOTSTRAP_TOKEN_PATTERN, BOOTSTRAP_TOKEN_USAGES, GO_GROUP_PATTERN, GO_TOKEN_PATTERN, generateBootstrapToken } from './token.js';

export interface TokenFlags {
  /** the [token] argument */
  token?: string;
  ttl?: string;
  usages?: string;
  groups?: string;
  description?: string;
}

/** pflag's string slice: comma-separated, empty items dropped */
const slice = (v: string) => v.split(',').map((s) => s.trim()).filter((s) => s !== '');

/** Go's %q for the ASCII text of these messages */
const goQuote = (s: string) => JSON.stringify(s);

/** The problems of one token, in kubeadm's order: the token, its usages, its groups. */
function tokenProblems(t: BootstrapToken, flag: { usages: string; groups: string }): Problem[] {
  const problems: Problem[] = [];
  if (!BOOTSTRAP_TOKEN_PATTERN.test(t.token)) {
    problems.push({
      code: 'INVALID_TOKEN',
      message: `the bootstrap token ${goQuote(t.token)} was not of the form ${goQuote(GO_TOKEN_PATTERN)}`,
      hint: 'give a token of 6 and 16 characters from [a-z0-9], e.g. abcdef.0123456789abcdef ("mini-kubeadm token generate" prints one), or leave it out to get a random one',
    });
  }
  const unknown = [...new Set(t.usages.filter((u) => !(BOOTSTRAP_TOKEN_USAGES as readonly string[]).includes(u)))].sort();
  if (unknown.length) {
    problems.push({
      code: 'INVALID_TOKEN_USAGES',
      message: `${flag.usages}: invalid bootstrap token usage string: ${unknown.join(',')}, valid usage options: ${BOOTSTRAP_TOKEN_USAGES.join(',')}`,
      hint: `list only ${BOOTSTRAP_TOKEN_USAGES.join(' and ')}, comma-separated`,
    });
  }
  if (t.groups.length && !t.usages.includes('authentication')) {
    problems.push({
      code: 'INVALID_TOKEN_GROUPS',
      message: `${flag.groups}: token groups cannot be specified unless --usages includes "authentication"`,
      hint: 'add authentication to --usages: every token carries a group (system:bootstrappers:kubeadm:default-node-token when --groups names none)',
    });
  }
  for (const g of t.groups) {
    if (!BOOTSTRAP_GROUP_PATTERN.test(g)) {
      problems.push({
        code: 'INVALID_TOKEN_GROUPS',
        message: `${flag.groups}: bootstrap group ${goQuote(g)} is invalid (must match ${GO_GROUP_PATTERN})`,
        hint: 'an extra group starts with system:bootstrappers: and ends in [a-z0-9], e.g. system:bootstrappers:kubeadm:default-node-token',
      });
    }
  }
  return problems;
}

/** The token `token create` makes from its flags (a random one without [token]); a UserError listing every problem otherwise. */
export function tokenFromFlags(f: TokenFlags): BootstrapToken {
  const defaults = defaultInitConfig({ name: '', advertiseAddress: '' }).bootstrapTokens[0]!;
  const problems: Problem[] = [];
  let ttlMs = defaults.ttlMs;
  if (f.ttl !== undefined) {
    const ms = parseGoDuration(f.ttl);
    if (ms === undefined) {
      problems.push({ code: 'INVALID_TOKEN_TTL', message: `invalid argument ${goQuote(f.ttl)} for "--ttl" flag: time: invalid duration ${goQuote(f.ttl)}`, hint: 'give a Go duration, e.g. 24h0m0s, 2h or 90m, or 0 for a token that never expires' });
    } else if (ms < 0) {
      problems.push({ code: 'INVALID_TOKEN_TTL', message: `--ttl ${f.ttl}: the token TTL must not be negative`, hint: 'give a positive duration, or 0 for a token that never expires' });
    } else ttlMs = ms;
  }
  // kubeadm defaults the token after the flags: an empty list becomes the default list
  const usages = f.usages === undefined ? [] : slice(f.usages);
  const groups = f.groups === undefined ? [] : slice(f.groups);
  const token: BootstrapToken = {
    token: f.token ?? generateBootstrapToken(),
    ttlMs,
    usages: usages.length ? usages : [...defaults.usages],
    groups: groups.length ? groups : [...defaults.groups],
  };
  if (f.description) token.description = f.description;
  problems.push(...tokenProblems(token, { usages: `--usages ${token.usages.join(',')}`, groups: `--groups ${token.groups.join(',')}` }));
  if (problems.length) throw problemsError(problems);
  return token;
}

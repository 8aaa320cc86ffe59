// Bootstrap token text, one definition for the whole tool: kubeadm's (cluster-bootstrap's)
// token, token ID and extra-group patterns, the known usages, and a crypto-random token for
// when the user gives none. The loader, the token Secret and `token` all use these.

import { randomInt } from 'node:crypto';

/** `\A([a-z0-9]{6})\.([a-z0-9]{16})\z` (JS `$` without the m flag is Go's `\z`) */
export const BOOTSTRAP_TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
export const BOOTSTRAP_TOKEN_ID_PATTERN = /^[a-z0-9]{6}$/;
/** kubeadm's (cluster-bootstrap's) pattern for extra token groups */
export const BOOTSTRAP_GROUP_PATTERN = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;
/** in kubeadm's order (KnownTokenUsages), which its messages list */
export const BOOTSTRAP_TOKEN_USAGES = ['signing', 'authentication'] as const;

/** the patterns as kubeadm's messages print them (the Go source text of cluster-bootstrap's constants) */
export const GO_TOKEN_PATTERN = String.raw`\A([a-z0-9]{6})\.([a-z0-9]{16})\z`;
export const GO_TOKEN_ID_PATTERN = String.raw`\A([a-z0-9]{6})\z`;
export const GO_GROUP_PATTERN = String.raw`\Asystem:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]\z`;

/** cluster-bootstrap's validBootstrapTokenChars */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export function isValidBootstrapToken(token: string): boolean {
  return BOOTSTRAP_TOKEN_PATTERN.test(token);
}

/** a fresh `[a-z0-9]{6}.[a-z0-9]{16}`, each character drawn uniformly, as GenerateBootstrapToken */
export function generateBootstrapToken(): string {
  const pick = (n: number) => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${pick(6)}.${pick(16)}`;
}

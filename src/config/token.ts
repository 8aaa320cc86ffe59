// Bootstrap token text: kubeadm's format ([a-z0-9]{6}.[a-z0-9]{16}) and a crypto-random one
// when the user gives none.

import { randomInt } from 'node:crypto';

export const BOOTSTRAP_TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
/** kubeadm's (cluster-bootstrap's) pattern for extra token groups */
export const BOOTSTRAP_GROUP_PATTERN = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;
export const BOOTSTRAP_TOKEN_USAGES = ['signing', 'authentication'] as const;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function isValidBootstrapToken(token: string): boolean {
  return BOOTSTRAP_TOKEN_PATTERN.test(token);
}

export function generateBootstrapToken(): string {
  const pick = (n: number) => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `${pick(6)}.${pick(16)}`;
}

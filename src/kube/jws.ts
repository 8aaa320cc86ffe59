// The detached JWS the kube-controller-manager's bootstrapsigner puts on cluster-info
// (`jws-kubeconfig-<token id>`): RFC 7515 compact serialization with a detached payload,
// HS256 keyed with the token secret (kubeadm-join-spec.md §2.1). HMAC from node:crypto.

import { createHmac, timingSafeEqual } from 'node:crypto';

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** `B64URL(header) + ".." + B64URL(HMAC-SHA256(secret, B64URL(header) + "." + B64URL(payload)))` */
export function detachedJws(payload: string, tokenId: string, tokenSecret: string): string {
  // go-jose writes the protected header as compact JSON with sorted keys: exactly this text
  const header = b64url(`{"alg":"HS256","kid":"${tokenId}"}`);
  const sig = createHmac('sha256', Buffer.from(tokenSecret, 'utf8')).update(`${header}.${b64url(payload)}`).digest();
  return `${header}..${b64url(sig)}`;
}

/** kubeadm recomputes the whole string and compares it: the header must match byte for byte too */
export function verifyDetachedJws(jws: string, payload: string, tokenId: string, tokenSecret: string): boolean {
  const want = Buffer.from(detachedJws(payload, tokenId, tokenSecret));
  const got = Buffer.from(jws);
  return want.length === got.length && timingSafeEqual(want, got);
}

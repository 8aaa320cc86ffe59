// IP addresses and CIDR ranges as numbers, so the service and pod subnets can be checked for
// size, family and overlap, and the service range's nth address computed (kubernetes, kube-dns).

import { isIPv4, isIPv6 } from 'node:net';

export type IpFamily = 4 | 6;

export interface Ip {
  family: IpFamily;
  value: bigint;
}

export interface Cidr {
  family: IpFamily;
  /** the first address of the range (host bits cleared, as Go's ParseCIDR returns it) */
  network: bigint;
  prefix: number;
  /** as given */
  text: string;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

export function parseIp(text: string): Ip | undefined {
  const t = text.trim();
  if (isIPv4(t)) return { family: 4, value: v4ToBigint(t) };
  if (isIPv6(t)) return { family: 6, value: v6ToBigint(t) };
  return undefined;
}

export function parseCidr(text: string): Cidr | undefined {
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(t.slice(0, slash));
  const prefixText = t.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const bits = BITS[ip.family];
  if (prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  return { family: ip.family, network: ip.value & ~hostMask, prefix, text: t };
}

/** a comma-separated list ("10.244.0.0/16,fd00::/56"), or undefined if any part is not a CIDR */
export function parseCidrList(text: string): Cidr[] | undefined {
  const out: Cidr[] = [];
  for (const part of text.split(',')) {
    const c = parseCidr(part);
    if (!c) return undefined;
    out.push(c);
  }
  return out;
}

export function rangeSize(c: Cidr): bigint {
  return 1n << BigInt(BITS[c.family] - c.prefix);
}

export function cidrContains(c: Cidr, ip: Ip): boolean {
  if (c.family !== ip.family) return false;
  const shift = BigInt(BITS[c.family] - c.prefix);
  return ip.value >> shift === c.network >> shift;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const wider = a.prefix <= b.prefix ? a : b;
  const narrower = wider === a ? b : a;
  return cidrContains(wider, { family: narrower.family, value: narrower.network });
}

/** the nth address of a range: nthAddress(10.96.0.0/12, 10) = "10.96.0.10" */
export function nthAddress(c: Cidr, n: number): string {
  return formatIp({ family: c.family, value: c.network + BigInt(n) });
}

export function isUnspecified(ip: Ip): boolean {
  return ip.value === 0n;
}

export function isLoopback(ip: Ip): boolean {
  return ip.family === 4 ? ip.value >> 24n === 127n : ip.value === 1n;
}

export function formatIp(ip: Ip): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((ip.value >> BigInt(i * 16)) & 0xffffn).toString(16));
  // the longest run of zero groups becomes "::" (RFC 5952)
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function v4ToBigint(t: string): bigint {
  return t.split('.').reduce((acc, octet) => (acc << 8n) + BigInt(Number(octet)), 0n);
}

function v6ToBigint(t: string): bigint {
  let text = t.replace(/%.*$/, '');
  // an embedded IPv4 tail ("::ffff:1.2.3.4") becomes two groups
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = v4ToBigint(v4[1]!);
    text = `${text.slice(0, v4.index)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const tl = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - tl.length).fill('0'), ...tl];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

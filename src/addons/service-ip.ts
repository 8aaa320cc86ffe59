// The n-th address of the service CIDR: .10 is kube-dns (and the kubelet's clusterDNS), as
// kubeadm's GetDNSIP; IPv4 and IPv6, first CIDR of a dual-stack pair.

import { UserError } from '../errors.js';

function parseV4(ip: string): bigint | undefined {
  const p = ip.split('.');
  if (p.length !== 4 || p.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return undefined;
  return p.reduce((a, x) => (a << 8n) | BigInt(Number(x)), 0n);
}

function parseV6(ip: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(ip)) return undefined;
  const [head, tail, extra] = ip.split('::');
  if (extra !== undefined) return undefined;
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return groups.reduce((a, g) => (a << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function formatV6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => ((n >> BigInt((7 - i) * 16)) & 0xffffn).toString(16));
  // the longest run of zero groups becomes "::"
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best[1]! && j - i > 1) best = [i, j - i];
    i = j;
  }
  if (best[0]! < 0) return groups.join(':');
  return `${groups.slice(0, best[0]).join(':')}::${groups.slice(best[0]! + best[1]!).join(':')}`;
}

export function nthServiceIP(serviceSubnet: string, n: number): string {
  const cidr = serviceSubnet.split(',')[0]!.trim();
  const [addr, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const v4 = parseV4(addr ?? '');
  const v6 = v4 === undefined ? parseV6(addr ?? '') : undefined;
  const width = v4 !== undefined ? 32 : 128;
  const base = v4 ?? v6;
  if (base === undefined || !Number.isInteger(bits) || bits < 0 || bits > width) {
    throw new UserError('SERVICE_CIDR_INVALID', `networking.serviceSubnet "${serviceSubnet}" is not a CIDR`, 'give --service-cidr like 10.96.0.0/12');
  }
  const size = 1n << BigInt(width - bits);
  if (BigInt(n) >= size) throw new UserError('SERVICE_CIDR_SMALL', `networking.serviceSubnet "${serviceSubnet}" has no address number ${n}`, 'give a larger --service-cidr');
  const network = (base >> BigInt(width - bits)) << BigInt(width - bits);
  const ip = network + BigInt(n);
  return v4 !== undefined ? [24n, 16n, 8n, 0n].map((s) => ((ip >> s) & 255n).toString()).join('.') : formatV6(ip);
}

export const isIPv6 = (ip: string): boolean => ip.includes(':');

// IP addresses as certificates need them: parsed to bytes, written the way Go's net.IP prints
// them, and the Nth address of a CIDR (the `kubernetes` Service takes the first of the service range).

import { isIPv4 } from 'node:net';

/**
 * Is the text an IPv6 address (no zone, as Go's ParseIP)? Checked by the WHATWG URL parser:
 * node:net's isIPv6 regex costs ~12 ms on first use and ~2 ms per call.
 */
export function isIPv6Address(text: string): boolean {
  if (!text.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(text)) return false;
  try {
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

/** Canonical text of an IP (IPv4 dotted, IPv6 compressed lower-case), or undefined if it is none. */
export function canonicalIp(text: string): string | undefined {
  const t = text.trim();
  if (isIPv4(t)) return t.split('.').map((p) => String(Number(p))).join('.');
  if (!isIPv6Address(t)) return undefined;
  const bytes = ipv6Bytes(t);
  // Go prints an IPv4-mapped IPv6 address as IPv4 and encodes it in 4 bytes
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return [...bytes.subarray(12)].join('.');
  return new URL(`http://[${t}]/`).hostname.slice(1, -1);
}

/** The address's bytes: 4 for IPv4, 16 for IPv6. */
export function ipBytes(text: string): Buffer {
  const c = canonicalIp(text);
  if (c === undefined) throw new Error(`internal: not an IP address: ${text}`);
  return isIPv4(c) ? Buffer.from(c.split('.').map(Number)) : ipv6Bytes(c);
}

function ipv6Bytes(text: string): Buffer {
  let t = text;
  // a trailing dotted quad (::ffff:1.2.3.4) becomes two hex groups
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (dotted) {
    const q = dotted[1]!.split('.').map(Number);
    t = t.slice(0, -dotted[1]!.length) + `${((q[0]! << 8) | q[1]!).toString(16)}:${((q[2]! << 8) | q[3]!).toString(16)}`;
  }
  const [head, tail] = t.includes('::') ? t.split('::') : [t, undefined];
  const h = head ? head.split(':') : [];
  const tl = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - tl.length).fill('0'), ...tl];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** The index-th address of a CIDR ("10.96.0.0/12", 1 -> "10.96.0.1"), or undefined if the text is not a CIDR. */
export function cidrAddress(cidr: string, index: number): string | undefined {
  const [addr, bitsText] = cidr.trim().split('/');
  if (addr === undefined || bitsText === undefined || canonicalIp(addr) === undefined) return undefined;
  const bytes = ipBytes(addr);
  const bits = Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > bytes.length * 8) return undefined;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  const hostBits = BigInt(bytes.length * 8 - bits);
  n = ((n >> hostBits) << hostBits) + BigInt(index);
  const out = Buffer.alloc(bytes.length);
  for (let i = bytes.length - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  if (out.length === 4) return [...out].join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(out.readUInt16BE(i).toString(16));
  return canonicalIp(groups.join(':'));
}

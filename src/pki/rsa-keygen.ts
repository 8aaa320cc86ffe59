// RSA key generation from two OpenSSL-made primes: OpenSSL 3's own RSA keygen (SP 800-56B,
// with auxiliary primes and extra tests) costs ~3x the CPU of drawing the two primes, and a run
// makes 16 keys on a 2-core node. The primes come from node:crypto's generatePrime (OpenSSL's
// BN_generate_prime_ex2: top two bits set, 64 Miller-Rabin rounds, on the thread pool); the
// rest is the arithmetic of RFC 8017 section 3.2, and each key must pass a sign/verify pairwise
// test before it is handed out. The result is an ordinary PKCS#1 key (same format as before).

import { createPrivateKey, createPublicKey, generatePrime, sign, verify, type KeyObject } from 'node:crypto';
import { sequence, smallInteger, unsignedInteger } from './der.js';

const E = 65537n;

function prime(bits: number): Promise<bigint> {
  return new Promise((resolve, reject) => generatePrime(bits, { bigint: true }, (err, p) => (err ? reject(err) : resolve(p as bigint))));
}

/** x^-1 mod m (x and m coprime), by the extended Euclidean algorithm (plain lets: twice as fast as swapping through arrays) */
function modInverse(x: bigint, m: bigint): bigint {
  let r0 = m;
  let r1 = x % m;
  let t0 = 0n;
  let t1 = 1n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    let t = r0 - q * r1;
    r0 = r1;
    r1 = t;
    t = t0 - q * t1;
    t0 = t1;
    t1 = t;
  }
  if (r0 !== 1n) throw new Error('internal: not invertible');
  return t0 < 0n ? t0 + m : t0;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function bytes(n: bigint): Buffer {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}

/** a prime of `bits` bits whose p-1 is coprime to e (so that e is invertible) */
async function rsaPrime(bits: number): Promise<bigint> {
  for (;;) {
    const p = await prime(bits);
    if ((p - 1n) % E !== 0n) return p;
  }
}

/** An RSA key pair of `modulusBits` bits with public exponent 65537. */
export async function generateRsaKey(modulusBits: number): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  const half = modulusBits / 2;
  for (;;) {
    // primes with their top two bits set make an n of exactly modulusBits bits
    let p = await rsaPrime(half);
    let q = await rsaPrime(half);
    // SP 800-56B: |p - q| > 2^(half - 100), else draw again (chance ~2^-99)
    const diff = p > q ? p - q : q - p;
    if (diff <= 1n << BigInt(half - 100)) continue;
    if (p < q) [p, q] = [q, p]; // p > q, as OpenSSL orders them
    const n = p * q;
    const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
    const d = modInverse(E, lambda);
    if (d <= 1n << BigInt(half)) continue; // SP 800-56B's lower bound on d
    const der = sequence(
      smallInteger(0), // two-prime version
      unsignedInteger(bytes(n)),
      unsignedInteger(bytes(E)),
      unsignedInteger(bytes(d)),
      unsignedInteger(bytes(p)),
      unsignedInteger(bytes(q)),
      unsignedInteger(bytes(d % (p - 1n))),
      unsignedInteger(bytes(d % (q - 1n))),
      unsignedInteger(bytes(modInverse(q, p))),
    );
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
    const publicKey = createPublicKey(privateKey);
    // pairwise consistency test, as FIPS 140 keygen does
    const probe = Buffer.from('mini-kubeadm rsa pairwise test');
    if (!verify('sha256', probe, publicKey, sign('sha256', probe, privateKey))) throw new Error('internal: generated RSA key failed its pairwise test');
    return { privateKey, publicKey };
  }
}

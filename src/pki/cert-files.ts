// Reading certificates and keys already on the node, and the questions kubeadm asks of them
// before reusing them: is it a CA, does the key match, did this CA sign it, has it expired,
// does it carry the SANs the configuration needs. Parsing is node:crypto's (OpenSSL).

import { X509Certificate, type KeyObject } from 'node:crypto';
import { HostError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import { canonicalIp } from './ip-address.js';
import { parsePrivateKey } from './keys.js';

export interface CertFiles {
  crt: string;
  key: string;
}

export function certFiles(paths: Pick<Paths, 'pki'>, baseName: string): CertFiles {
  return { crt: paths.pki(`${baseName}.crt`), key: paths.pki(`${baseName}.key`) };
}

export interface LoadedCert {
  /** the first certificate in the file */
  cert: X509Certificate;
  /** its PEM, re-encoded (what a kubeconfig embeds) */
  pem: string;
}

/** A certificate file, or undefined if there is none; a HostError naming the file if it cannot be read as one. */
export async function readCertFile(host: Host, file: string): Promise<LoadedCert | undefined> {
  const data = await host.readFile(file);
  if (data === undefined) return undefined;
  try {
    const cert = new X509Certificate(data);
    return { cert, pem: cert.toString() };
  } catch (e) {
    throw new HostError('CERT_UNREADABLE', `${file} is not a PEM certificate`, `delete ${file} (and its key) so it is made anew, or run "mini-kubeadm reset"`, e);
  }
}

export async function readKeyFile(host: Host, file: string): Promise<KeyObject | undefined> {
  const data = await host.readFile(file);
  if (data === undefined) return undefined;
  const key = parsePrivateKey(data);
  if (!key) throw new HostError('KEY_UNREADABLE', `${file} is not an unencrypted PEM private key`, `delete ${file} (and its certificate) so it is made anew, or run "mini-kubeadm reset"`);
  return key;
}

export function notBefore(cert: X509Certificate): Date {
  return new Date(cert.validFrom);
}

export function notAfter(cert: X509Certificate): Date {
  return new Date(cert.validTo);
}

const redo = (files: CertFiles) => `delete ${files.crt} and ${files.key} so they are made anew (or run "mini-kubeadm reset" to start over)`;

export function checkNotExpired(cert: X509Certificate, files: CertFiles, now: Date): void {
  const end = notAfter(cert);
  if (end.getTime() <= now.getTime()) {
    throw new HostError('CERT_EXPIRED', `${files.crt} expired on ${end.toISOString()}`, redo(files));
  }
}

export function checkKeyMatches(cert: X509Certificate, key: KeyObject, files: CertFiles): void {
  if (!cert.checkPrivateKey(key)) {
    throw new HostError('CERT_KEY_MISMATCH', `${files.key} does not match ${files.crt}: they are not one key pair`, `put back the matching key, or ${redo(files)}`);
  }
}

export function checkIsCA(cert: X509Certificate, files: CertFiles): void {
  if (!cert.ca) {
    throw new HostError('NOT_A_CA', `${files.crt} is not a CA certificate (basicConstraints CA:TRUE is missing)`, redo(files));
  }
}

export function checkSignedBy(cert: X509Certificate, ca: X509Certificate, files: CertFiles, caFile: string): void {
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) {
    throw new HostError(
      'CERT_NOT_SIGNED_BY_CA',
      `${files.crt} is not signed by the CA in ${caFile}`,
      `put back the CA that signed it, or ${redo(files)}`,
    );
  }
}

/** The SANs a certificate carries, as DNS names and canonical IPs. */
export function certAltNames(cert: X509Certificate): { dns: string[]; ips: string[] } {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const entry of (cert.subjectAltName ?? '').split(', ')) {
    if (entry.startsWith('DNS:')) dns.push(entry.slice(4));
    else if (entry.startsWith('IP Address:')) ips.push(canonicalIp(entry.slice(11)) ?? entry.slice(11));
  }
  return { dns, ips };
}

/** Every SAN the configuration needs must be there (more is fine: kubeadm's check is the same). */
export function checkAltNames(cert: X509Certificate, want: { dns: readonly string[]; ips: readonly string[] }, files: CertFiles): void {
  const have = certAltNames(cert);
  const missing = [
    ...want.dns.filter((d) => !have.dns.includes(d)).map((d) => `DNS:${d}`),
    ...want.ips.filter((ip) => !have.ips.includes(canonicalIp(ip) ?? ip)).map((ip) => `IP:${ip}`),
  ];
  if (missing.length) {
    throw new HostError(
      'CERT_MISSING_SAN',
      `${files.crt} lacks subject alternative names this configuration needs: ${missing.join(', ')}`,
      `${redo(files)}; it is then issued with the SANs of the current configuration`,
    );
  }
}

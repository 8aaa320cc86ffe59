// `certs renew`'s work on files: each row of the renewal table re-signed by its CA from the
// certificate already there, as kubeadm reads the old one (renewal/readwriter.go): the same
// subject (CN, O), SANs and extended key usages, new dates and serial, the same key unless a new
// one is asked for; the CA is kept. Every renewal is planned (read, checked, signed) before any
// file is written, so a missing CA or a broken file changes nothing.

import type { KeyObject, X509Certificate } from 'node:crypto';
import type { InitConfig } from '../config/types.js';
import { pkiFacts } from '../config/versions.js';
import { HostError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import { KUBECONFIG_MODE } from '../kubeconfig/ensure.js';
import { readKubeconfigClient, withClientCert } from '../kubeconfig/client-cert.js';
import { certAltNames, certFiles, checkKeyMatches, checkSignedBy, notBefore, readCertFile, readKeyFile } from './cert-files.js';
import type { ExtKeyUsage } from './cert-specs.js';
import { certSpec } from './cert-specs.js';
import { certFields } from './cert-read.js';
import { CERT_MODE, KEY_MODE, loadCA } from './ensure.js';
import { issueCertificate } from './issue.js';
import { generateKey, privateKeyPem } from './keys.js';
import type { RenewalTarget } from './renewals.js';
import { clientCertValidity, leafValidity } from './validity.js';

export interface RenewDeps {
  host: Host;
  paths: Pick<Paths, 'pki' | 'pkiDir' | 'kubeconfig'>;
  cfg: Pick<InitConfig, 'kubernetesVersion' | 'certificateValidityPeriodMs' | 'caCertificateValidityPeriodMs' | 'encryptionAlgorithm'>;
  now: Date;
  /** a fresh key for each renewed certificate (kubeadm's behaviour) instead of the one there */
  newKey: boolean;
}

export interface FileWrite {
  path: string;
  data: string;
  mode: number;
}

export type RenewalPlan =
  | { kind: 'renew'; target: RenewalTarget; file: string; writes: FileWrite[]; notAfter: Date; newKey: boolean }
  /** the file is not there: nothing to renew (kubeadm prints MISSING! and goes on) */
  | { kind: 'missing'; target: RenewalTarget; file: string }
  /** the CA has no key here (external CA mode): kubeadm leaves it to that CA */
  | { kind: 'external-ca'; target: RenewalTarget; file: string; caFile: string };

const EKU: Record<string, ExtKeyUsage> = { '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth' };

/** The extended key usages kubeadm's certificates carry, in the certificate's order. */
function usagesOf(cert: X509Certificate, file: string): ExtKeyUsage[] {
  const oids = cert.keyUsage ?? [];
  const unknown = oids.filter((o) => !EKU[o]);
  if (unknown.length) {
    throw new HostError('CERT_UNKNOWN_USAGE', `${file} has extended key usages mini-kubeadm does not issue (${unknown.join(', ')})`, 'renew it with the tool or CA that made it');
  }
  return oids.map((o) => EKU[o]!);
}

async function resign(deps: RenewDeps, old: X509Certificate, oldKey: KeyObject | undefined, ca: { key: KeyObject; cert: X509Certificate }, kind: 'leaf' | 'client', file: string) {
  const pair = deps.newKey || !oldKey ? await generateKey(deps.cfg.encryptionAlgorithm) : undefined;
  const fields = certFields(old.raw);
  const sans = certAltNames(old);
  const validity = (kind === 'client' ? clientCertValidity : leafValidity)(deps.cfg, deps.now, notBefore(ca.cert), deps.now);
  const publicKey = pair?.publicKey ?? old.publicKey;
  const pem = issueCertificate(
    {
      commonName: fields.commonName,
      organizations: fields.organizations,
      isCA: false,
      usages: usagesOf(old, file),
      dns: sans.dns,
      ips: sans.ips,
      ...validity,
      subjectKeyIdHash: pkiFacts(deps.cfg.kubernetesVersion).subjectKeyIdHash,
    },
    publicKey,
    { key: ca.key, certDer: ca.cert.raw },
  );
  return { pem, newKeyPem: pair ? privateKeyPem(pair.privateKey) : undefined, notAfter: validity.notAfter };
}

/** What renewing this row would write; throws (naming the file) when it cannot be renewed as it is. */
export async function planRenewal(deps: RenewDeps, t: RenewalTarget): Promise<RenewalPlan> {
  if (t.source.kind === 'cert') {
    const files = certFiles(deps.paths, certSpec(t.source.cert).baseName);
    const old = await readCertFile(deps.host, files.crt);
    if (!old) return { kind: 'missing', target: t, file: files.crt };
    const ca = await loadCA(deps, t.caName, files.crt);
    if (!ca.key) return { kind: 'external-ca', target: t, file: files.crt, caFile: ca.files.crt };
    checkSignedBy(old.cert, ca.cert, files, ca.files.crt);
    const key = await readKeyFile(deps.host, files.key);
    if (!key && !deps.newKey) {
      throw new HostError('KEY_MISSING', `${files.key} does not exist, so ${files.crt} cannot be renewed with its key`, 'put the key back, or renew with --new-key to make a new one');
    }
    if (key) checkKeyMatches(old.cert, key, files);
    const r = await resign(deps, old.cert, key, { key: ca.key, cert: ca.cert }, 'leaf', files.crt);
    const writes = [{ path: files.crt, data: r.pem, mode: CERT_MODE }, ...(r.newKeyPem ? [{ path: files.key, data: r.newKeyPem, mode: KEY_MODE }] : [])];
    return { kind: 'renew', target: t, file: files.crt, writes, notAfter: r.notAfter, newKey: r.newKeyPem !== undefined };
  }
  const file = deps.paths.kubeconfig(t.source.kubeconfig);
  const text = await deps.host.readText(file);
  if (text === undefined) return { kind: 'missing', target: t, file };
  const client = await readKubeconfigClient(text, file);
  const ca = await loadCA(deps, t.caName, file);
  if (!ca.key) return { kind: 'external-ca', target: t, file, caFile: ca.files.crt };
  checkSignedBy(client.cert, ca.cert, { crt: `${file} (user ${client.userName})`, key: file }, ca.files.crt);
  if (!client.key && !deps.newKey) {
    throw new HostError('KEY_MISSING', `${file}: user ${client.userName} has no embedded client key (client-key-data)`, 'renew it with --new-key to make a new one');
  }
  if (client.key) checkKeyMatches(client.cert, client.key, { crt: `${file} (client-certificate-data)`, key: `${file} (client-key-data)` });
  const r = await resign(deps, client.cert, client.key, { key: ca.key, cert: ca.cert }, 'client', file);
  const data = await withClientCert(client, r.pem, r.newKeyPem);
  return { kind: 'renew', target: t, file, writes: [{ path: file, data, mode: KUBECONFIG_MODE }], notAfter: r.notAfter, newKey: r.newKeyPem !== undefined };
}

/** Plans every row first (any error: nothing written), then writes them. */
export async function renewAll(deps: RenewDeps, targets: readonly RenewalTarget[]): Promise<RenewalPlan[]> {
  const plans: RenewalPlan[] = [];
  for (const t of targets) plans.push(await planRenewal(deps, t));
  for (const p of plans) if (p.kind === 'renew') for (const w of p.writes) await deps.host.writeFile(w.path, w.data, w.mode);
  return plans;
}

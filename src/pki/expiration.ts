// When each certificate of the renewal table and each CA expires, read from the files on the
// node as kubeadm's `certs check-expiration` reads them: a certificate file, or the client
// certificate embedded in a kubeconfig; "externally managed" when its CA's key is not there.

import type { X509Certificate } from 'node:crypto';
import type { InitConfig } from '../config/types.js';
import { HostError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import { certFiles, notAfter, readCertFile } from './cert-files.js';
import { certSpec } from './cert-specs.js';
import { authoritiesFor, renewalTargetsFor, type RenewalTarget } from './renewals.js';
import { readKubeconfigClient } from '../kubeconfig/client-cert.js';

export interface ExpirationEntry {
  name: string;
  /** undefined when missing */
  expires?: Date;
  /** the CA that signs it (certificates only) */
  caName?: string;
  externallyManaged: boolean;
  missing: boolean;
}

export interface ExpirationReport {
  certificates: ExpirationEntry[];
  authorities: ExpirationEntry[];
}

type Deps = { host: Host; paths: Pick<Paths, 'pki' | 'pkiDir' | 'kubeconfig'>; cfg: Pick<InitConfig, 'etcd'> };

/** The cert dir must be there and readable: otherwise every row would read "missing", which is not what the user has. */
export async function checkCertDir(host: Host, dir: string): Promise<void> {
  const hint = 'point --cert-dir (or certificatesDir in --config) at the directory init wrote the certificates to (default /etc/kubernetes/pki)';
  let st;
  try {
    st = await host.stat(dir);
    if (st?.isDirectory) await host.listDir(dir);
  } catch (e) {
    throw new HostError('CERT_DIR_UNREADABLE', `the cert dir ${dir} cannot be read: ${e instanceof Error ? e.message : String(e)}`, hint, e);
  }
  if (!st) throw new HostError('CERT_DIR_MISSING', `the cert dir ${dir} does not exist`, hint);
  if (!st.isDirectory) throw new HostError('CERT_DIR_MISSING', `the cert dir ${dir} is not a directory`, hint);
}

/** The certificate a row names, or undefined when its file is not there. */
export async function targetCertificate(deps: Deps, t: RenewalTarget): Promise<X509Certificate | undefined> {
  if (t.source.kind === 'cert') return (await readCertFile(deps.host, certFiles(deps.paths, certSpec(t.source.cert).baseName).crt))?.cert;
  const file = deps.paths.kubeconfig(t.source.kubeconfig);
  const text = await deps.host.readText(file);
  return text === undefined ? undefined : (await readKubeconfigClient(text, file)).cert;
}

async function caKeyPresent(deps: Deps, caName: string): Promise<boolean> {
  return deps.host.exists(certFiles(deps.paths, certSpec(caName).baseName).key);
}

export async function expirationReport(deps: Deps): Promise<ExpirationReport> {
  const entry = (name: string, cert: X509Certificate | undefined, externallyManaged: boolean, caName?: string): ExpirationEntry =>
    cert ? { name, expires: notAfter(cert), caName, externallyManaged, missing: false } : { name, externallyManaged: false, missing: true };
  const certificates = await Promise.all(
    renewalTargetsFor(deps.cfg).map(async (t) => entry(t.name, await targetCertificate(deps, t), !(await caKeyPresent(deps, t.caName)), t.caName)),
  );
  const authorities = await Promise.all(
    authoritiesFor(deps.cfg).map(async (name) => entry(name, (await readCertFile(deps.host, certFiles(deps.paths, certSpec(name).baseName).crt))?.cert, !(await caKeyPresent(deps, name)))),
  );
  return { certificates, authorities };
}

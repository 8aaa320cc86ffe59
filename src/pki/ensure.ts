// One certificate of the table made real on the node: reused when what is on disk is valid,
// refused (a HostError naming the file) when it conflicts, issued and written otherwise.
// Never overwrites; each call writes only its own cert's files.

import type { KeyObject } from 'node:crypto';
import type { InitConfig } from '../config/types.js';
import { pkiFacts } from '../config/versions.js';
import { HostError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import { altNamesFor, type AltNames } from './alt-names.js';
import { certSpec, type CertSpec } from './cert-specs.js';
import {
  certFiles,
  checkAltNames,
  checkIsCA,
  checkKeyMatches,
  checkNotExpired,
  checkSignedBy,
  notBefore,
  readCertFile,
  readKeyFile,
  type CertFiles,
  type LoadedCert,
} from './cert-files.js';
import type { KeyPool } from './key-pool.js';
// issue.ts (and node-forge with it, ~30 ms to load) only when a certificate is made, loaded while its key is: see issuing()
import { privateKeyPem } from './keys.js';
import { caValidity, leafValidity } from './validity.js';

export const CERT_MODE = 0o644;
export const KEY_MODE = 0o600;
/** the cert dir and etcd/ in it: 0755, as reference kubeadm v1.29.15 and v1.37.2 create them */
export const CERT_DIR_MODE = 0o755;

export interface PkiDeps {
  cfg: InitConfig;
  paths: Pick<Paths, 'pki' | 'pkiDir'>;
  host: Host;
  startedAt: Date;
  keys: KeyPool;
  /** the clock for expiry checks and (1.29-1.30) signing times */
  now?: () => Date;
}

export type CertOutcome =
  | { kind: 'generated'; spec: CertSpec; files: CertFiles; altNames?: AltNames }
  | { kind: 'existing'; spec: CertSpec; files: CertFiles }
  /** a CA certificate without its key: an external CA, whose leaves must already exist */
  | { kind: 'existing-keyless-ca'; spec: CertSpec; files: CertFiles };

export interface LoadedCA extends LoadedCert {
  files: CertFiles;
  /** undefined for an external (keyless) CA */
  key?: KeyObject;
}

/** The CA of a table row as it is on disk; a HostError when it is missing or broken. */
export async function loadCA(deps: Pick<PkiDeps, 'host' | 'paths'>, caName: string, forWhat: string): Promise<LoadedCA> {
  const spec = certSpec(caName);
  const files = certFiles(deps.paths, spec.baseName);
  const loaded = await readCertFile(deps.host, files.crt);
  if (!loaded) {
    throw new HostError(
      'CA_MISSING',
      `${files.crt} does not exist, so ${forWhat} cannot be issued or checked`,
      `make the CA first ("mini-kubeadm init phase certs ${spec.name}"), or run "mini-kubeadm init phase certs all"`,
    );
  }
  checkIsCA(loaded.cert, files);
  const key = await readKeyFile(deps.host, files.key);
  if (key) checkKeyMatches(loaded.cert, key, files);
  return { ...loaded, files, key };
}

/** The cert dir (and etcd/ in it), and a missing parent of it. */
export async function makeCertDir(deps: Pick<PkiDeps, 'host' | 'paths'>, dir: string = deps.paths.pkiDir): Promise<void> {
  const parent = deps.paths.pkiDir.slice(0, deps.paths.pkiDir.lastIndexOf('/')) || '/';
  if (!(await deps.host.exists(parent))) await deps.host.mkdir(parent, 0o755);
  await deps.host.mkdir(deps.paths.pkiDir, CERT_DIR_MODE);
  if (dir !== deps.paths.pkiDir) await deps.host.mkdir(dir, CERT_DIR_MODE);
}

async function makeDirFor(deps: PkiDeps, files: CertFiles): Promise<void> {
  await makeCertDir(deps, files.crt.slice(0, files.crt.lastIndexOf('/')));
}

async function writePair(deps: PkiDeps, files: CertFiles, certPem: string, key: KeyObject): Promise<void> {
  await makeDirFor(deps, files);
  await deps.host.writeFile(files.key, privateKeyPem(key), KEY_MODE);
  await deps.host.writeFile(files.crt, certPem, CERT_MODE);
}

function incomplete(files: CertFiles, present: string, absent: string): HostError {
  return new HostError(
    'CERT_INCOMPLETE',
    `${present} exists but ${absent} does not`,
    `put back ${absent}, or delete ${present} so the pair is made anew (or run "mini-kubeadm reset")`,
  );
}

/** The certificate builder, loaded on first use: a run that only reuses certificates never loads node-forge, and one that makes them loads it while the key is made. */
export const issuing = (): Promise<typeof import('./issue.js')> => import('./issue.js');

export async function ensureCertificate(deps: PkiDeps, spec: CertSpec): Promise<CertOutcome> {
  return spec.isCA ? ensureCA(deps, spec) : ensureLeaf(deps, spec);
}

async function ensureCA(deps: PkiDeps, spec: CertSpec): Promise<CertOutcome> {
  const now = deps.now?.() ?? new Date();
  const files = certFiles(deps.paths, spec.baseName);
  const existing = await readCertFile(deps.host, files.crt);
  const key = await readKeyFile(deps.host, files.key);
  if (existing) {
    checkIsCA(existing.cert, files);
    checkNotExpired(existing.cert, files, now);
    if (!key) return { kind: 'existing-keyless-ca', spec, files };
    checkKeyMatches(existing.cert, key, files);
    return { kind: 'existing', spec, files };
  }
  if (key) throw incomplete(files, files.key, files.crt);

  const [pair, { issueCertificate }] = await Promise.all([deps.keys.take(spec.name, deps.cfg.encryptionAlgorithm), issuing()]);
  const cn = spec.commonName(deps.cfg);
  const pem = issueCertificate(
    {
      commonName: cn,
      organizations: spec.organizations(deps.cfg),
      isCA: true,
      usages: spec.usages,
      dns: [cn],
      ips: [],
      ...caValidity(deps.cfg, deps.startedAt, now),
      subjectKeyIdHash: pkiFacts(deps.cfg.kubernetesVersion).subjectKeyIdHash,
    },
    pair.publicKey,
    { key: pair.privateKey },
  );
  await writePair(deps, files, pem, pair.privateKey);
  return { kind: 'generated', spec, files };
}

async function ensureLeaf(deps: PkiDeps, spec: CertSpec): Promise<CertOutcome> {
  const now = deps.now?.() ?? new Date();
  const files = certFiles(deps.paths, spec.baseName);
  const ca = await loadCA(deps, spec.signer!, files.crt);
  checkNotExpired(ca.cert, ca.files, now);
  const altNames = spec.altNames && altNamesFor(spec.altNames, deps.cfg);

  const existing = await readCertFile(deps.host, files.crt);
  const key = await readKeyFile(deps.host, files.key);
  if (existing && key) {
    checkKeyMatches(existing.cert, key, files);
    checkSignedBy(existing.cert, ca.cert, files, ca.files.crt);
    checkNotExpired(existing.cert, files, now);
    if (altNames) checkAltNames(existing.cert, altNames, files);
    return { kind: 'existing', spec, files };
  }
  if (existing) throw incomplete(files, files.crt, files.key);
  if (key) throw incomplete(files, files.key, files.crt);
  if (!ca.key) {
    throw new HostError(
      'EXTERNAL_CA_MISSING_CERT',
      `${files.crt} does not exist and cannot be issued: ${ca.files.crt} has no ${ca.files.key} (external CA mode)`,
      `have your CA issue ${files.crt} and ${files.key} (CN ${spec.commonName(deps.cfg)}) and put them in place, or provide ${ca.files.key}`,
    );
  }

  const [pair, { issueCertificate }] = await Promise.all([deps.keys.take(spec.name, deps.cfg.encryptionAlgorithm), issuing()]);
  const pem = issueCertificate(
    {
      commonName: spec.commonName(deps.cfg),
      organizations: spec.organizations(deps.cfg),
      isCA: false,
      usages: spec.usages,
      dns: altNames?.dns ?? [],
      ips: altNames?.ips ?? [],
      ...leafValidity(deps.cfg, deps.startedAt, notBefore(ca.cert), now),
      subjectKeyIdHash: pkiFacts(deps.cfg.kubernetesVersion).subjectKeyIdHash,
    },
    pair.publicKey,
    { key: ca.key, certDer: ca.cert.raw },
  );
  await writePair(deps, files, pem, pair.privateKey);
  return { kind: 'generated', spec, files, altNames };
}

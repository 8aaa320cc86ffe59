// upload-certs: the control plane's shared keys (CAs, front-proxy CA, etcd CA, SA pair)
// encrypted with the certificate key (AES-GCM, nonce prepended, as kubeadm's EncryptBytes)
// in Secret kube-system/kubeadm-certs, owned by a 2h bootstrap token so it expires with it.

import { createCipheriv, createDecipheriv, randomBytes, type CipherGCMTypes } from 'node:crypto';
import type { InitConfig } from '../../config/types.js';
import { UserError } from '../../errors.js';
import { PROFILES, profileOfCluster } from '../../profiles/profiles.js';
import type { KubeObject } from '../client.js';
import { BOOTSTRAPPERS, getNamed, group, role, roleBinding } from './rbac.js';

/** kubeadm's DefaultCertTokenDuration */
export const CERT_TOKEN_TTL_MS = 2 * 3_600_000;
export const CERT_TOKEN_DESCRIPTION = 'Proxy for managing TTL for the kubeadm-certs secret';

export function newCertificateKey(): string {
  return randomBytes(32).toString('hex');
}

export function parseCertificateKey(hex: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new UserError('CERTIFICATE_KEY_INVALID', 'the certificate key must be 64 hex digits (32 bytes, AES-256)', 'leave --certificate-key out to have one generated, or make one with "kubeadm certs certificate-key"');
  }
  return Buffer.from(hex, 'hex');
}

const gcm = (key: Buffer) => `aes-${key.length * 8}-gcm` as CipherGCMTypes;

/** nonce (12 bytes) || ciphertext || tag (16 bytes): Go's gcm.Seal(nonce, nonce, data, nil) */
export function encryptBytes(data: Buffer, key: Buffer): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv(gcm(key), key, nonce);
  return Buffer.concat([nonce, c.update(data), c.final(), c.getAuthTag()]);
}

export function decryptBytes(sealed: Buffer, key: Buffer): Buffer {
  const d = createDecipheriv(gcm(key), key, sealed.subarray(0, 12));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
}

/** Secret key -> file, as kubeadm's certsToTransfer ("etcd/ca.crt" becomes "etcd-ca.crt") */
export function certsToTransfer(cfg: Pick<InitConfig, 'certificatesDir' | 'etcd'>): Record<string, string> {
  const dir = cfg.certificatesDir;
  const files: Record<string, string> = {};
  for (const rel of ['ca.crt', 'ca.key', 'front-proxy-ca.crt', 'front-proxy-ca.key', 'sa.pub', 'sa.key']) files[rel] = `${dir}/${rel}`;
  if (cfg.etcd.external) {
    files['external-etcd-ca.crt'] = cfg.etcd.external.caFile;
    files['external-etcd.crt'] = cfg.etcd.external.certFile;
    files['external-etcd.key'] = cfg.etcd.external.keyFile;
  } else {
    files['etcd-ca.crt'] = `${dir}/etcd/ca.crt`;
    files['etcd-ca.key'] = `${dir}/etcd/ca.key`;
  }
  return files;
}

/** a security profile's file in the Secret: mini-kubeadm's own entries, which kubeadm's download ignores */
const PROFILE_ENTRY = 'profile-';

/**
 * The files of the cluster's security profile (`init --profile`) that every API server reads
 * (the encryption key above all: each control plane must hold the same one): Secret key -> file
 * and mode. None without a profile.
 */
export function profileFilesToTransfer(cfg: Pick<InitConfig, 'profile' | 'apiServer'>): Record<string, { file: string; mode: number }> {
  return entriesOf(profileOfCluster(cfg)?.files ?? []);
}

/** every profile's files as Secret entries: an upload takes those this node has (`init phase upload-certs` is not told the profile) */
export function anyProfileFiles(): Record<string, { file: string; mode: number }> {
  return entriesOf(PROFILES.flatMap((p) => p.files));
}

function entriesOf(files: readonly { path: string; mode: number }[]): Record<string, { file: string; mode: number }> {
  const out: Record<string, { file: string; mode: number }> = {};
  for (const f of files) out[`${PROFILE_ENTRY}${f.path.split('/').pop()!}`] = { file: f.path, mode: f.mode };
  return out;
}

/** a missing file is uploaded empty, as kubeadm does (e.g. ca.key with an external CA) */
export function kubeadmCertsSecret(contents: Record<string, Buffer | undefined>, key: Buffer, owner: { name: string; uid: string }): KubeObject {
  const data: Record<string, string> = {};
  for (const [name, content] of Object.entries(contents)) data[name] = content ? encryptBytes(content, key).toString('base64') : '';
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'kubeadm-certs',
      namespace: 'kube-system',
      ownerReferences: [{ apiVersion: 'v1', kind: 'Secret', name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }],
    },
    type: 'Opaque',
    data,
  };
}

export function kubeadmCertsRbac(): KubeObject[] {
  return [
    role('kube-system', 'kubeadm:kubeadm-certs', [getNamed('secrets', 'kubeadm-certs')]),
    roleBinding('kube-system', 'kubeadm:kubeadm-certs', 'kubeadm:kubeadm-certs', [group(BOOTSTRAPPERS)]),
  ];
}

/** what the join writes from the Secret: the file, its bytes, and kubeadm's mode for them */
export interface DownloadedFile {
  file: string;
  content: Buffer;
  /** 0600 for a private key, 0644 for a certificate or a public key (so sa.pub is 0644 here) */
  mode: number;
}

export const KUBEADM_CERTS_REF = { apiVersion: 'v1', kind: 'Secret', name: 'kubeadm-certs', namespace: 'kube-system' } as const;

const UPLOAD_HINT = 'on a control plane, upload them again and use the key it prints: mini-kubeadm init phase upload-certs --upload-certs';

/** PEM of a private key, or of a certificate or public key, as kubeadm tells them apart (no other data is written) */
async function modeOf(content: Buffer): Promise<number | undefined> {
  const { createPrivateKey, createPublicKey, X509Certificate } = await import('node:crypto');
  const tries: [() => unknown, number][] = [
    [() => createPrivateKey(content), 0o600],
    [() => new X509Certificate(content), 0o644],
    [() => createPublicKey(content), 0o644],
  ];
  for (const [parse, mode] of tries) {
    try {
      parse();
      return mode;
    } catch {
      // not this kind
    }
  }
  return undefined;
}

/**
 * The shared control-plane files out of Secret kubeadm-certs (kubeadm's DownloadCerts, §4.2):
 * every value decrypted before anything is returned (a wrong key writes nothing), each expected
 * key present, empty values skipped (e.g. ca.key with an external CA), unknown data refused; and
 * the files of the cluster's security profile when the Secret carries them.
 */
export async function downloadedCerts(secret: KubeObject | undefined, cfg: Pick<InitConfig, 'certificatesDir' | 'etcd' | 'profile' | 'apiServer'>, keyHex: string): Promise<DownloadedFile[]> {
  if (!secret) {
    throw new UserError('KUBEADM_CERTS_NOT_FOUND', 'Secret "kubeadm-certs" was not found in the "kube-system" Namespace. This Secret might have expired. Please, run `mini-kubeadm init phase upload-certs --upload-certs` on a control plane to generate a new one', UPLOAD_HINT);
  }
  const key = parseCertificateKey(keyHex);
  const data = (secret.data ?? {}) as Record<string, string>;
  const plain = new Map<string, Buffer>();
  for (const [name, value] of Object.entries(data)) {
    const sealed = Buffer.from(value, 'base64');
    if (sealed.length === 0) continue;
    try {
      plain.set(name, decryptBytes(sealed, key));
    } catch {
      // GCM's authentication fails for any other key: Go says "cipher: message authentication failed"
      const why = sealed.length < 28 ? 'ciphertext too short' : 'cipher: message authentication failed';
      throw new UserError('CERTIFICATE_KEY_WRONG', `error decoding secret data with provided key: ${why} (entry ${name} of Secret kube-system/kubeadm-certs; nothing was written)`, `check --certificate-key: it must be the key printed by the upload that made this Secret; else ${UPLOAD_HINT}`);
    }
  }
  const out: DownloadedFile[] = [];
  for (const [name, file] of Object.entries(certsToTransfer(cfg))) {
    if (!(name in data)) throw new UserError('KUBEADM_CERTS_INCOMPLETE', `the Secret does not include the required certificate or key - name: ${name}, path: ${file}`, UPLOAD_HINT);
    const content = plain.get(name);
    if (!content) continue;
    const mode = await modeOf(content);
    if (mode === undefined) throw new UserError('KUBEADM_CERTS_UNKNOWN_DATA', `unknown data found in Secret entry "${name}"`, UPLOAD_HINT);
    out.push({ file, content, mode });
  }
  // the profile's files, when the Secret has them (an upload by mini-kubeadm); the join checks
  // that the node has them either way (control-plane-prepare)
  for (const [name, { file, mode }] of Object.entries(profileFilesToTransfer(cfg))) {
    const content = plain.get(name);
    if (content) out.push({ file, content, mode });
  }
  return out;
}

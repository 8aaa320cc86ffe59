// The client certificate and key embedded in a kubeconfig's current user, read and replaced in
// place (`certs check-expiration` and `certs renew`): the server, the CA, the context and the
// user's name stay as they are in the file.

import { X509Certificate, type KeyObject } from 'node:crypto';
import { HostError } from '../errors.js';
import { parsePrivateKey } from '../pki/keys.js';
import { dumpKubeconfig } from './render.js';

type Entry = { name?: string; user?: Record<string, unknown>; context?: { user?: string } };

export interface KubeconfigClient {
  /** the parsed document, to be written back with a new certificate */
  doc: Record<string, unknown>;
  /** the current context's user entry in doc */
  user: Record<string, unknown>;
  userName: string;
  cert: X509Certificate;
  key?: KeyObject;
}

/** The current context's user and its embedded client certificate; a HostError naming the file when there is none. */
export async function readKubeconfigClient(text: string, file: string): Promise<KubeconfigClient> {
  const yaml = await import('js-yaml');
  const fail = (what: string) =>
    new HostError('KUBECONFIG_NO_CLIENT_CERT', `${file}: ${what}`, `this is not a kubeconfig "mini-kubeadm init" wrote; delete it and run "mini-kubeadm init phase kubeconfig" to make it anew`);
  let doc: unknown;
  try {
    doc = yaml.load(text);
  } catch (e) {
    throw fail(`not YAML (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  if (typeof doc !== 'object' || doc === null) throw fail('not a kubeconfig');
  const d = doc as Record<string, unknown>;
  const list = (k: string): Entry[] => (Array.isArray(d[k]) ? (d[k] as Entry[]) : []);
  const userName = list('contexts').find((c) => c.name === d['current-context'])?.context?.user;
  const user = list('users').find((u) => u.name === userName)?.user;
  if (userName === undefined || !user) throw fail('its current context names no user');
  const certData = user['client-certificate-data'];
  if (typeof certData !== 'string') throw fail(`user ${userName} has no embedded client certificate (client-certificate-data)`);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(certData, 'base64'));
  } catch {
    throw fail(`user ${userName}'s client-certificate-data is not a certificate`);
  }
  const keyData = user['client-key-data'];
  const key = typeof keyData === 'string' ? parsePrivateKey(Buffer.from(keyData, 'base64')) : undefined;
  return { doc: d, user, userName, cert, key };
}

/** The same kubeconfig with this user's client certificate replaced (and its key, when a new one is given). */
export async function withClientCert(c: KubeconfigClient, certPem: string, keyPem?: string): Promise<string> {
  c.user['client-certificate-data'] = Buffer.from(certPem).toString('base64');
  if (keyPem !== undefined) c.user['client-key-data'] = Buffer.from(keyPem).toString('base64');
  return dumpKubeconfig(c.doc);
}

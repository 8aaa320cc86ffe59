// One kubeconfig file of the table made real: reused when it trusts our CA and points at the
// expected server, refused (naming the file) when it does not, otherwise written 0600 with an
// embedded CA and a fresh client cert signed by ca.key.

import { X509Certificate } from 'node:crypto';
import type { InitConfig } from '../config/types.js';
import { HostError } from '../errors.js';
import type { Host } from '../host/host.js';
import type { Paths } from '../host/paths.js';
import { notBefore } from '../pki/cert-files.js';
import { issuing, loadCA, type LoadedCA } from '../pki/ensure.js';
import type { KeyPool } from '../pki/key-pool.js';
import { privateKeyPem } from '../pki/keys.js';
import { clientCertValidity } from '../pki/validity.js';
import { readKubeconfig, renderKubeconfig } from './render.js';
import type { KubeconfigSpec, ServerKind } from './specs.js';
import { controlPlaneUrl, localApiServerUrl } from '../pki/api-endpoint.js';
import { kubeletConfUsesLocalEndpoint, pkiFacts } from '../config/versions.js';

export const KUBECONFIG_MODE = 0o600;

export interface KubeconfigDeps {
  cfg: InitConfig;
  paths: Pick<Paths, 'pki' | 'pkiDir' | 'kubeconfig'>;
  host: Host;
  startedAt: Date;
  keys: KeyPool;
  now?: () => Date;
}

export type KubeconfigOutcome =
  | { kind: 'generated'; spec: KubeconfigSpec; file: string; server: string }
  | { kind: 'existing'; spec: KubeconfigSpec; file: string; server: string }
  /** external CA mode: the user provided it and it checked out */
  | { kind: 'existing-external-ca'; spec: KubeconfigSpec; file: string; server: string };

/** The URL a kubeconfig's cluster entry gets. */
export function serverUrl(kind: ServerKind, cfg: InitConfig): string {
  switch (kind) {
    case 'control-plane':
      return controlPlaneUrl(cfg);
    case 'local':
      return localApiServerUrl(cfg);
    case 'kubelet':
      return kubeletConfUsesLocalEndpoint(cfg.kubernetesVersion, cfg.featureGates) ? localApiServerUrl(cfg) : controlPlaneUrl(cfg);
  }
}

/** the key pool id of a kubeconfig's client key (distinct from the certs' ids) */
export const keyId = (spec: Pick<KubeconfigSpec, 'name'>) => `kubeconfig/${spec.name}`;

export async function ensureKubeconfig(deps: KubeconfigDeps, spec: KubeconfigSpec): Promise<KubeconfigOutcome> {
  const file = deps.paths.kubeconfig(spec.name);
  const ca = await loadCA(deps, 'ca', file);
  const server = serverUrl(spec.server, deps.cfg);
  const text = await deps.host.readText(file);
  if (text !== undefined) {
    await checkExisting(deps.host, file, text, ca, server);
    return { kind: ca.key ? 'existing' : 'existing-external-ca', spec, file, server };
  }
  if (!ca.key) {
    throw new HostError(
      'EXTERNAL_CA_MISSING_KUBECONFIG',
      `${file} does not exist and cannot be made: ${ca.files.crt} has no ${ca.files.key} (external CA mode)`,
      `provide ${file} with a client certificate signed by your CA (user ${spec.user(deps.cfg)}, server ${server}), or provide ${ca.files.key}`,
    );
  }

  const [pair, { issueCertificate }] = await Promise.all([deps.keys.take(keyId(spec), deps.cfg.encryptionAlgorithm), issuing()]);
  const user = spec.user(deps.cfg);
  const certPem = issueCertificate(
    {
      commonName: user,
      organizations: spec.organizations(deps.cfg),
      isCA: false,
      usages: ['clientAuth'],
      dns: [],
      ips: [],
      ...clientCertValidity(deps.cfg, deps.startedAt, notBefore(ca.cert), deps.now?.() ?? new Date()),
      subjectKeyIdHash: pkiFacts(deps.cfg.kubernetesVersion).subjectKeyIdHash,
    },
    pair.publicKey,
    { key: ca.key, certDer: ca.cert.raw },
  );
  const yaml = await renderKubeconfig({
    clusterName: deps.cfg.clusterName,
    server,
    caPem: ca.pem,
    user,
    clientCertPem: certPem,
    clientKeyPem: privateKeyPem(pair.privateKey),
    preferences: pkiFacts(deps.cfg.kubernetesVersion).kubeconfigPreferences,
  });
  await deps.host.writeFile(file, yaml, KUBECONFIG_MODE);
  return { kind: 'generated', spec, file, server };
}

async function checkExisting(host: Host, file: string, text: string, ca: LoadedCA, server: string): Promise<void> {
  const redo = `delete ${file} so it is made anew (or run "mini-kubeadm reset")`;
  const view = await readKubeconfig(text);
  if (!view) {
    throw new HostError('KUBECONFIG_UNREADABLE', `${file} exists but is not a kubeconfig whose current context names a cluster`, redo);
  }
  const caText = view.caData ?? (view.caFile?.startsWith('/') ? await host.readText(view.caFile) : undefined);
  let theirCa: X509Certificate | undefined;
  try {
    theirCa = caText === undefined ? undefined : new X509Certificate(caText);
  } catch {
    theirCa = undefined;
  }
  if (!theirCa || !theirCa.raw.equals(ca.cert.raw)) {
    throw new HostError('KUBECONFIG_WRONG_CA', `${file} exists but does not trust the CA in ${ca.files.crt}`, `it belongs to another cluster: ${redo}`);
  }
  if (view.server !== server) {
    throw new HostError(
      'KUBECONFIG_WRONG_SERVER',
      `${file} exists but points at ${view.server ?? '(no server)'}, not ${server}`,
      `${redo}; or change the configuration (control-plane endpoint, advertise address, bind port) back`,
    );
  }
  if (view.clientCertData !== undefined) {
    let client: X509Certificate | undefined;
    try {
      client = new X509Certificate(view.clientCertData);
    } catch {
      client = undefined;
    }
    if (!client || !client.checkIssued(ca.cert) || !client.verify(ca.cert.publicKey)) {
      throw new HostError('KUBECONFIG_WRONG_CLIENT_CERT', `${file} holds a client certificate not signed by the CA in ${ca.files.crt}`, redo);
    }
  }
}

/**
 * Start the client keys of every kubeconfig not yet on disk, when ca.key is there to sign them;
 * `caComing`: also when neither ca.crt nor ca.key is there yet (the certs phase of the same run
 * makes them).
 */
export async function prefetchKubeconfigKeys(
  deps: Pick<KubeconfigDeps, 'cfg' | 'paths' | 'host' | 'keys'>,
  specs: readonly KubeconfigSpec[],
  caComing = false,
): Promise<void> {
  const ids = await kubeconfigKeyIds(deps, specs, caComing);
  if (ids.length) deps.keys.prefetch(ids, deps.cfg.encryptionAlgorithm);
}

/** The client keys the kubeconfig phase will make for these specs: files not on disk, signed by a CA whose key is there (or, caComing, made first). */
export async function kubeconfigKeyIds(deps: Pick<KubeconfigDeps, 'paths' | 'host'>, specs: readonly KubeconfigSpec[], caComing = false): Promise<string[]> {
  const exists = (p: string) => deps.host.exists(p);
  const [caKey, caCrt, ...confs] = await Promise.all([exists(deps.paths.pki('ca.key')), exists(deps.paths.pki('ca.crt')), ...specs.map((s) => exists(deps.paths.kubeconfig(s.name)))]);
  if (!caKey && !(caComing && !caCrt)) return [];
  return specs.filter((_, i) => !confs[i]).map(keyId);
}

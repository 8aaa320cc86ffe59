// Shared by the certs and kubeconfig host tests: runs init phases on a RealHost in a temp
// dir (or a dry run over one) and asks openssl about the results.

import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import type { TestContext } from 'node:test';
import type { InitConfig, RunOptions } from '../../src/config/types.js';
import { DryRunHost } from '../../src/host/dry-run-host.js';
import type { Host } from '../../src/host/host.js';
import { nodePaths, type Paths } from '../../src/host/paths.js';
import type { RealHost } from '../../src/host/real-host.js';
import type { InitContext } from '../../src/phases/context.js';
import { initPhases } from '../../src/phases/init/index.js';
import { MemoryReporter } from '../../src/report/memory.js';
import { runPhases, selectPhases } from '../../src/workflow/runner.js';
import { testConfig, testRunOptions } from '../helpers/test-config.js';
import { tmpHost } from '../helpers/tmp-host.js';

export interface Node {
  real: RealHost;
  /** the real file behind a node path */
  file(p: string): string;
}

export function newNode(t: TestContext): Node {
  const real = tmpHost(t);
  return { real, file: (p) => real.resolve(p) };
}

export interface PhaseRun {
  report: MemoryReporter;
  host: Host;
  paths: Paths;
  cfg: InitConfig;
  opts: RunOptions;
}

/** Run the named phases (e.g. ['certs'], ['certs/ca', 'kubeconfig']) on this node. */
export async function runInitPhases(
  node: Node,
  targets: string[],
  opts: { cfg?: (c: InitConfig) => void; run?: Partial<RunOptions>; dryRun?: boolean; state?: Map<string, unknown> } = {},
): Promise<PhaseRun> {
  const cfg = testConfig(opts.cfg);
  const run = testRunOptions(opts.run);
  const paths = nodePaths({ certificatesDir: cfg.certificatesDir, kubeconfigDir: run.kubeconfigDir, etcdDataDir: cfg.etcd.local?.dataDir });
  const host: Host = opts.dryRun ? new DryRunHost(node.real) : node.real;
  const report = new MemoryReporter();
  const ctx: InitContext = {
    cfg,
    opts: run,
    paths,
    host,
    report,
    flags: {},
    state: opts.state ?? new Map(),
    kube: async () => {
      throw new Error('no API server in host tests');
    },
  };
  const selected = targets.flatMap((t) => selectPhases(initPhases, t, []));
  await runPhases(ctx, selected, report);
  return { report, host, paths, cfg, opts: run };
}

export function openssl(args: string[], input?: string): string {
  return execFileSync('openssl', args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** openssl's exit status and output, for checks that are expected to fail */
export function opensslStatus(args: string[]): { status: number; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

export function certDates(certFile: string): { notBefore: Date; notAfter: Date } {
  const out = openssl(['x509', '-in', certFile, '-noout', '-startdate', '-enddate']);
  const get = (k: string) => new Date(new RegExp(`${k}=(.*)`).exec(out)![1]!);
  return { notBefore: get('notBefore'), notAfter: get('notAfter') };
}

/** the public key of a private key, as openssl prints it */
export function keyPublicKey(keyFile: string): string {
  return openssl(['pkey', '-in', keyFile, '-pubout']);
}

export function verifyChain(caFile: string, certFile: string): { ok: boolean; out: string } {
  const r = opensslStatus(['verify', '-CAfile', caFile, certFile]);
  return { ok: r.status === 0 && /: OK/.test(r.out), out: r.out };
}

export function mode(file: string): number {
  return statSync(file).mode & 0o777;
}

export function pemType(file: string): string {
  return /-----BEGIN ([A-Z ]+)-----/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
}

export interface CertFacts {
  subject: string;
  issuer: string;
  /** "critical: Digital Signature, Key Encipherment" */
  keyUsage?: string;
  extKeyUsage?: string;
  basicConstraints?: string;
  /** openssl's SAN list: "DNS:a, IP Address:1.2.3.4" */
  san?: string;
  subjectKeyId?: string;
  authorityKeyId?: string;
  notBefore: Date;
  notAfter: Date;
  /** PEM of the public key */
  publicKey: string;
  /** openssl x509 -text */
  text: string;
}

/** What openssl reads from a certificate (one process): names in RFC 2253 form, dates, the extensions kubeadm sets, the key. */
export function certFacts(certFile: string): CertFacts {
  const out = openssl(['x509', '-in', certFile, '-noout', '-subject', '-issuer', '-nameopt', 'RFC2253', '-startdate', '-enddate', '-ext', 'keyUsage,extendedKeyUsage,basicConstraints,subjectAltName,subjectKeyIdentifier,authorityKeyIdentifier', '-pubkey', '-text']);
  const head = out.slice(0, out.indexOf('Certificate:'));
  const lines = head.split('\n');
  const ext = (title: string): string | undefined => {
    const i = lines.findIndex((l) => l.startsWith(`X509v3 ${title}:`));
    if (i < 0) return undefined;
    const critical = lines[i]!.includes('critical');
    return `${critical ? 'critical: ' : ''}${lines[i + 1]!.trim()}`;
  };
  const field = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(head)?.[1] ?? '';
  return {
    subject: field('subject'),
    issuer: field('issuer'),
    keyUsage: ext('Key Usage'),
    extKeyUsage: ext('Extended Key Usage'),
    basicConstraints: ext('Basic Constraints'),
    san: ext('Subject Alternative Name'),
    subjectKeyId: ext('Subject Key Identifier'),
    authorityKeyId: ext('Authority Key Identifier')?.replace(/^keyid:/, ''),
    notBefore: new Date(field('notBefore')),
    notAfter: new Date(field('notAfter')),
    publicKey: /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----\n/.exec(head)?.[0] ?? '',
    text: out.slice(out.indexOf('Certificate:')),
  };
}

/** openssl verify of several certs against one CA file, in one process */
export function verifyAll(caFile: string, certFiles: string[]): { ok: boolean; out: string } {
  const r = opensslStatus(['verify', '-CAfile', caFile, ...certFiles]);
  return { ok: r.status === 0 && certFiles.every((f) => r.out.includes(`${f}: OK`)), out: r.out };
}

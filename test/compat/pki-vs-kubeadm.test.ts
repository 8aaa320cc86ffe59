// Our certificates and kubeconfigs against the REAL kubeadm of the same version: kubeadm runs
// `init phase certs all` and `init phase kubeconfig all` with a config file in one temp root
// (--rootfs), mini-kubeadm the same commands with the same file in another, and what openssl and
// kubectl say of both trees is compared: file modes, each certificate's names, SANs, key usages,
// basic constraints, critical flags, key type and size, validity length and key identifiers,
// each key's type, and each kubeconfig's cluster, server, context, user and client certificate.
// Key material, serials and exact dates differ by nature and are not compared. Every other
// difference must be on the allow-list (pki-allowed-differences.ts; docs/differences.md
// "Certificates and kubeconfigs"). Needs root (kubeadm's chroot) and build-kubeadm.sh's builds.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { InitConfig } from '../../src/config/types.js';
import { runCli } from '../helpers/run-cli.js';
import { allowedReason } from './allowed-differences.js';
import { CONFIG_API, CONFIG_FILE, VERSIONS, configFor, kubeadmBinary, kubeadmConfig, nodeRoot, type RefVersion } from './kubeadm-reference.js';
import { PKI_ALLOWED } from './pki-allowed-differences.js';
import { keyText, x509Text, type X509Text } from './x509-text.js';

const PHASES = [['certs', 'all'], ['kubeconfig', 'all']] as const;
const DAY = 24 * 3600_000;

interface PkiCase {
  name: string;
  /** the versions whose config API can say it; all when absent */
  versions?: readonly RefVersion[];
  edit(cfg: InitConfig): void;
}

const CASES: readonly PkiCase[] = [
  { name: 'defaults', edit: () => {} },
  {
    name: 'SANs, endpoint, node and cluster name, cert dir, service range, DNS domain',
    edit: (cfg) => {
      cfg.apiServer.certSANs = ['api.lab.internal', '10.9.9.9', '*.apps.lab.internal'];
      cfg.controlPlaneEndpoint = 'cp.lab.internal:7443';
      cfg.localAPIEndpoint = { advertiseAddress: '192.168.56.10', bindPort: 8443 };
      cfg.nodeRegistration.name = 'cp-1';
      cfg.clusterName = 'lab';
      cfg.certificatesDir = '/etc/k8s/pki';
      cfg.networking.serviceSubnet = '10.100.0.0/16';
      cfg.networking.dnsDomain = 'lab.internal';
      cfg.etcd.local!.serverCertSANs = ['etcd.lab.internal', '10.8.8.8'];
      cfg.etcd.local!.peerCertSANs = ['peer.lab.internal', '10.7.7.7'];
    },
  },
  {
    name: 'IPv6 advertise address, service and pod ranges',
    edit: (cfg) => {
      cfg.localAPIEndpoint = { advertiseAddress: 'fd00:10::2', bindPort: 6443 };
      cfg.networking.serviceSubnet = 'fd00:96::/112';
      cfg.networking.podSubnet = 'fd00:244::/56';
    },
  },
  {
    name: 'ECDSA-P256 keys, validity periods',
    versions: ['v1.37.2'],
    edit: (cfg) => {
      cfg.encryptionAlgorithm = 'ECDSA-P256';
      cfg.certificateValidityPeriodMs = 30 * DAY;
      cfg.caCertificateValidityPeriodMs = 5 * 365 * DAY;
    },
  },
];

/**
 * The per-minor validity arithmetic: how far two runs' validity lengths (notAfter - notBefore)
 * may differ for the same input. 'exact': both are fixed by the input (1.31+ date CAs and certs
 * from the run's start, backdated 5 minutes; 1.29 dates a CA from its own signing, backdated).
 * 'elapsed': notBefore comes from the CA and notAfter from the signing (1.29 leaves; every
 * kubeconfig client cert), so the length grows with the seconds between the two: up to the run.
 */
const VALIDITY: Record<RefVersion, { ca: 'exact'; leaf: 'exact' | 'elapsed'; client: 'elapsed' }> = {
  'v1.37.2': { ca: 'exact', leaf: 'exact', client: 'elapsed' },
  'v1.29.15': { ca: 'exact', leaf: 'elapsed', client: 'elapsed' },
};

interface Tree {
  /** fact name -> value, e.g. "etc/kubernetes/pki/ca.crt subject" -> "CN = kubernetes" */
  facts: Map<string, string>;
  /** validity lengths in seconds, by certificate, and whether the length is fixed by the input */
  validity: Map<string, { seconds: number; kind: 'ca' | 'leaf' | 'client' }>;
  /** how long the two phases took, ms (the 'elapsed' slack) */
  elapsedMs: number;
}

function walk(root: string, dir = ''): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    return e.isDirectory() ? [rel, ...walk(root, rel)] : [rel];
  });
}

const mode = (p: string) => `${statSync(p).isDirectory() ? 'dir' : 'file'} ${(statSync(p).mode & 0o777).toString(8).padStart(4, '0')}`;

/** The facts of one certificate; its CA (by subject) in the same tree, for the key identifiers. */
function certFacts(tree: Tree, name: string, cert: X509Text, kind: 'ca' | 'leaf' | 'client', caOf: (issuer: string) => X509Text | undefined): void {
  const put = (k: string, v: string) => tree.facts.set(`${name} ${k}`, v);
  put('subject', cert.subject);
  put('issuer', cert.issuer);
  put('signature algorithm', cert.signatureAlgorithm);
  put('key', cert.key);
  for (const [ext, v] of Object.entries(cert.extensions)) put(ext, v);
  put('subject key id', cert.subjectKeyIdMethod);
  const ca = caOf(cert.issuer);
  put('authority key id', cert.authorityKeyId === undefined ? 'none' : cert.authorityKeyId === ca?.subjectKeyId ? "the issuer's subject key id" : 'another id');
  tree.validity.set(name, { seconds: (cert.notAfter.getTime() - cert.notBefore.getTime()) / 1000, kind });
}

interface KubectlView {
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data'?: string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context': string;
  users: { name: string; user: { 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
}

async function readTree(root: string, cfg: InitConfig, elapsedMs: number): Promise<Tree> {
  const tree: Tree = { facts: new Map(), validity: new Map(), elapsedMs };
  const files = walk(root).sort();
  const read = (f: string) => readFileSync(path.join(root, f), 'utf8');
  for (const f of files) tree.facts.set(`${f} mode`, mode(path.join(root, f)));
  const crts = files.filter((f) => f.endsWith('.crt'));
  const certs = new Map(await Promise.all(crts.map(async (f) => [f, await x509Text(read(f))] as const)));
  const caOf = (issuer: string) => [...certs.values()].find((c) => c.subject === issuer && c.extensions['X509v3 Basic Constraints']?.includes('CA:TRUE'));
  for (const [f, c] of certs) certFacts(tree, f, c, c.subject === c.issuer ? 'ca' : 'leaf', caOf);
  const keys = files.filter((f) => f.endsWith('.key') || f.endsWith('.pub'));
  for (const [f, text] of await Promise.all(keys.map(async (f) => [f, await keyText(read(f))] as const))) tree.facts.set(`${f} key`, text);

  const caPem = read(path.posix.join(cfg.certificatesDir.slice(1), 'ca.crt'));
  const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString();
  const confs = files.filter((f) => f.endsWith('.conf'));
  await Promise.all(confs.map(async (f) => {
    const raw = yaml.load(read(f)) as Record<string, unknown>;
    tree.facts.set(`${f} top-level fields`, Object.keys(raw).sort().join(' '));
    const view = JSON.parse(await kubectlView(path.join(root, f))) as KubectlView;
    tree.facts.set(`${f} current-context`, view['current-context']);
    tree.facts.set(`${f} contexts`, JSON.stringify(view.contexts));
    for (const c of view.clusters) {
      tree.facts.set(`${f} cluster ${c.name} server`, c.cluster.server);
      tree.facts.set(`${f} cluster ${c.name} CA`, b64(c.cluster['certificate-authority-data']) === caPem ? "the cert dir's ca.crt" : 'another CA');
    }
    for (const u of view.users) {
      certFacts(tree, `${f} user ${u.name} client cert`, await x509Text(b64(u.user['client-certificate-data'])), 'client', caOf);
      tree.facts.set(`${f} user ${u.name} client key`, await keyText(b64(u.user['client-key-data'])));
    }
  }));
  return tree;
}

const kubectlView = (file: string) =>
  new Promise<string>((resolve, reject) =>
    execFile('kubectl', ['config', 'view', '--kubeconfig', file, '--raw', '-o', 'json'], { encoding: 'utf8' }, (err, out, stderr) => (err ? reject(new Error(`kubectl config view ${file}: ${stderr}`)) : resolve(out))),
  );

function runKubeadm(bin: string, root: string): number {
  const start = Date.now();
  for (const phase of PHASES) {
    execFileSync(bin, ['init', 'phase', ...phase, '--config', CONFIG_FILE, '--rootfs', root], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdio: ['ignore', 'ignore', 'pipe'] });
  }
  return Date.now() - start;
}

async function runOurs(root: string): Promise<number> {
  const start = Date.now();
  for (const phase of PHASES) {
    const r = await runCli(['init', 'phase', ...phase, '--config', CONFIG_FILE, '--rootfs', root]);
    assert.equal(r.code, 0, `mini-kubeadm init phase ${phase.join(' ')}:\n${r.stderr}`);
  }
  return Date.now() - start;
}

interface Difference {
  file: string;
  fact: string;
  line: string;
}

function compare(version: RefVersion, theirs: Tree, ours: Tree): Difference[] {
  const out: Difference[] = [];
  /** "etc/kubernetes/pki/ca.crt subject" -> file ca.crt, fact subject (node paths hold no spaces) */
  const split = (key: string) => {
    const i = key.indexOf(' ');
    return { file: path.basename(key.slice(0, i)), fact: key.slice(i + 1) };
  };
  for (const key of new Set([...theirs.facts.keys(), ...ours.facts.keys()])) {
    const [k, o] = [theirs.facts.get(key), ours.facts.get(key)];
    if (k !== o) out.push({ ...split(key), line: `${key}: kubeadm ${JSON.stringify(k ?? 'absent')}, ours ${JSON.stringify(o ?? 'absent')}` });
  }
  const slack = Math.max(theirs.elapsedMs, ours.elapsedMs) / 1000 + 2;
  for (const [name, k] of theirs.validity) {
    const o = ours.validity.get(name);
    if (!o) continue; // the missing file is reported above
    const rule = VALIDITY[version][k.kind];
    const ok = rule === 'exact' ? Math.abs(k.seconds - o.seconds) <= 1 : Math.abs(k.seconds - o.seconds) <= slack;
    if (!ok) out.push({ ...split(`${name} validity`), line: `${name} validity (${rule}): kubeadm ${k.seconds} s, ours ${o.seconds} s` });
  }
  return out;
}

test('the compat suite runs as root (kubeadm --rootfs chroots)', () => {
  assert.equal(process.getuid?.(), 0, 'run `npm run test:compat` as root: kubeadm --rootfs needs chroot');
});

for (const version of VERSIONS) {
  for (const c of CASES.filter((c) => !c.versions || c.versions.includes(version))) {
    test(`certificates and kubeconfigs match kubeadm ${version}: ${c.name}`, { timeout: 30 * 60_000 }, async (t) => {
      const bin = kubeadmBinary(version);
      const cfg = configFor(version, c.edit);
      const [kRoot, oRoot] = [nodeRoot(cfg, CONFIG_API[version], 'mk-pki-kubeadm-'), nodeRoot(cfg, CONFIG_API[version], 'mk-pki-ours-')];
      t.after(() => [kRoot, oRoot].forEach((r) => rmSync(r, { recursive: true, force: true })));
      const [kMs, oMs] = [runKubeadm(bin, kRoot), await runOurs(oRoot)];
      const [theirs, ours] = await Promise.all([readTree(kRoot, cfg, kMs), readTree(oRoot, cfg, oMs)]);
      assert.ok(theirs.facts.size > 50, `kubeadm wrote too little under ${kRoot}`);
      const explained: string[] = [];
      const unexplained: string[] = [];
      for (const d of compare(version, theirs, ours)) {
        const reason = allowedReason({ version, component: d.file, path: d.fact }, PKI_ALLOWED);
        (reason ? explained : unexplained).push(reason ? `${d.line} [allowed: ${reason}]` : d.line);
      }
      if (explained.length > 0) t.diagnostic(`allowed differences:\n${explained.join('\n')}`);
      assert.deepEqual(unexplained, [], `differences from kubeadm ${version} not on the allow-list:\n${unexplained.join('\n')}`);
    });
  }
}

/**
 * Re-runs over existing files that no longer fit the configuration: kubeadm (both versions)
 * uses them as they are (exit 0, at most a warning); mini-kubeadm refuses (exit 1, naming the
 * file) and leaves them as they were. docs/differences.md, "Certificates and kubeconfigs".
 */
interface ReuseCase {
  name: string;
  /** the phase re-run, with CHANGED_CONFIG */
  phase: readonly string[];
  /** the node file that must stay as it was */
  file: string;
  /** what to do to a node root first (both tools' roots alike) */
  prepare?(root: string): void;
  /** what our error names */
  ours: RegExp;
}

/** the first run's configuration plus a control-plane endpoint and an extra apiserver SAN */
const CHANGED_CONFIG = '/cfg/changed.yaml';
const changed = (cfg: InitConfig) => {
  cfg.controlPlaneEndpoint = 'cp.example.com:6443';
  cfg.apiServer.certSANs = ['new.example.com'];
};

const REUSE_CASES: readonly ReuseCase[] = [
  { name: 'a certificate that lacks a SAN the config needs', phase: ['certs', 'apiserver'], file: 'etc/kubernetes/pki/apiserver.crt', ours: /apiserver\.crt lacks .*new\.example\.com/ },
  {
    name: "a key that does not match its certificate",
    phase: ['certs', 'front-proxy-client'],
    file: 'etc/kubernetes/pki/front-proxy-client.key',
    prepare: (root) => execFileSync('openssl', ['genrsa', '-traditional', '-out', path.join(root, 'etc/kubernetes/pki/front-proxy-client.key'), '2048'], { stdio: 'ignore' }),
    ours: /front-proxy-client\.key does not match/,
  },
  { name: 'a kubeconfig whose server differs', phase: ['kubeconfig', 'admin'], file: 'etc/kubernetes/admin.conf', ours: /admin\.conf.*cp\.example\.com|cp\.example\.com.*admin\.conf/s },
];

for (const version of VERSIONS) {
  test(`existing files that no longer fit: kubeadm ${version} reuses them, mini-kubeadm refuses`, { timeout: 30 * 60_000 }, async (t) => {
    const bin = kubeadmBinary(version);
    const cfg = configFor(version, () => {});
    const [kRoot, oRoot] = [nodeRoot(cfg, CONFIG_API[version], 'mk-pki-kubeadm-'), nodeRoot(cfg, CONFIG_API[version], 'mk-pki-ours-')];
    t.after(() => [kRoot, oRoot].forEach((r) => rmSync(r, { recursive: true, force: true })));
    runKubeadm(bin, kRoot);
    await runOurs(oRoot);
    for (const root of [kRoot, oRoot]) writeFileSync(path.join(root, CHANGED_CONFIG), kubeadmConfig(configFor(version, changed), CONFIG_API[version]));
    for (const c of REUSE_CASES) {
      for (const root of [kRoot, oRoot]) c.prepare?.(root);
      const [kBefore, oBefore] = [readFileSync(path.join(kRoot, c.file)), readFileSync(path.join(oRoot, c.file))];
      const k = spawnSync(bin, ['init', 'phase', ...c.phase, '--config', CHANGED_CONFIG, '--rootfs', kRoot], { encoding: 'utf8' });
      assert.equal(k.status, 0, `kubeadm ${version} ${c.name}: ${k.stderr}`);
      assert.deepEqual(readFileSync(path.join(kRoot, c.file)), kBefore, `kubeadm ${version} kept ${c.file} (${c.name})`);
      const o = await runCli(['init', 'phase', ...c.phase, '--config', CHANGED_CONFIG, '--rootfs', oRoot]);
      assert.equal(o.code, 1, `mini-kubeadm refuses ${c.name}:\n${o.stdout}${o.stderr}`);
      assert.match(o.stderr, c.ours);
      assert.deepEqual(readFileSync(path.join(oRoot, c.file)), oBefore, `mini-kubeadm kept ${c.file} (${c.name})`);
    }
  });
}

test('every pki allow-list entry has a reason and names a version', () => {
  for (const a of PKI_ALLOWED) {
    assert.ok(a.reason.length > 20, `allow-list entry ${String(a.path)} needs a reason`);
    assert.ok(a.versions.length > 0);
  }
});

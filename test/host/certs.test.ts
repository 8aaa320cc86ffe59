// The certs phase on a real temp directory, checked with openssl: every certificate's
// subject, issuer, extensions and SANs (kubeadm-spec.md "Certificates"), chains, key pairs,
// modes, validity per minor, algorithms, reuse, conflicts, external CA mode and dry-run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { MkError } from '../../src/errors.js';
import type { EncryptionAlgorithm } from '../../src/config/types.js';
import { parseKubeVersion } from '../../src/config/defaults.js';
import {
  certDates,
  certFacts,
  keyPublicKey,
  mode,
  newNode,
  openssl,
  opensslStatus,
  pemType,
  runInitPhases,
  verifyAll,
  verifyChain,
  type Node,
} from './certs-harness.js';

const PKI = '/etc/kubernetes/pki';
const SERVER_CLIENT = 'TLS Web Server Authentication, TLS Web Client Authentication';
const KU_LEAF = 'critical: Digital Signature, Key Encipherment';
const KU_CA = 'critical: Digital Signature, Key Encipherment, Certificate Sign';

/** kubeadm's certificates for testConfig() (node-a, 172.31.0.2, 10.96.0.0/12, cluster.local), from the spec */
const EXPECTED: { base: string; ca: string; subject: string; eku?: string; san?: string }[] = [
  { base: 'ca', ca: 'ca', subject: 'CN=kubernetes', san: 'DNS:kubernetes' },
  {
    base: 'apiserver',
    ca: 'ca',
    subject: 'CN=kube-apiserver',
    eku: 'TLS Web Server Authentication',
    san: 'DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.cluster.local, DNS:node-a, IP Address:10.96.0.1, IP Address:172.31.0.2',
  },
  { base: 'apiserver-kubelet-client', ca: 'ca', subject: 'CN=kube-apiserver-kubelet-client', eku: 'TLS Web Client Authentication' },
  { base: 'front-proxy-ca', ca: 'front-proxy-ca', subject: 'CN=front-proxy-ca', san: 'DNS:front-proxy-ca' },
  { base: 'front-proxy-client', ca: 'front-proxy-ca', subject: 'CN=front-proxy-client', eku: 'TLS Web Client Authentication' },
  { base: 'etcd/ca', ca: 'etcd/ca', subject: 'CN=etcd-ca', san: 'DNS:etcd-ca' },
  {
    base: 'etcd/server',
    ca: 'etcd/ca',
    subject: 'CN=node-a',
    eku: SERVER_CLIENT,
    san: 'DNS:localhost, DNS:node-a, IP Address:172.31.0.2, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
  },
  {
    base: 'etcd/peer',
    ca: 'etcd/ca',
    subject: 'CN=node-a',
    eku: SERVER_CLIENT,
    san: 'DNS:localhost, DNS:node-a, IP Address:172.31.0.2, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
  },
  { base: 'etcd/healthcheck-client', ca: 'etcd/ca', subject: 'CN=kube-etcd-healthcheck-client', eku: 'TLS Web Client Authentication' },
  { base: 'apiserver-etcd-client', ca: 'etcd/ca', subject: 'CN=kube-apiserver-etcd-client', eku: 'TLS Web Client Authentication' },
];

const crt = (n: Node, base: string) => n.file(`${PKI}/${base}.crt`);
const key = (n: Node, base: string) => n.file(`${PKI}/${base}.key`);

/** every file under the cert dir with its bytes, to prove a run changed nothing */
function snapshot(n: Node): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else out.set(p, readFileSync(p, 'base64'));
    }
  };
  walk(n.file('/etc/kubernetes'));
  return out;
}

/** openssl verify: every leaf against its CA, one process per CA */
function assertChains(n: Node): void {
  for (const ca of [...new Set(EXPECTED.map((e) => e.ca))]) {
    const leaves = EXPECTED.filter((e) => e.ca === ca).map((e) => crt(n, e.base));
    const v = verifyAll(crt(n, ca), leaves);
    assert.ok(v.ok, `chains to ${ca}: ${v.out}`);
  }
}

async function expectHostError(p: Promise<unknown>, code: string, names: RegExp): Promise<MkError> {
  const e = await p.then(
    () => assert.fail(`expected ${code}`),
    (err: unknown) => err,
  );
  const inner = (e as { inner?: unknown }).inner ?? e;
  assert.ok(inner instanceof MkError, `an MkError, got ${String(inner)}`);
  assert.equal(inner.code, code, inner.message);
  assert.match(inner.message, names);
  assert.ok(inner.hint && inner.hint.length > 10, 'says how to fix it');
  return inner;
}

test('certs (RSA-2048, v1.37.2): every certificate as kubeadm makes it, checked by openssl', async (t) => {
  const n = newNode(t);
  const startedAt = new Date();
  const run = await runInitPhases(n, ['certs'], { run: { startedAt } });

  const facts = new Map(EXPECTED.map((e) => [e.base, certFacts(crt(n, e.base))]));
  for (const e of EXPECTED) {
    const f = facts.get(e.base)!;
    const isCA = e.ca === e.base;
    assert.equal(f.subject, e.subject, `${e.base} subject`);
    assert.equal(f.issuer, facts.get(e.ca)!.subject, `${e.base} issuer`);
    assert.equal(f.keyUsage, isCA ? KU_CA : KU_LEAF, `${e.base} keyUsage`);
    assert.equal(f.basicConstraints, `critical: CA:${isCA ? 'TRUE' : 'FALSE'}`, `${e.base} basicConstraints`);
    assert.equal(f.extKeyUsage, e.eku, `${e.base} EKU`);
    assert.equal(f.san, e.san, `${e.base} SANs`);
    assert.equal(f.publicKey, keyPublicKey(key(n, e.base)), `${e.base}.key belongs to ${e.base}.crt`);
    assert.equal(pemType(key(n, e.base)), 'RSA PRIVATE KEY', `${e.base}.key is PKCS#1`);
    assert.match(f.text, /Public-Key: \(2048 bit\)[\s\S]*sha256WithRSAEncryption/);
    assert.equal(mode(crt(n, e.base)), 0o644, `${e.base}.crt mode`);
    assert.equal(mode(key(n, e.base)), 0o600, `${e.base}.key mode`);

    // 1.31+: from start - 5 min to start + 8760h (leaf) / 87600h (CA), to the second
    const s = Math.floor(startedAt.getTime() / 1000) * 1000;
    assert.equal(f.notBefore.getTime(), s - 5 * 60_000, `${e.base} notBefore`);
    assert.equal(f.notAfter.getTime(), s + (isCA ? 87600 : 8760) * 3600_000, `${e.base} notAfter`);
  }
  assertChains(n);

  // sa: a key pair, not a certificate
  assert.equal(pemType(n.file(`${PKI}/sa.key`)), 'RSA PRIVATE KEY');
  assert.equal(pemType(n.file(`${PKI}/sa.pub`)), 'PUBLIC KEY');
  assert.equal(keyPublicKey(n.file(`${PKI}/sa.key`)), readFileSync(n.file(`${PKI}/sa.pub`), 'utf8'));
  assert.equal(mode(n.file(`${PKI}/sa.key`)), 0o600);
  assert.equal(mode(n.file(`${PKI}/sa.pub`)), 0o600);
  // as reference kubeadm v1.29.15 and v1.37.2 make them
  assert.equal(mode(n.file(PKI)), 0o755, 'cert dir');
  assert.equal(mode(n.file(`${PKI}/etcd`)), 0o755, 'etcd cert dir');
  assert.equal(mode(n.file('/etc/kubernetes')), 0o755, 'the cert dir\'s parent');

  // the CA's SKI is the leaves' AKI (Go's CreateCertificate)
  // the CA's SKI (v1.37: SHA-256 of its key bits truncated to 160 bits, Go 1.25+) is the leaves' AKI; leaves have no SKI
  const caPub = Buffer.from(openssl(['x509', '-in', crt(n, 'ca'), '-noout', '-pubkey']).replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const { createPublicKey, createHash } = await import('node:crypto');
  const rsaPub = createPublicKey({ key: caPub, format: 'der', type: 'spki' }).export({ type: 'pkcs1', format: 'der' });
  const sha256 = createHash('sha256').update(rsaPub).digest().subarray(0, 20).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
  assert.equal(facts.get('ca')!.subjectKeyId, sha256);
  assert.equal(facts.get('ca')!.authorityKeyId, undefined, 'a self-signed CA has no AKI (Go)');
  for (const e of EXPECTED.filter((x) => x.ca !== x.base)) {
    assert.equal(facts.get(e.base)!.authorityKeyId, facts.get(e.ca)!.subjectKeyId, `${e.base} AKI`);
    assert.equal(facts.get(e.base)!.subjectKeyId, undefined, `${e.base} has no SKI`);
  }

  assert.deepEqual(
    run.report.ran(),
    ['certs/ca', 'certs/apiserver', 'certs/apiserver-kubelet-client', 'certs/front-proxy-ca', 'certs/front-proxy-client', 'certs/etcd-ca', 'certs/etcd-server', 'certs/etcd-peer', 'certs/etcd-healthcheck-client', 'certs/apiserver-etcd-client', 'certs/sa', 'certs'],
  );
});

const ALGORITHMS: { name: string; alg: EncryptionAlgorithm; keyPem: string; text: RegExp }[] = [
  { name: 'ECDSA-P256', alg: 'ECDSA-P256', keyPem: 'EC PRIVATE KEY', text: /ASN1 OID: prime256v1[\s\S]*Signature Algorithm: ecdsa-with-SHA256/ },
  { name: 'ECDSA-P384', alg: 'ECDSA-P384', keyPem: 'EC PRIVATE KEY', text: /ASN1 OID: secp384r1[\s\S]*Signature Algorithm: ecdsa-with-SHA384/ },
];

for (const a of ALGORITHMS) {
  test(`certs with encryptionAlgorithm ${a.name}: keys, signatures and chains`, async (t) => {
    const n = newNode(t);
    await runInitPhases(n, ['certs'], { cfg: (c) => (c.encryptionAlgorithm = a.alg) });
    for (const e of EXPECTED) {
      const f = certFacts(crt(n, e.base));
      assert.equal(pemType(key(n, e.base)), a.keyPem, `${e.base}.key`);
      assert.match(f.text, a.text, e.base);
      assert.equal(f.publicKey, keyPublicKey(key(n, e.base)));
      // kubeadm sets keyEncipherment on ECDSA leaves too
      assert.equal(f.keyUsage, e.ca === e.base ? KU_CA : KU_LEAF);
    }
    assertChains(n);
    assert.equal(pemType(n.file(`${PKI}/sa.key`)), a.keyPem, 'sa.key uses the same algorithm');
    assert.match(openssl(['pkey', '-in', n.file(`${PKI}/sa.key`), '-noout', '-text']), a.alg === 'ECDSA-P256' ? /prime256v1/ : /secp384r1/);
  });
}

test('certs/ca alone with RSA-4096 and certs/sa with RSA-3072', async (t) => {
  const n = newNode(t);
  await runInitPhases(n, ['certs/ca'], { cfg: (c) => (c.encryptionAlgorithm = 'RSA-4096') });
  assert.match(certFacts(crt(n, 'ca')).text, /Public-Key: \(4096 bit\)/);
  assert.deepEqual(readdirSync(n.file(PKI)).sort(), ['ca.crt', 'ca.key'], 'a sub-phase writes only its own files');
  await runInitPhases(n, ['certs/sa'], { cfg: (c) => (c.encryptionAlgorithm = 'RSA-3072') });
  assert.match(openssl(['pkey', '-in', n.file(`${PKI}/sa.key`), '-noout', '-text']), /Private-Key: \(3072 bit/);
});

const VERSIONS: { name: string; version: string; kubeletClientSubject: string; skiHash: 'sha1' | 'sha256' }[] = [
  { name: 'v1.29.0: O=kubeadm:cluster-admins', version: 'v1.29.0', kubeletClientSubject: 'CN=kube-apiserver-kubelet-client,O=kubeadm:cluster-admins', skiHash: 'sha1' },
  { name: 'v1.33.11: still O=kubeadm:cluster-admins', version: 'v1.33.11', kubeletClientSubject: 'CN=kube-apiserver-kubelet-client,O=kubeadm:cluster-admins', skiHash: 'sha1' },
  { name: 'v1.33.12: backport, no O', version: 'v1.33.12', kubeletClientSubject: 'CN=kube-apiserver-kubelet-client', skiHash: 'sha1' },
  { name: 'v1.34.8: backport, no O', version: 'v1.34.8', kubeletClientSubject: 'CN=kube-apiserver-kubelet-client', skiHash: 'sha1' },
  { name: 'v1.35.0: O', version: 'v1.35.0', kubeletClientSubject: 'CN=kube-apiserver-kubelet-client,O=kubeadm:cluster-admins', skiHash: 'sha256' },
  { name: 'v1.36.0: O', version: 'v1.36.0', kubeletClientSubject: 'CN=kube-apiserver-kubelet-client,O=kubeadm:cluster-admins', skiHash: 'sha256' },
  { name: 'v1.36.1: no O', version: 'v1.36.1', kubeletClientSubject: 'CN=kube-apiserver-kubelet-client', skiHash: 'sha256' },
  { name: 'v1.37.0: no O', version: 'v1.37.0', kubeletClientSubject: 'CN=kube-apiserver-kubelet-client', skiHash: 'sha256' },
];

for (const v of VERSIONS) {
  test(`apiserver-kubelet-client subject and CA key id hash for ${v.name}`, async (t) => {
    const n = newNode(t);
    await runInitPhases(n, ['certs/ca', 'certs/apiserver-kubelet-client'], {
      cfg: (c) => {
        c.kubernetesVersion = parseKubeVersion(v.version)!;
        c.encryptionAlgorithm = 'ECDSA-P256';
      },
    });
    assert.equal(certFacts(crt(n, 'apiserver-kubelet-client')).subject, v.kubeletClientSubject);
    // the SKI hashes the P-256 point: the last 65 bytes of the SPKI openssl prints
    const spki = Buffer.from(openssl(['x509', '-in', crt(n, 'ca'), '-noout', '-pubkey']).replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const { createHash } = await import('node:crypto');
    const want = createHash(v.skiHash).update(spki.subarray(spki.length - 65)).digest().subarray(0, 20).toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
    assert.equal(certFacts(crt(n, 'ca')).subjectKeyId, want);
  });
}

test('v1.29 validity: CA from now - 5 min for 3650 days; leaf from the CA\'s notBefore to signing + 365 days', async (t) => {
  const n = newNode(t);
  const startedAt = new Date(Date.now() - 3600_000); // 1.29 ignores the run's start
  const before = Math.floor(Date.now() / 1000) * 1000;
  await runInitPhases(n, ['certs/ca', 'certs/apiserver'], {
    cfg: (c) => {
      c.kubernetesVersion = parseKubeVersion('v1.29.15')!;
      c.encryptionAlgorithm = 'ECDSA-P256';
    },
    run: { startedAt },
  });
  const after = Date.now();
  const ca = certDates(crt(n, 'ca'));
  const leaf = certDates(crt(n, 'apiserver'));
  const day = 86400_000;
  assert.ok(ca.notBefore.getTime() >= before - 5 * 60_000 && ca.notBefore.getTime() <= after - 5 * 60_000, 'CA notBefore = now - 5 min');
  assert.ok(ca.notAfter.getTime() >= before + 3650 * day && ca.notAfter.getTime() <= after + 3650 * day, 'CA notAfter = now + 3650 days');
  assert.equal(leaf.notBefore.getTime(), ca.notBefore.getTime(), 'leaf starts with its CA');
  assert.ok(leaf.notAfter.getTime() >= before + 365 * day && leaf.notAfter.getTime() <= after + 365 * day, 'leaf notAfter = signing + 365 days');
});

test('validity periods from the config (1.31+): certificateValidityPeriod and caCertificateValidityPeriod', async (t) => {
  const n = newNode(t);
  const startedAt = new Date('2026-01-01T00:00:00Z');
  await runInitPhases(n, ['certs/ca', 'certs/front-proxy-ca', 'certs/front-proxy-client'], {
    cfg: (c) => {
      c.encryptionAlgorithm = 'ECDSA-P256';
      c.certificateValidityPeriodMs = 48 * 3600_000;
      c.caCertificateValidityPeriodMs = 1000 * 24 * 3600_000;
    },
    run: { startedAt },
  });
  assert.deepEqual(certDates(crt(n, 'ca')), { notBefore: new Date('2025-12-31T23:55:00Z'), notAfter: new Date('2028-09-27T00:00:00Z') });
  assert.deepEqual(certDates(crt(n, 'front-proxy-client')), { notBefore: new Date('2025-12-31T23:55:00Z'), notAfter: new Date('2026-01-03T00:00:00Z') });
});

test('apiserver SANs: control-plane endpoint, extra SANs (IPv4, IPv6, DNS, wildcard), duplicates and invalid ones', async (t) => {
  const n = newNode(t);
  const run = await runInitPhases(n, ['certs/ca', 'certs/apiserver'], {
    cfg: (c) => {
      c.encryptionAlgorithm = 'ECDSA-P256';
      c.controlPlaneEndpoint = 'cp.example.com:6443';
      c.apiServer.certSANs = ['10.0.0.9', 'fd00::10', 'a.example.com', '*.apps.example.com', 'kubernetes', '172.31.0.2', 'Not_Valid'];
      c.networking.dnsDomain = 'corp.local';
    },
  });
  assert.equal(
    certFacts(crt(n, 'apiserver')).san,
    'DNS:*.apps.example.com, DNS:a.example.com, DNS:cp.example.com, DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, DNS:kubernetes.default.svc.corp.local, DNS:node-a, ' +
      'IP Address:10.96.0.1, IP Address:172.31.0.2, IP Address:10.0.0.9, IP Address:FD00:0:0:0:0:0:0:10',
  );
  assert.ok(run.report.events.some((e) => e.type === 'warn' && e.message.includes('Not_Valid')), 'an invalid SAN is warned about');
});

test('a second run reuses everything: same bytes, "Using existing" reported', async (t) => {
  const n = newNode(t);
  await runInitPhases(n, ['certs'], { cfg: (c) => (c.encryptionAlgorithm = 'ECDSA-P256') });
  const before = snapshot(n);
  const again = await runInitPhases(n, ['certs'], { cfg: (c) => (c.encryptionAlgorithm = 'ECDSA-P256') });
  assert.deepEqual(snapshot(n), before);
  const results = again.report.events.filter((e) => e.type === 'result').map((e) => (e as { message: string }).message);
  assert.equal(results.length, 11);
  assert.ok(results.every((m) => m.startsWith('Using existing')), results.join('\n'));
  assert.equal(n.real.actions.filter((a) => a.kind === 'write').length, 10 * 2 + 2, 'only the first run wrote');
});

/** a cert and key made elsewhere (another cluster's CA), copied in */
function foreignPair(dir: string): { crt: string; key: string } {
  const k = `${dir}/other.key`;
  const c = `${dir}/other.crt`;
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', k, '-out', c, '-subj', '/CN=kube-apiserver', '-days', '30']);
  return { crt: c, key: k };
}

const CONFLICTS: {
  name: string;
  tamper: (n: Node) => void;
  /** the second run's config change, if any */
  cfg?: (c: import('../../src/config/types.js').InitConfig) => void;
  code: string;
  names: RegExp;
}[] = [
  {
    name: 'a key that does not match its certificate',
    tamper: (n) => copyFileSync(key(n, 'front-proxy-client'), key(n, 'apiserver')),
    code: 'CERT_KEY_MISMATCH',
    names: /\/etc\/kubernetes\/pki\/apiserver\.key/,
  },
  {
    name: 'a SAN the config now needs is missing',
    tamper: () => {},
    cfg: (c) => (c.apiServer.certSANs = ['new.example.com']),
    code: 'CERT_MISSING_SAN',
    names: /\/etc\/kubernetes\/pki\/apiserver\.crt.*DNS:new\.example\.com/,
  },
  {
    name: 'a certificate signed by another CA',
    tamper: (n) => {
      const f = foreignPair(n.real.rootfs);
      copyFileSync(f.crt, crt(n, 'apiserver'));
      copyFileSync(f.key, key(n, 'apiserver'));
    },
    code: 'CERT_NOT_SIGNED_BY_CA',
    names: /\/etc\/kubernetes\/pki\/apiserver\.crt.*\/etc\/kubernetes\/pki\/ca\.crt/,
  },
  {
    name: 'a certificate without its key',
    tamper: (n) => rmSync(key(n, 'etcd/peer')),
    code: 'CERT_INCOMPLETE',
    names: /\/etc\/kubernetes\/pki\/etcd\/peer\.crt.*\/etc\/kubernetes\/pki\/etcd\/peer\.key/,
  },
  {
    name: 'a CA that is not a CA',
    tamper: (n) => {
      copyFileSync(crt(n, 'front-proxy-client'), crt(n, 'front-proxy-ca'));
      copyFileSync(key(n, 'front-proxy-client'), key(n, 'front-proxy-ca'));
    },
    code: 'NOT_A_CA',
    names: /\/etc\/kubernetes\/pki\/front-proxy-ca\.crt/,
  },
  {
    name: 'sa.pub that is not the public half of sa.key',
    tamper: (n) => writeFileSync(n.file(`${PKI}/sa.pub`), openssl(['x509', '-in', crt(n, 'ca'), '-noout', '-pubkey'])),
    code: 'SA_KEY_MISMATCH',
    names: /\/etc\/kubernetes\/pki\/sa\.pub/,
  },
];

for (const c of CONFLICTS) {
  test(`conflict: ${c.name} is an error naming the file, and nothing is overwritten`, async (t) => {
    const n = newNode(t);
    await runInitPhases(n, ['certs'], { cfg: (cfg) => (cfg.encryptionAlgorithm = 'ECDSA-P256') });
    c.tamper(n);
    const before = snapshot(n);
    await expectHostError(
      runInitPhases(n, ['certs'], {
        cfg: (cfg) => {
          cfg.encryptionAlgorithm = 'ECDSA-P256';
          c.cfg?.(cfg);
        },
      }),
      c.code,
      c.names,
    );
    assert.deepEqual(snapshot(n), before, 'files unchanged');
  });
}

test('conflict: an expired certificate is an error naming it (openssl agrees it has expired)', async (t) => {
  const n = newNode(t);
  // issued two hours ago, leaves valid for one hour
  await runInitPhases(n, ['certs'], {
    cfg: (c) => {
      c.encryptionAlgorithm = 'ECDSA-P256';
      c.certificateValidityPeriodMs = 3600_000;
    },
    run: { startedAt: new Date(Date.now() - 2 * 3600_000) },
  });
  assert.notEqual(opensslStatus(['x509', '-in', crt(n, 'apiserver'), '-noout', '-checkend', '0']).status, 0, 'openssl: expired');
  const before = snapshot(n);
  await expectHostError(runInitPhases(n, ['certs'], { cfg: (c) => (c.encryptionAlgorithm = 'ECDSA-P256') }), 'CERT_EXPIRED', /\/etc\/kubernetes\/pki\/apiserver\.crt/);
  assert.deepEqual(snapshot(n), before);
});

test('external CA: ca.crt without ca.key signs nothing new; existing leaves signed by it are used', async (t) => {
  const n = newNode(t);
  const ecdsa = (c: import('../../src/config/types.js').InitConfig) => (c.encryptionAlgorithm = 'ECDSA-P256');
  await runInitPhases(n, ['certs'], { cfg: ecdsa });
  rmSync(key(n, 'ca'));
  const before = snapshot(n);
  const run = await runInitPhases(n, ['certs'], { cfg: ecdsa });
  assert.deepEqual(snapshot(n), before, 'nothing written');
  const msgs = run.report.events.filter((e) => e.type === 'result').map((e) => (e as { message: string }).message);
  assert.ok(msgs.some((m) => /keyless certificate authority.*ca\.crt/.test(m)), msgs.join('\n'));

  // a leaf that is missing cannot be made without the key
  rmSync(crt(n, 'apiserver'));
  rmSync(key(n, 'apiserver'));
  await expectHostError(runInitPhases(n, ['certs'], { cfg: ecdsa }), 'EXTERNAL_CA_MISSING_CERT', /\/etc\/kubernetes\/pki\/apiserver\.crt.*ca\.key/);
  assert.equal(existsSync(crt(n, 'apiserver')), false);
});

test('external CA made by openssl: leaves it signed are accepted, sa must be provided', async (t) => {
  const n = newNode(t);
  const pki = n.file(PKI);
  const ecdsa = (c: import('../../src/config/types.js').InitConfig) => (c.encryptionAlgorithm = 'ECDSA-P256');
  // the user's CA and a kubelet client cert it issued, with openssl alone
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${n.real.rootfs}/ext-ca.key`, '-out', `${n.real.rootfs}/ca.crt`, '-subj', '/CN=my-ca', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,digitalSignature']);
  await runInitPhases(n, ['certs/front-proxy-ca'], { cfg: ecdsa }); // makes the cert dir
  copyFileSync(`${n.real.rootfs}/ca.crt`, crt(n, 'ca'));
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key(n, 'apiserver-kubelet-client'), '-out', `${n.real.rootfs}/c.csr`, '-subj', '/CN=kube-apiserver-kubelet-client']);
  openssl(['x509', '-req', '-in', `${n.real.rootfs}/c.csr`, '-CA', crt(n, 'ca'), '-CAkey', `${n.real.rootfs}/ext-ca.key`, '-CAcreateserial', '-out', crt(n, 'apiserver-kubelet-client'), '-days', '30']);

  const run = await runInitPhases(n, ['certs/ca', 'certs/apiserver-kubelet-client'], { cfg: ecdsa });
  assert.ok(run.report.events.some((e) => e.type === 'result' && /Using existing "apiserver-kubelet-client"/.test(e.message)));
  await expectHostError(runInitPhases(n, ['certs/sa'], { cfg: ecdsa }), 'EXTERNAL_CA_MISSING_SA_KEY', /\/etc\/kubernetes\/pki\/sa\.key/);
  assert.equal(existsSync(`${pki}/sa.key`), false);
});

test('external etcd: no etcd certificates, the etcd sub-phases say why they are skipped', async (t) => {
  const n = newNode(t);
  const run = await runInitPhases(n, ['certs'], {
    cfg: (c) => {
      c.encryptionAlgorithm = 'ECDSA-P256';
      c.etcd = { external: { endpoints: ['https://10.0.0.5:2379'], caFile: '/etc/etcd/ca.crt', certFile: '/etc/etcd/c.crt', keyFile: '/etc/etcd/c.key' } };
    },
  });
  assert.equal(existsSync(n.file(`${PKI}/etcd`)), false);
  assert.equal(existsSync(crt(n, 'apiserver-etcd-client')), false);
  const skipped = run.report.events.filter((e) => e.type === 'phaseEnd' && e.skipped).map((e) => (e as { path: string }).path);
  assert.deepEqual(skipped, ['certs/etcd-ca', 'certs/etcd-server', 'certs/etcd-peer', 'certs/etcd-healthcheck-client', 'certs/apiserver-etcd-client']);
});

test('dry-run: nothing is written; every file it would write is recorded with its mode', async (t) => {
  const n = newNode(t);
  const run = await runInitPhases(n, ['certs'], { dryRun: true, cfg: (c) => (c.encryptionAlgorithm = 'ECDSA-P256') });
  assert.deepEqual(readdirSync(n.real.rootfs), [], 'the node is untouched');
  const writes = run.host.actions.filter((a) => a.kind === 'write') as { path: string; mode: number; content: string }[];
  assert.equal(writes.length, 22);
  assert.equal(writes.find((w) => w.path === `${PKI}/apiserver.crt`)?.mode, 0o644);
  assert.equal(writes.find((w) => w.path === `${PKI}/apiserver.key`)?.mode, 0o600);
  // what it would write is real: the recorded apiserver.crt chains to the recorded ca.crt
  const dir = `${n.real.rootfs}-check`;
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir);
  writeFileSync(`${dir}/ca.crt`, writes.find((w) => w.path === `${PKI}/ca.crt`)!.content);
  writeFileSync(`${dir}/apiserver.crt`, writes.find((w) => w.path === `${PKI}/apiserver.crt`)!.content);
  assert.ok(verifyChain(`${dir}/ca.crt`, `${dir}/apiserver.crt`).ok);
});

// Token discovery's pieces without a network: the detached JWS against the spec's test vector
// (checked there against go-jose and an independent HMAC), CA pin parsing with kubeadm's texts,
// and bootstrap-kubelet.conf's layout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { detachedJws, verifyDetachedJws } from '../../src/kube/jws.js';
import { parsePin, parsePins, pinsOfBundle } from '../../src/kube/ca-pins.js';
import { bootstrapKubeconfig, kubeconfigCluster } from '../../src/kube/discovery.js';
import { clusterInfoKubeconfig } from '../../src/kube/objects/cluster-info.js';
import { UserError } from '../../src/errors.js';

/** kubeadm-join-spec.md §2.1: the cluster-info text with CA data "Q0E=", no preferences line */
const VECTOR_PAYLOAD = [
  'apiVersion: v1',
  'clusters:',
  '- cluster:',
  '    certificate-authority-data: Q0E=',
  '    server: https://10.0.0.1:6443',
  '  name: ""',
  'contexts: null',
  'current-context: ""',
  'kind: Config',
  'users: null',
  '',
].join('\n');
const VECTOR_JWS = 'eyJhbGciOiJIUzI1NiIsImtpZCI6ImFiY2RlZiJ9..1gF8ogi7XVP5kDbWX8IUst8u1lNyPqaxz-DXD9uctkM';

test('JWS: the spec test vector (id abcdef, secret 0123456789abcdef)', () => {
  assert.equal(detachedJws(VECTOR_PAYLOAD, 'abcdef', '0123456789abcdef'), VECTOR_JWS);
  assert.equal(verifyDetachedJws(VECTOR_JWS, VECTOR_PAYLOAD, 'abcdef', '0123456789abcdef'), true);
});

test('JWS: init\'s cluster-info text is the vector\'s payload byte for byte', () => {
  assert.equal(clusterInfoKubeconfig({ server: 'https://10.0.0.1:6443', caData: 'Q0E=' }), VECTOR_PAYLOAD);
});

test('JWS: a wrong secret, another payload, another kid or a reordered header do not verify', () => {
  assert.equal(verifyDetachedJws(VECTOR_JWS, VECTOR_PAYLOAD, 'abcdef', '0123456789abcdeg'), false);
  assert.equal(verifyDetachedJws(VECTOR_JWS, VECTOR_PAYLOAD.replace('10.0.0.1', '10.0.0.2'), 'abcdef', '0123456789abcdef'), false);
  assert.equal(verifyDetachedJws(VECTOR_JWS, VECTOR_PAYLOAD, 'abcdeg', '0123456789abcdef'), false);
  const reordered = `${Buffer.from('{"kid":"abcdef","alg":"HS256"}').toString('base64url')}..${VECTOR_JWS.split('..')[1]}`;
  assert.equal(verifyDetachedJws(reordered, VECTOR_PAYLOAD, 'abcdef', '0123456789abcdef'), false);
});

const pinCases: { name: string; pin: string; message?: RegExp; want?: string }[] = [
  { name: 'no format', pin: 'abc', message: /invalid discovery token CA certificate hash: invalid hash, expected "format:hex-value"\. Known format\(s\) are: sha256/ },
  { name: 'two colons', pin: 'sha256:ab:cd', message: /invalid hash, expected "format:hex-value"/ },
  { name: 'unknown format', pin: 'md5:00', message: /unknown hash format "md5"\. Known format\(s\) are: sha256/ },
  { name: 'short value', pin: 'sha256:abcd', message: /invalid hash "abcd", expected a 32 byte SHA-256 hash, found 2 bytes/ },
  { name: 'not hex', pin: `sha256:${'z'.repeat(64)}`, message: /not hexadecimal/ },
  { name: 'upper-case format and value are accepted, stored lower-case', pin: `SHA256:${'AB'.repeat(32)}`, want: `sha256:${'ab'.repeat(32)}` },
];
for (const c of pinCases) {
  test(`CA pin: ${c.name}`, () => {
    if (c.want) return assert.equal(parsePin(c.pin), c.want);
    assert.throws(() => parsePin(c.pin), (e: unknown) => e instanceof UserError && c.message!.test(e.message) && /--discovery-token-ca-cert-hash/.test(e.hint ?? ''));
  });
}

test('CA pin: the pin of a CA equals openssl\'s sha256 of its DER public key', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mk-pin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'ca.key'), '-out', path.join(dir, 'ca.crt'), '-days', '1', '-subj', '/CN=kubernetes'], { stdio: 'ignore' });
  const der = execFileSync('sh', ['-c', `openssl x509 -pubkey -noout -in ${dir}/ca.crt | openssl pkey -pubin -outform der | openssl dgst -sha256 -r`]).toString().split(' ')[0];
  const pem = readFileSync(path.join(dir, 'ca.crt'), 'utf8');
  assert.deepEqual(pinsOfBundle(pem).map((p) => p.pin), [`sha256:${der}`]);
  assert.deepEqual(parsePins([`sha256:${der}`, `sha256:${'0'.repeat(64)}`]), [`sha256:${der}`, `sha256:${'0'.repeat(64)}`]);
});

test('bootstrap-kubelet.conf: kubeadm\'s layout, the cluster under the cluster\'s name (§3.5 step 3)', () => {
  const text = bootstrapKubeconfig({ server: 'https://10.0.0.10:6443', caPem: 'CA', clusterName: 'prod', token: 'abcdef.0123456789abcdef', preferences: true });
  assert.equal(
    text,
    [
      'apiVersion: v1',
      'clusters:',
      '- cluster:',
      '    certificate-authority-data: Q0E=',
      '    server: https://10.0.0.10:6443',
      '  name: prod',
      'contexts:',
      '- context:',
      '    cluster: prod',
      '    user: tls-bootstrap-token-user',
      '  name: tls-bootstrap-token-user@kubernetes',
      'current-context: tls-bootstrap-token-user@kubernetes',
      'kind: Config',
      'preferences: {}',
      'users:',
      '- name: tls-bootstrap-token-user',
      '  user:',
      '    token: abcdef.0123456789abcdef',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(bootstrapKubeconfig({ server: 's', caPem: 'CA', clusterName: 'k', token: 't', preferences: false }), /preferences/);
});

test('cluster-info kubeconfig: the unnamed cluster is found; none is an error with kubeadm\'s text', () => {
  assert.equal(kubeconfigCluster(VECTOR_PAYLOAD, 'x').cluster.server, 'https://10.0.0.1:6443');
  assert.throws(() => kubeconfigCluster('apiVersion: v1\nkind: Config\nclusters: []\n', 'the file'), /the provided kubeconfig file must have at least one Cluster defined/);
});

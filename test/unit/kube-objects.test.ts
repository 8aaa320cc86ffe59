// The objects init writes through the API, compared with what the real kubeadm of the same
// version creates (its `init --dry-run` output, test/fixtures/addons/): same names, same
// content, byte-equal serialized configurations and hashes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseKubeVersion } from '../../src/config/defaults.js';
import { kubeadmConfigObjects } from '../../src/kube/objects/kubeadm-config.js';
import { bootstrapRbacObjects, tokenSecret, parseToken } from '../../src/kube/objects/bootstrap-token.js';
import { BOOTSTRAP_TOKEN_PATTERN, generateBootstrapToken } from '../../src/config/token.js';
import { clusterInfoKubeconfig } from '../../src/kube/objects/cluster-info.js';
import { configMapChecksum } from '../../src/kube/objects/config-hash.js';
import { kubeletConfigObjects } from '../../src/kube/objects/kubelet-config.js';
import { kubeletConfiguration, renderKubeletConfiguration } from '../../src/kubelet/kubelet-config.js';
import { factsFor } from '../../src/config/versions.js';
import { caCertHash } from '../../src/kube/objects/join.js';
import { corednsObjects } from '../../src/addons/coredns.js';
import { kubeProxyObjects } from '../../src/addons/kube-proxy.js';
import type { KubeObject } from '../../src/kube/client.js';
import { testConfig } from '../helpers/test-config.js';
import { REFERENCE_VERSIONS, referenceCreates, referenceFile, referenceJoinHash, referenceObject } from './kubeadm-reference.js';

const cfgFor = (version: string) => testConfig((c) => (c.kubernetesVersion = parseKubeVersion(version)!));

/** kubeadm leaves apiGroup of Group/User subjects to the server's defaulting; we write it */
function normalise(o: KubeObject): KubeObject {
  const copy = JSON.parse(JSON.stringify(o)) as KubeObject;
  const subjects = copy.subjects as Array<Record<string, string>> | undefined;
  subjects?.forEach((s) => s.kind !== 'ServiceAccount' && delete s.apiGroup);
  delete copy.metadata.annotations?.['kubeadm.kubernetes.io/component-config.hash'];
  if (copy.metadata.annotations && Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  delete copy.metadata.resourceVersion; // kubeadm's Service template carries resourceVersion "0"
  delete copy.status; // the printed status of an object not yet created
  return prune(copy) as KubeObject;
}

/**
 * Go's printer writes zero structs ("status: {}", "creationTimestamp: null"), which mean
 * nothing; a false is kept on both sides: kubeadm writes it where the field is a pointer
 * (allowPrivilegeEscalation: false), and an object without it is not kubeadm's
 */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const p = prune(x);
    if (p === null || (typeof p === 'object' && !Array.isArray(p) && Object.keys(p as object).length === 0)) continue;
    out[k] = p;
  }
  return out;
}

const key = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

for (const version of REFERENCE_VERSIONS) {
  const v = parseKubeVersion(version)!;

  test(`${version}: kubeadm-config holds the ClusterConfiguration byte for byte as kubeadm writes it`, () => {
    const ours = kubeadmConfigObjects(cfgFor(version));
    const ref = referenceObject(version, 'ConfigMap', 'kubeadm-config');
    assert.equal((ours[0]!.data as Record<string, string>).ClusterConfiguration, (ref.data as Record<string, string>).ClusterConfiguration);
    for (const o of ours) assert.deepEqual(normalise(o), normalise(referenceObject(version, o.kind, o.metadata.name)), key(o));
  });

  test(`${version}: bootstrap-token RBAC is kubeadm's table for this version`, () => {
    const ours = bootstrapRbacObjects(v);
    const refNames = referenceCreates(version).filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'ClusterRole').map(key);
    for (const o of ours) assert.deepEqual(normalise(o), normalise(referenceObject(version, o.kind, o.metadata.name)), key(o));
    const bootstrapRef = refNames.filter((n) => /kubeadm:(get-nodes|kubelet-bootstrap|node-autoapprove|apiserver-kubelet-client)/.test(n));
    assert.deepEqual(ours.map(key).sort(), bootstrapRef.sort());
  });

  test(`${version}: the token Secret has kubeadm's data keys and values`, () => {
    const t = cfgFor(version).bootstrapTokens[0]!;
    const ours = tokenSecret({ ...t, token: 'abcdef.0123456789abcdef' }, new Date());
    const ref = referenceObject(version, 'Secret', 'bootstrap-token-abcdef');
    const data = (o: KubeObject) => Object.fromEntries(Object.entries(o.data as Record<string, string>).filter(([k]) => k !== 'expiration'));
    assert.deepEqual(data(ours), data(ref));
    assert.equal(ours.type, ref.type);
    assert.match(Buffer.from((ours.data as Record<string, string>).expiration!, 'base64').toString(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test(`${version}: CoreDNS objects equal kubeadm's`, async () => {
    const ours = await corednsObjects(cfgFor(version));
    assert.deepEqual(ours.map(key), referenceCreates(version).filter((o) => /coredns|kube-dns/.test(o.metadata.name)).map(key));
    for (const o of ours) assert.deepEqual(normalise(o), normalise(referenceObject(version, o.kind, o.metadata.name)), key(o));
  });

  test(`${version}: kube-proxy objects, config.conf and its hash equal kubeadm's`, async () => {
    const ours = await kubeProxyObjects(cfgFor(version));
    for (const o of ours) assert.deepEqual(normalise(o), normalise(referenceObject(version, o.kind, o.metadata.name)), key(o));
    const cm = ours.find((o) => o.kind === 'ConfigMap')!;
    const ref = referenceObject(version, 'ConfigMap', 'kube-proxy');
    assert.equal(cm.metadata.annotations?.['kubeadm.kubernetes.io/component-config.hash'], ref.metadata.annotations?.['kubeadm.kubernetes.io/component-config.hash']);
  });

  test(`${version}: kubelet-config, its hash, Role and RoleBinding equal kubeadm's`, async () => {
    const cfg = cfgFor(version);
    const ref = referenceObject(version, 'ConfigMap', 'kubelet-config');
    assert.equal(configMapChecksum(ref.data as Record<string, string>), ref.metadata.annotations?.['kubeadm.kubernetes.io/component-config.hash']);
    const ours = kubeletConfigObjects(await renderKubeletConfiguration(kubeletConfiguration(cfg, factsFor(v).node).doc), false);
    assert.deepEqual(prune(ours[0]), prune(ref));
    for (const o of ours.slice(1)) assert.deepEqual(normalise(o), normalise(referenceObject(version, o.kind, o.metadata.name)), key(o));
  });

  test(`${version}: cluster-info's kubeconfig is written as kubeadm writes it`, () => {
    const text = (referenceObject(version, 'ConfigMap', 'cluster-info').data as Record<string, string>).kubeconfig!;
    const caData = /certificate-authority-data: (\S+)/.exec(text)![1]!;
    // known deviation: client-go before 1.34 also wrote "preferences: {}" (omitzero came later); we write the 1.34+ form for every minor
    assert.equal(clusterInfoKubeconfig({ server: 'https://172.31.0.2:6443', caData }), text.replace('preferences: {}\n', ''));
  });
}

test('join hash: sha256 of the CA public key, equal to kubeadm\'s and to openssl\'s', () => {
  const ca = referenceFile('v1.37.2', 'ca.crt')!;
  const pub = execFileSync('openssl', ['x509', '-pubkey', '-noout'], { input: ca });
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: pub });
  const hex = execFileSync('sha256sum', [], { input: der }).toString().split(' ')[0];
  assert.equal(caCertHash(ca), `sha256:${hex}`);
  assert.equal(caCertHash(ca), referenceJoinHash('v1.37.2'));
});

test('tokens: generated ones match the pattern; malformed ones are refused with the flag named', () => {
  for (let i = 0; i < 20; i++) assert.match(generateBootstrapToken(), BOOTSTRAP_TOKEN_PATTERN);
  assert.deepEqual(parseToken('abcdef.0123456789abcdef'), { id: 'abcdef', secret: '0123456789abcdef' });
  assert.throws(() => parseToken('ABCDEF.0123456789abcdef'), /does not match/);
});

// The pieces of pki/ that need no host: SAN building, IP and endpoint parsing, the per-minor
// rows (apiserver-kubelet-client O, kubelet.conf server, validity), and the certs phase tree
// derived from the certificate table in kubeadm's order with kubeadm's descriptions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKubeVersion } from '../../src/config/defaults.js';
import type { InitConfig } from '../../src/config/types.js';
import { apiServerKubeletClientOrganizations, kubeletConfUsesLocalEndpoint } from '../../src/config/versions.js';
import { MkError } from '../../src/errors.js';
import { certsPhase } from '../../src/phases/init/certs.js';
import { kubeconfigPhase } from '../../src/phases/init/kubeconfig.js';
import { apiServerAltNames, etcdAltNames } from '../../src/pki/alt-names.js';
import { controlPlaneUrl, localApiServerUrl, parseHostPort } from '../../src/pki/api-endpoint.js';
import { certsFor } from '../../src/pki/cert-specs.js';
import { canonicalIp, cidrAddress } from '../../src/pki/ip-address.js';
import { caValidity, clientCertValidity, leafValidity } from '../../src/pki/validity.js';
import { testConfig } from '../helpers/test-config.js';

const v = (text: string) => parseKubeVersion(text)!;

test('certs sub-phases: kubeadm\'s names, order and descriptions, from the certificate table', () => {
  assert.deepEqual(
    certsPhase.children!.map((c) => [c.name, c.short]),
    [
      ['ca', 'Generate the self-signed Kubernetes CA to provision identities for other Kubernetes components'],
      ['apiserver', 'Generate the certificate for serving the Kubernetes API'],
      ['apiserver-kubelet-client', 'Generate the certificate for the API server to connect to kubelet'],
      ['front-proxy-ca', 'Generate the self-signed CA to provision identities for front proxy'],
      ['front-proxy-client', 'Generate the certificate for the front proxy client'],
      ['etcd-ca', 'Generate the self-signed CA to provision identities for etcd'],
      ['etcd-server', 'Generate the certificate for serving etcd'],
      ['etcd-peer', 'Generate the certificate for etcd nodes to communicate with each other'],
      ['etcd-healthcheck-client', 'Generate the certificate for liveness probes to healthcheck etcd'],
      ['apiserver-etcd-client', 'Generate the certificate the apiserver uses to access etcd'],
      ['sa', 'Generate a private key for signing service account tokens along with its public key'],
    ],
  );
  assert.deepEqual(kubeconfigPhase.children!.map((c) => c.name), ['admin', 'super-admin', 'kubelet', 'controller-manager', 'scheduler']);
});

test('external etcd leaves out the etcd certificates', () => {
  const external = testConfig((c) => (c.etcd = { external: { endpoints: ['https://e:2379'], caFile: '/a', certFile: '/b', keyFile: '/c' } }));
  assert.deepEqual(certsFor(external).map((s) => s.name), ['ca', 'apiserver', 'apiserver-kubelet-client', 'front-proxy-ca', 'front-proxy-client']);
  assert.equal(certsFor(testConfig()).length, 10);
});

const ALT_NAMES: { name: string; cfg: (c: InitConfig) => void; dns: string[]; ips: string[]; dropped?: string[] }[] = [
  {
    name: 'defaults',
    cfg: () => {},
    dns: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'node-a'],
    ips: ['10.96.0.1', '172.31.0.2'],
  },
  {
    name: 'endpoint as IP with port, service CIDR elsewhere, duplicate SANs',
    cfg: (c) => {
      c.controlPlaneEndpoint = '192.168.1.10:6443';
      c.networking.serviceSubnet = '10.100.0.0/16';
      c.apiServer.certSANs = ['192.168.1.10', 'node-a', ' x.example.com ', ''];
    },
    dns: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'node-a', 'x.example.com'],
    ips: ['10.100.0.1', '172.31.0.2', '192.168.1.10'],
  },
  {
    name: 'dual-stack service CIDR takes the first; IPv6 SANs canonical; bad SANs dropped',
    cfg: (c) => {
      c.networking.serviceSubnet = 'fd00:10:96::/112,10.96.0.0/12';
      c.apiServer.certSANs = ['FD00:0:0:0::0001', 'UPPER.example.com', 'a_b'];
    },
    dns: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'node-a'],
    ips: ['fd00:10:96::1', '172.31.0.2', 'fd00::1'],
    dropped: ['UPPER.example.com', 'a_b'],
  },
  {
    // Go's ParseIP takes no zone: kubeadm warns and leaves such a SAN out
    name: 'IPv6 with a zone, malformed IPv6, IPv4-mapped IPv6 as IPv4',
    cfg: (c) => (c.apiServer.certSANs = ['fe80::1%eth0', '1::2::3', '::ffff:10.1.2.3']),
    dns: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'node-a'],
    ips: ['10.96.0.1', '172.31.0.2', '10.1.2.3'],
    dropped: ['fe80::1%eth0', '1::2::3'],
  },
];

for (const c of ALT_NAMES) {
  test(`apiserver SANs: ${c.name}`, () => {
    const a = apiServerAltNames(testConfig(c.cfg));
    assert.deepEqual(a.dns, c.dns);
    assert.deepEqual(a.ips, c.ips);
    assert.deepEqual(a.dropped, c.dropped ?? []);
  });
}

test('etcd SANs: server and peer get their own extra SANs', () => {
  const cfg = testConfig((c) => {
    c.etcd.local!.serverCertSANs = ['etcd.example.com', '10.1.1.1'];
    c.etcd.local!.peerCertSANs = ['peer.example.com'];
  });
  assert.deepEqual(etcdAltNames(cfg, 'server'), { dns: ['etcd.example.com', 'localhost', 'node-a'], ips: ['172.31.0.2', '127.0.0.1', '::1', '10.1.1.1'], dropped: [] });
  assert.deepEqual(etcdAltNames(cfg, 'peer'), { dns: ['localhost', 'node-a', 'peer.example.com'], ips: ['172.31.0.2', '127.0.0.1', '::1'], dropped: [] });
});

const BAD_INPUT: { name: string; cfg: (c: InitConfig) => void; code: string; names: RegExp }[] = [
  { name: 'advertise address not an IP', cfg: (c) => (c.localAPIEndpoint.advertiseAddress = 'node-a'), code: 'BAD_ADVERTISE_ADDRESS', names: /advertise-address/ },
  { name: 'service CIDR not a CIDR', cfg: (c) => (c.networking.serviceSubnet = '10.96.0.0'), code: 'BAD_SERVICE_CIDR', names: /service-cidr/ },
  { name: 'endpoint with a bad host', cfg: (c) => (c.controlPlaneEndpoint = 'bad_host:6443'), code: 'BAD_ENDPOINT', names: /control-plane-endpoint/ },
  { name: 'endpoint with a bad port', cfg: (c) => (c.controlPlaneEndpoint = 'cp.example.com:99999'), code: 'BAD_ENDPOINT', names: /control-plane-endpoint/ },
];

for (const b of BAD_INPUT) {
  test(`user error: ${b.name}`, () => {
    assert.throws(
      () => apiServerAltNames(testConfig(b.cfg)),
      (e: unknown) => e instanceof MkError && e.code === b.code && b.names.test(`${e.message} ${e.hint}`),
    );
  });
}

const HOST_PORTS: { text: string; want: ReturnType<typeof parseHostPort> }[] = [
  { text: 'cp.example.com', want: { host: 'cp.example.com', isIp: false, port: undefined } },
  { text: 'cp.example.com:443', want: { host: 'cp.example.com', isIp: false, port: 443 } },
  { text: '10.0.0.1:6443', want: { host: '10.0.0.1', isIp: true, port: 6443 } },
  { text: '[FD00::1]:6443', want: { host: 'fd00::1', isIp: true, port: 6443 } },
  { text: 'fd00::1', want: { host: 'fd00::1', isIp: true, port: undefined } },
];

for (const h of HOST_PORTS) {
  test(`parseHostPort ${h.text}`, () => assert.deepEqual(parseHostPort(h.text, 'x'), h.want));
}

test('URLs: control-plane endpoint vs local endpoint', () => {
  const cfg = testConfig((c) => (c.controlPlaneEndpoint = 'cp.example.com'));
  assert.equal(controlPlaneUrl(cfg), 'https://cp.example.com:6443');
  assert.equal(localApiServerUrl(cfg), 'https://172.31.0.2:6443');
  assert.equal(controlPlaneUrl(testConfig()), 'https://172.31.0.2:6443');
});

const IPS: { cidr: string; index: number; want: string | undefined }[] = [
  { cidr: '10.96.0.0/12', index: 1, want: '10.96.0.1' },
  { cidr: '10.96.0.0/12', index: 10, want: '10.96.0.10' },
  { cidr: '10.97.3.4/12', index: 1, want: '10.96.0.1' },
  { cidr: '192.168.0.0/24', index: 255, want: '192.168.0.255' },
  { cidr: 'fd00:10:96::/112', index: 10, want: 'fd00:10:96::a' },
  { cidr: 'not-a-cidr', index: 1, want: undefined },
];

for (const c of IPS) test(`cidrAddress ${c.cidr} #${c.index}`, () => assert.equal(cidrAddress(c.cidr, c.index), c.want));

test('canonicalIp: Go\'s forms', () => {
  assert.equal(canonicalIp('::ffff:10.0.0.1'), '10.0.0.1');
  assert.equal(canonicalIp('FD00:0:0::0:1'), 'fd00::1');
  assert.equal(canonicalIp('example.com'), undefined);
});

const KUBELET_CLIENT_O: { version: string; o: string[] }[] = [
  { version: 'v1.29.15', o: ['kubeadm:cluster-admins'] },
  { version: 'v1.32.13', o: ['kubeadm:cluster-admins'] },
  { version: 'v1.33.11', o: ['kubeadm:cluster-admins'] },
  { version: 'v1.33.12', o: [] },
  { version: 'v1.34.7', o: ['kubeadm:cluster-admins'] },
  { version: 'v1.34.8', o: [] },
  { version: 'v1.35.4', o: ['kubeadm:cluster-admins'] },
  { version: 'v1.35.5', o: [] },
  { version: 'v1.36.0', o: ['kubeadm:cluster-admins'] },
  { version: 'v1.36.1', o: [] },
  { version: 'v1.37.0', o: [] },
];

for (const k of KUBELET_CLIENT_O) {
  test(`apiserver-kubelet-client O for ${k.version}`, () => assert.deepEqual(apiServerKubeletClientOrganizations(v(k.version)), k.o));
}

const KUBELET_LOCAL: { version: string; gates: Record<string, boolean>; local: boolean }[] = [
  { version: 'v1.30.0', gates: { ControlPlaneKubeletLocalMode: true }, local: false },
  { version: 'v1.31.0', gates: {}, local: false },
  { version: 'v1.31.0', gates: { ControlPlaneKubeletLocalMode: true }, local: true },
  { version: 'v1.33.0', gates: {}, local: true },
  { version: 'v1.34.0', gates: { ControlPlaneKubeletLocalMode: false }, local: false },
  { version: 'v1.35.0', gates: { ControlPlaneKubeletLocalMode: false }, local: true },
  { version: 'v1.37.0', gates: {}, local: true },
];

for (const k of KUBELET_LOCAL) {
  test(`kubelet.conf local for ${k.version} ${JSON.stringify(k.gates)}: ${k.local}`, () => assert.equal(kubeletConfUsesLocalEndpoint(v(k.version), k.gates), k.local));
}

test('validity arithmetic: 1.31+ from the start, 1.29 from signing', () => {
  const start = new Date('2026-01-01T00:00:00Z');
  const now = new Date('2026-01-01T00:10:00Z');
  const cfg = (ver: string) => testConfig((c) => (c.kubernetesVersion = v(ver)));
  const H = 3600_000;
  assert.deepEqual(caValidity(cfg('v1.31.0'), start, now), { notBefore: new Date('2025-12-31T23:55:00Z'), notAfter: new Date(start.getTime() + 87600 * H) });
  assert.deepEqual(leafValidity(cfg('v1.31.0'), start, new Date(0), now), { notBefore: new Date('2025-12-31T23:55:00Z'), notAfter: new Date(start.getTime() + 8760 * H) });
  assert.deepEqual(caValidity(cfg('v1.29.0'), start, now), { notBefore: new Date('2026-01-01T00:05:00Z'), notAfter: new Date(now.getTime() + 3650 * 24 * H) });
  const caStart = new Date('2025-06-01T00:00:00Z');
  assert.deepEqual(leafValidity(cfg('v1.29.0'), start, caStart, now), { notBefore: caStart, notAfter: new Date(now.getTime() + 365 * 24 * H) });
  assert.deepEqual(clientCertValidity(cfg('v1.37.0'), start, caStart, now), { notBefore: caStart, notAfter: new Date(start.getTime() + 8760 * H) });
});

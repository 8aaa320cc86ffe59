// Bad input, as a user types it: each case runs the CLI in-process against a fake node root,
// expects exit code 1 and a message naming the flag or field (and what would be valid), and
// proves that the node's tree is byte-for-byte what it was: validation comes before any phase.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';
import { fakeNodeRoot, snapshotTree, type FakeNode } from '../helpers/config-fake-node.js';

const CERTS = ['phase', 'certs', 'all', '--cert-dir', '/etc/kubernetes/pki'];
const INIT = ['init'];
const F = '/root/kubeadm.yaml';
const withConfig = (...extra: string[]) => ['init', '--config', F, ...extra];

const cluster = (body: string, apiVersion = 'kubeadm.k8s.io/v1beta4') => `apiVersion: ${apiVersion}\nkind: ClusterConfiguration\n${body}`;
const init = (body: string, apiVersion = 'kubeadm.k8s.io/v1beta4') => `apiVersion: ${apiVersion}\nkind: InitConfiguration\n${body}`;

interface Case {
  name: string;
  argv: string[];
  /** the config file at F, if any */
  file?: string;
  node?: FakeNode;
  expect: RegExp[];
}

const cases: Case[] = [
  // --- CIDRs ---
  { name: 'pod CIDR that is not a CIDR', argv: [...INIT, '--pod-network-cidr', '10.244.0.0/33'], expect: [/--pod-network-cidr: "10\.244\.0\.0\/33" is not a CIDR range/, /hint: .*10\.244\.0\.0\/16/] },
  { name: 'pod CIDR overlapping the service CIDR', argv: [...INIT, '--pod-network-cidr', '10.96.0.0/16'], expect: [/--pod-network-cidr: 10\.96\.0\.0\/16 overlaps 10\.96\.0\.0\/12/, /separate ranges/] },
  { name: 'service CIDR overlapping the default flannel pod range', argv: [...CERTS, '--service-cidr', '10.240.0.0/12'], expect: [/--service-cidr: 10\.240\.0\.0\/12 overlaps 10\.244\.0\.0\/16/, /--pod-network-cidr sets another/] },
  { name: 'service CIDR too large', argv: [...CERTS, '--service-cidr', '10.0.0.0/8'], expect: [/--service-cidr: 10\.0\.0\.0\/8 is too large; for IPv4 the mask must be \/12 or longer/] },
  { name: 'service CIDR too small', argv: [...CERTS, '--service-cidr', '10.96.0.0/29'], expect: [/--service-cidr: 10\.96\.0\.0\/29 has 8 address\(es\); the minimum is 10/] },
  { name: 'dual-stack pair of one family', argv: [...INIT, '--pod-network-cidr', '10.244.0.0/16,10.245.0.0/16'], expect: [/--pod-network-cidr: .*two of different families for dual-stack/] },
  { name: 'IPv6 pods with IPv4 services', argv: [...INIT, '--pod-network-cidr', 'fd00:10:244::/56'], expect: [/--pod-network-cidr: fd00:10:244::\/56 is IPv6 but the service range 10\.96\.0\.0\/12 is IPv4/] },
  { name: 'pod subnet in the file', argv: withConfig(), file: cluster('networking:\n  podSubnet: 10.244.0/16\n'), expect: [/ClusterConfiguration\.networking\.podSubnet in \/root\/kubeadm\.yaml: "10\.244\.0\/16" is not a CIDR range/] },

  // --- Kubernetes version ---
  { name: 'version older than supported', argv: [...CERTS, '--kubernetes-version', 'v1.28.9'], expect: [/--kubernetes-version: Kubernetes v1\.28\.9 is not supported/, /v1\.29\.0 to v1\.37\.x/] },
  { name: 'malformed version', argv: [...CERTS, '--kubernetes-version', '1.31'], expect: [/--kubernetes-version: "1\.31" is not a Kubernetes version/, /hint: give a full version such as v1\.37\.2/] },
  { name: 'version as an unquoted YAML number', argv: withConfig(), file: cluster('kubernetesVersion: 1.30\n'), expect: [/ClusterConfiguration\.kubernetesVersion in \/root\/kubeadm\.yaml: expected a string, got number 1\.3/, /quote the value/] },

  // --- the file itself ---
  { name: 'missing config file', argv: withConfig(), expect: [/--config \/root\/kubeadm\.yaml: no such file .*--rootfs/, /config print init-defaults/] },
  { name: 'malformed YAML, with its line', argv: withConfig(), file: 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: [10.244.0.0/16\n', expect: [/malformed YAML at line \d+, column \d+/] },
  { name: 'unknown kind', argv: withConfig(), file: init('', 'kubeadm.k8s.io/v1beta4').replace('InitConfiguration', 'InitConfig'), expect: [/unknown kind "InitConfig" in kubeadm\.k8s\.io\/v1beta4/] },
  { name: 'unknown apiVersion', argv: withConfig(), file: cluster('', 'kubeadm.k8s.io/v1beta2'), expect: [/apiVersion "kubeadm\.k8s\.io\/v1beta2" is not supported/, /kubeadm\.k8s\.io\/v1beta3, kubeadm\.k8s\.io\/v1beta4/] },
  { name: 'a foreign apiVersion', argv: withConfig(), file: 'apiVersion: v1\nkind: ConfigMap\n', expect: [/unknown apiVersion\/kind "v1" ConfigMap/] },
  { name: 'unknown field, with its path and a suggestion', argv: withConfig(), file: cluster('networking:\n  podSubnett: 10.244.0.0/16\n'), expect: [/unknown field "podSubnett" at ClusterConfiguration\.networking\.podSubnett in \/root\/kubeadm\.yaml/, /did you mean "podSubnet"\?/] },
  { name: 'a v1beta4 field in a v1beta3 document', argv: withConfig(), file: cluster('kubernetesVersion: v1.30.0\nencryptionAlgorithm: RSA-4096\n', 'kubeadm.k8s.io/v1beta3'), expect: [/unknown field "encryptionAlgorithm" at ClusterConfiguration\.encryptionAlgorithm/, /exists in kubeadm\.k8s\.io\/v1beta4/] },
  { name: 'wrong type: bindPort as a string', argv: withConfig(), file: init('localAPIEndpoint:\n  bindPort: "6443"\n'), expect: [/InitConfiguration\.localAPIEndpoint\.bindPort in \/root\/kubeadm\.yaml: expected an integer/] },
  { name: 'a kind given twice', argv: withConfig(), file: `${cluster('')}---\n${cluster('')}`, expect: [/kind ClusterConfiguration is specified twice/] },
  { name: 'v1beta3 for Kubernetes 1.37', argv: withConfig(), file: cluster('kubernetesVersion: v1.37.0\n', 'kubeadm.k8s.io/v1beta3'), expect: [/ClusterConfiguration in \/root\/kubeadm\.yaml uses kubeadm\.k8s\.io\/v1beta3, which kubeadm v1\.37 no longer reads/, /change apiVersion to kubeadm\.k8s\.io\/v1beta4/] },
  { name: 'kubeadm.k8s.io/v1 before 1.37', argv: withConfig(), file: cluster('kubernetesVersion: v1.36.1\n', 'kubeadm.k8s.io/v1'), expect: [/uses kubeadm\.k8s\.io\/v1, which kubeadm v1\.36 no longer reads/] },

  // --- flags next to --config ---
  { name: 'a flag kubeadm forbids next to --config', argv: withConfig('--pod-network-cidr', '10.244.0.0/16'), file: cluster(''), expect: [/can not mix '--config' with arguments \[pod-network-cidr\]/, /--pod-network-cidr: ClusterConfiguration\.networking\.podSubnet/] },
  { name: 'several forbidden flags, in kubeadm\'s sorted order', argv: withConfig('--service-cidr', '10.96.0.0/12', '--apiserver-advertise-address', '10.0.0.1'), file: cluster(''), expect: [/can not mix '--config' with arguments \[apiserver-advertise-address service-cidr\]/] },

  // --- the API endpoint ---
  { name: 'advertise address that is not an IP', argv: [...CERTS, '--apiserver-advertise-address', '10.0.0'], expect: [/--apiserver-advertise-address: "10\.0\.0" is not an IPv4 or IPv6 address/] },
  { name: 'advertise address 0.0.0.0', argv: [...CERTS, '--apiserver-advertise-address', '0.0.0.0'], expect: [/--apiserver-advertise-address: 0\.0\.0\.0 can not be advertised/] },
  { name: 'bind port out of range', argv: [...INIT, '--apiserver-bind-port', '70000'], expect: [/--apiserver-bind-port: 70000 is not a valid port/, /between 1 and 65535/] },
  { name: 'bind port that is not a number', argv: [...INIT, '--apiserver-bind-port', 'https'], expect: [/--apiserver-bind-port: "https" is not a port number/] },
  { name: 'control-plane endpoint with a bad port', argv: [...CERTS, '--control-plane-endpoint', 'cp.example.com:99999'], expect: [/--control-plane-endpoint: "cp\.example\.com:99999": port "99999" must be a number between 1 and 65535/] },
  { name: 'control-plane endpoint with a bad host', argv: [...CERTS, '--control-plane-endpoint', 'https://cp.example.com'], expect: [/--control-plane-endpoint: "https:\/\/cp\.example\.com"/, /cp\.example\.com, 10\.0\.0\.10:6443/] },
  { name: 'bad certificate SAN', argv: [...CERTS, '--apiserver-cert-extra-sans', '10.0.0.1,foo_bar'], expect: [/--apiserver-cert-extra-sans: "foo_bar" is not a valid IP address, DNS name or wildcard DNS name/] },
  { name: 'bad etcd SAN in the file', argv: withConfig(), file: cluster('etcd:\n  local:\n    serverCertSANs: ["-bad-"]\n'), expect: [/ClusterConfiguration\.etcd\.local\.serverCertSANs in \/root\/kubeadm\.yaml: "-bad-"/] },

  // --- the node ---
  { name: 'node name that is not RFC 1123', argv: [...CERTS, '--node-name', 'Node_1'], expect: [/--node-name: "Node_1" is not a valid node name \(RFC 1123/, /choose a name such as "node-1"/] },
  { name: 'host name that is not a valid node name', argv: CERTS, node: { hostname: 'my_host' }, expect: [/the node name "my_host" \(taken from the host name; set it with --node-name/] },
  { name: 'several CRI sockets', argv: [...INIT], node: { sockets: ['/var/run/containerd/containerd.sock', '/var/run/crio/crio.sock'] }, expect: [/found several CRI endpoints on the host/, /choose one with --cri-socket/] },
  { name: 'CRI socket with a tcp scheme', argv: [...INIT, '--cri-socket', 'tcp://10.0.0.1:1234'], expect: [/--cri-socket: "tcp:\/\/10\.0\.0\.1:1234" is not a unix socket URL/] },

  // --- tokens and keys ---
  { name: 'bad token format', argv: [...INIT, '--token', 'abc.def'], expect: [/--token: "abc\.def" is not a valid bootstrap token/, /\[a-z0-9\]\{6\}\.\[a-z0-9\]\{16\}/] },
  { name: 'bad token TTL', argv: [...INIT, '--token-ttl', '1day'], expect: [/--token-ttl: "1day" is not a duration/, /24h0m0s/] },
  { name: 'negative token TTL in the file', argv: withConfig(), file: init('bootstrapTokens:\n- ttl: -1h\n'), expect: [/InitConfiguration\.bootstrapTokens\[0\]\.ttl in \/root\/kubeadm\.yaml: the token TTL must not be negative/] },
  { name: 'bad certificate key', argv: [...INIT, '--certificate-key', 'xyz'], expect: [/--certificate-key: must be a hex-encoded AES key of 32 bytes/, /openssl rand -hex 32/] },

  // --- cluster-wide choices ---
  { name: 'unknown encryption algorithm', argv: withConfig(), file: cluster('encryptionAlgorithm: RSA-1024\n'), expect: [/ClusterConfiguration\.encryptionAlgorithm in \/root\/kubeadm\.yaml: "RSA-1024" is not supported for Kubernetes 1\.37/, /RSA-2048, RSA-3072, RSA-4096, ECDSA-P256, ECDSA-P384/] },
  { name: 'ECDSA-P384 before 1.34', argv: withConfig(), file: cluster('kubernetesVersion: v1.33.2\nencryptionAlgorithm: ECDSA-P384\n'), expect: [/"ECDSA-P384" is not supported for Kubernetes 1\.33/] },
  { name: 'unknown feature gate', argv: [...INIT, '--feature-gates', 'Foo=true'], expect: [/--feature-gates: "Foo" is not a kubeadm feature gate of Kubernetes 1\.37/, /RootlessControlPlane=true\|false/] },
  { name: 'feature gate removed by the target minor', argv: withConfig(), file: cluster('kubernetesVersion: v1.37.2\nfeatureGates:\n  PublicKeysECDSA: true\n'), expect: [/ClusterConfiguration\.featureGates in \/root\/kubeadm\.yaml: "PublicKeysECDSA" is not a kubeadm feature gate of Kubernetes 1\.37/] },
  { name: 'feature gate without a value', argv: [...INIT, '--feature-gates', 'RootlessControlPlane'], expect: [/--feature-gates: "RootlessControlPlane" needs a true or false value/] },
  { name: 'bad image repository', argv: [...INIT, '--image-repository', 'https://registry.example.com'], expect: [/--image-repository: "https:\/\/registry\.example\.com" is not a valid image repository/] },
  { name: 'bad DNS domain', argv: [...CERTS, '--service-dns-domain', 'Corp_Internal'], expect: [/--service-dns-domain: "Corp_Internal" is not a valid DNS domain/] },
  { name: '--cni pointing at a missing manifest', argv: [...INIT, '--cni', 'calico'], expect: [/--cni calico: no such manifest file .*\/calico/, /--cni flannel, --cni none, or the path of a CNI manifest/] },
  { name: 'unknown --profile', argv: [...INIT, '--profile', 'stig'], expect: [/--profile stig: no such profile/, /use cis, or leave --profile out/] },
  { name: 'unknown --profile next to --config', argv: [...withConfig(), '--profile', 'CIS'], file: cluster(''), expect: [/--profile CIS: no such profile/] },
  { name: 'patches are not supported', argv: [...INIT, '--patches', '/etc/patches'], expect: [/--patches \/etc\/patches: patches are not supported/] },

  // --- several at once ---
  { name: 'several problems are reported together, numbered', argv: [...CERTS, '--node-name', 'A_B', '--service-cidr', 'nope', '--apiserver-advertise-address', '1.2.3'], expect: [/3 problems with the configuration/, /1\. --service-cidr/, /--apiserver-advertise-address/, /--node-name/] },
];

test('there are at least 25 named bad-input cases', () => assert.ok(cases.length >= 25));

for (const c of cases) {
  test(`bad input: ${c.name}`, async (t) => {
    const root = fakeNodeRoot(t, { ...c.node, files: { ...c.node?.files, ...(c.file !== undefined ? { [F]: c.file } : {}) } });
    const before = snapshotTree(root);
    const r = await runCli([...c.argv, '--rootfs', root], { cwd: '/' });
    assert.equal(r.code, 1, `exit code\n${r.stderr}`);
    for (const e of c.expect) assert.match(r.stderr, e);
    assert.doesNotMatch(r.stderr, /This is a bug|not implemented/, r.stderr);
    assert.equal(snapshotTree(root), before, 'nothing under --rootfs changed');
  });
}

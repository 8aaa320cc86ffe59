// loadJoinConfig over a fake node root: flags and JoinConfiguration files (v1beta3, v1beta4)
// saying the same thing, kubeadm's defaults, and a table of bad input with kubeadm's texts (§5).

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { RealHost } from '../../src/host/real-host.js';
import { loadJoinConfig, type JoinLoadResult } from '../../src/config/join-load.js';
import type { FlagValues } from '../../src/config/flags.js';
import { fakeNodeRoot } from '../helpers/config-fake-node.js';

const SOCK = '/var/run/containerd/containerd.sock';
const TOKEN = 'abcdef.0123456789abcdef';
const HASH = `sha256:${'ab'.repeat(32)}`;
const F = '/root/join.yaml';

async function load(t: TestContext, flags: FlagValues, file?: string): Promise<JoinLoadResult> {
  const root = fakeNodeRoot(t, { sockets: [SOCK], files: file === undefined ? {} : { [F]: file } });
  return loadJoinConfig({ flags: { rootfs: root, ...(file === undefined ? {} : { config: F }), ...flags }, host: new RealHost(root), cwd: '/' });
}

const v1beta4 = (body: string) => `apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\n${body}`;
const v1beta3 = (body: string) => `apiVersion: kubeadm.k8s.io/v1beta3\nkind: JoinConfiguration\n${body}`;
const DISCOVERY = `discovery:\n  bootstrapToken:\n    apiServerEndpoint: 10.0.0.10:6443\n    token: ${TOKEN}\n    caCertHashes: ["${HASH}"]\n`;

test('flags: --token fills the discovery and TLS bootstrap tokens; host name and CRI socket are detected', async (t) => {
  const { join } = await load(t, { 'api-server-endpoint': '10.0.0.10:6443', token: TOKEN, 'discovery-token-ca-cert-hash': `${HASH},sha256:${'cd'.repeat(32)}` });
  assert.deepEqual(join.discovery.bootstrapToken, { token: TOKEN, apiServerEndpoint: '10.0.0.10:6443', caCertHashes: [HASH, `sha256:${'cd'.repeat(32)}`], unsafeSkipCAVerification: false });
  assert.equal(join.discovery.tlsBootstrapToken, TOKEN);
  assert.equal(join.nodeRegistration.name, 'node-a');
  assert.equal(join.nodeRegistration.criSocket, `unix://${SOCK}`);
  assert.equal(join.caCertPath, '/etc/kubernetes/pki/ca.crt');
  assert.equal(join.timeouts.discoveryMs, 5 * 60_000);
  assert.equal(join.nodeRegistration.taints, null);
});

test('v1beta4 and v1beta3 files saying the same thing give the same configuration', async (t) => {
  const a = await load(t, {}, v1beta4(`${DISCOVERY}nodeRegistration:\n  name: w1\n  criSocket: unix://${SOCK}\n  kubeletExtraArgs: [{name: node-ip, value: 10.0.0.12}]\ntimeouts:\n  discovery: 30s\n`));
  const b = await load(t, {}, v1beta3(`${DISCOVERY}  timeout: 30s\nnodeRegistration:\n  name: w1\n  criSocket: unix://${SOCK}\n  kubeletExtraArgs:\n    node-ip: 10.0.0.12\n`));
  assert.deepEqual({ ...a.join, fileApiVersion: undefined, configFile: undefined }, { ...b.join, fileApiVersion: undefined, configFile: undefined });
  assert.equal(a.join.timeouts.discoveryMs, 30_000);
  assert.deepEqual(a.join.nodeRegistration.kubeletExtraArgs, [{ name: 'node-ip', value: '10.0.0.12' }]);
  assert.equal(a.join.discovery.tlsBootstrapToken, TOKEN, 'defaulted from bootstrapToken.token');
  assert.equal(a.join.fileApiVersion, 'kubeadm.k8s.io/v1beta4');
});

test('other kinds in the file are ignored with a warning; --node-name overrides the file', async (t) => {
  const file = `apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n---\n${v1beta4(`${DISCOVERY}nodeRegistration:\n  name: from-file\n`)}`;
  const { join, warnings } = await load(t, { 'node-name': 'from-flag' }, file);
  assert.equal(join.nodeRegistration.name, 'from-flag');
  assert.match(warnings.join('\n'), /InitConfiguration \(kubeadm\.k8s\.io\/v1beta4\) is not used by join; ignored/);
});

test('control-plane flags without --control-plane are dropped with kubeadm\'s warning', async (t) => {
  const { join, warnings } = await load(t, { 'api-server-endpoint': '10.0.0.10:6443', token: TOKEN, 'discovery-token-unsafe-skip-ca-verification': true, 'certificate-key': 'ab'.repeat(32) });
  assert.equal(join.controlPlane, undefined);
  assert.match(warnings.join('\n'), /--control-plane is also required when passing control-plane related flags such as \[certificate-key\]/);
});

test('--control-plane: the local endpoint and the certificate key from flags; the same from a file', async (t) => {
  const key = 'ab'.repeat(32);
  const a = await load(t, { 'api-server-endpoint': '10.0.0.10:6443', token: TOKEN, 'discovery-token-ca-cert-hash': HASH, 'control-plane': true, 'certificate-key': key, 'apiserver-advertise-address': '10.0.0.12', 'apiserver-bind-port': '6444' });
  assert.deepEqual(a.join.controlPlane, { localAPIEndpoint: { advertiseAddress: '10.0.0.12', bindPort: 6444 }, certificateKey: key });
  assert.equal(a.join.nodeRegistration.taints, null, 'nil taints: mark-control-plane gives the control-plane taint');
  const b = await load(t, {}, v1beta4(`${DISCOVERY}controlPlane:\n  localAPIEndpoint: {advertiseAddress: 10.0.0.12, bindPort: 6444}\n  certificateKey: "${key}"\n`));
  assert.deepEqual(b.join.controlPlane, a.join.controlPlane);
});

test('--control-plane without an advertise address takes the default route\'s interface address, as init', async (t) => {
  const { join } = await load(t, { 'api-server-endpoint': '10.0.0.10:6443', token: TOKEN, 'discovery-token-ca-cert-hash': HASH, 'control-plane': true });
  assert.match(join.controlPlane!.localAPIEndpoint.advertiseAddress, /^\d+\.\d+\.\d+\.\d+$/);
  assert.equal(join.controlPlane!.localAPIEndpoint.bindPort, 6443);
  assert.equal(join.controlPlane!.certificateKey, '');
});

const bad: { name: string; flags?: FlagValues; file?: string; expect: RegExp; hint?: RegExp }[] = [
  { name: 'no discovery at all', flags: { token: TOKEN }, expect: /discovery: Invalid value: "": bootstrapToken or file must be set/ },
  { name: 'token and file discovery together', flags: { 'api-server-endpoint': '10.0.0.10:6443', token: TOKEN, 'discovery-token-unsafe-skip-ca-verification': true, 'discovery-file': 'https://example.invalid/x' }, expect: /bootstrapToken and file cannot both be set/ },
  { name: 'token discovery without a pin', flags: { 'api-server-endpoint': '10.0.0.10:6443', token: TOKEN }, expect: /caCertHashes: Invalid value: "": using token-based discovery without caCertHashes can be unsafe\. Set unsafeSkipCAVerification as true/ },
  { name: 'a malformed token', flags: { 'api-server-endpoint': '10.0.0.10:6443', token: 'abc.def', 'discovery-token-unsafe-skip-ca-verification': true }, expect: /discovery\.bootstrapToken\.token: Invalid value: "abc\.def": the bootstrap token is invalid/ },
  { name: 'an endpoint without a port', flags: { 'api-server-endpoint': '10.0.0.10', token: TOKEN, 'discovery-token-unsafe-skip-ca-verification': true }, expect: /apiServerEndpoint: Invalid value: "10\.0\.0\.10": address 10\.0\.0\.10: missing port in address/ },
  { name: 'a discovery URL that is not https', flags: { 'discovery-file': 'http://10.0.0.10/cluster-info', 'tls-bootstrap-token': TOKEN }, expect: /discovery\.file\.kubeConfigPath: Invalid value: "http:\/\/10\.0\.0\.10\/cluster-info": if a URL is used, the scheme must be https/ },
  { name: 'a discovery file that does not exist', flags: { 'discovery-file': '/root/nope.conf' }, expect: /"\/root\/nope\.conf": not a valid HTTPS URL or a file on disk/ },
  { name: 'a tcp CRI socket', flags: { 'api-server-endpoint': '10.0.0.10:6443', token: TOKEN, 'discovery-token-unsafe-skip-ca-verification': true, 'cri-socket': 'tcp://10.0.0.1:1234' }, expect: /nodeRegistration\.criSocket: Invalid value: "tcp:\/\/10\.0\.0\.1:1234": only URL scheme "unix" is supported, got "tcp"/ },
  { name: 'a node name that is not RFC 1123', flags: { 'api-server-endpoint': '10.0.0.10:6443', token: TOKEN, 'discovery-token-unsafe-skip-ca-verification': true, 'node-name': 'Node_1' }, expect: /nodeRegistration\.name: Invalid value: "Node_1": a lowercase RFC 1123 subdomain/ },
  { name: 'all with other checks', flags: { 'api-server-endpoint': '10.0.0.10:6443', token: TOKEN, 'discovery-token-unsafe-skip-ca-verification': true, 'ignore-preflight-errors': 'all,Swap' }, expect: /don't specify individual checks if 'all' is used/ },
  { name: 'a bad pull policy', file: v1beta4(`${DISCOVERY}nodeRegistration:\n  imagePullPolicy: Sometimes\n`), expect: /nodeRegistration\.imagePullPolicy: Invalid value: "Sometimes": invalid pull policy/ },
  { name: 'a relative caCertPath', file: v1beta4(`${DISCOVERY}caCertPath: pki/ca.crt\n`), expect: /caCertPath: Invalid value: "pki\/ca\.crt": the ca certificate path must be an absolute path/ },
  { name: 'a file without a JoinConfiguration', file: 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n', expect: /no JoinConfiguration found in the supplied config/ },
  { name: 'an unknown field, with a suggestion', file: v1beta4(`${DISCOVERY}nodeRegistraton:\n  name: x\n`), expect: /unknown field "nodeRegistraton" at JoinConfiguration\.nodeRegistraton/ },
  { name: 'timeouts in a v1beta3 file', file: v1beta3(`${DISCOVERY}timeouts:\n  discovery: 1m\n`), expect: /unknown field "timeouts" at JoinConfiguration\.timeouts/, hint: /"timeouts" exists in kubeadm\.k8s\.io\/v1beta4/ },
  { name: 'discovery.timeout in a v1beta4 file', file: v1beta4(`${DISCOVERY}  timeout: 1m\n`), expect: /unknown field "timeout" at JoinConfiguration\.discovery\.timeout/ },
  { name: 'a duration that is not one', file: v1beta4(`${DISCOVERY}timeouts:\n  discovery: 5 minutes\n`), expect: /JoinConfiguration\.timeouts\.discovery in \/root\/join\.yaml: expected a duration/ },
  { name: 'dryRun in the file without --dry-run', file: v1beta4(`${DISCOVERY}dryRun: true\n`), expect: /JoinConfiguration\.dryRun is true in \/root\/join\.yaml but --dry-run was not given/ },
  { name: 'an unknown apiVersion', file: 'apiVersion: kubeadm.k8s.io/v1beta2\nkind: JoinConfiguration\n', expect: /apiVersion "kubeadm\.k8s\.io\/v1beta2" is not supported/ },
  { name: 'a certificate key that is not hex', flags: { 'api-server-endpoint': '10.0.0.10:6443', token: TOKEN, 'discovery-token-unsafe-skip-ca-verification': true, 'control-plane': true, 'certificate-key': 'xy'.repeat(32) }, expect: /controlPlane\.certificateKey: Invalid value: "(xy)+": certificate key decoding error: encoding\/hex: invalid byte: U\+0078 'x'/ },
  { name: 'a certificate key of 16 bytes', file: v1beta4(`${DISCOVERY}controlPlane:\n  certificateKey: "${'ab'.repeat(16)}"\n`), expect: /invalid certificate key size 16, the key must be an AES key of size 32/ },
  { name: 'a certificate key of odd length', flags: { 'api-server-endpoint': '10.0.0.10:6443', token: TOKEN, 'discovery-token-unsafe-skip-ca-verification': true, 'control-plane': true, 'certificate-key': 'abc' }, expect: /certificate key decoding error: encoding\/hex: odd length hex string/ },
  { name: 'an advertise address that is no IP', flags: { 'api-server-endpoint': '10.0.0.10:6443', token: TOKEN, 'discovery-token-unsafe-skip-ca-verification': true, 'control-plane': true, 'apiserver-advertise-address': 'cp-b' }, expect: /controlPlane\.localAPIEndpoint\.advertiseAddress: Invalid value: "cp-b": ip address is not valid/ },
  { name: 'a bind port out of range', file: v1beta4(`${DISCOVERY}controlPlane:\n  localAPIEndpoint: {advertiseAddress: 10.0.0.12, bindPort: 70000}\n`), expect: /controlPlane\.localAPIEndpoint\.bindPort: Invalid value: 70000: port number is not valid/ },
  { name: '--certificate-key next to --config', flags: { 'certificate-key': 'ab'.repeat(32) }, file: v1beta4(DISCOVERY), expect: /can not mix '--config' with arguments \[certificate-key\]/ },
  { name: 'flags kubeadm refuses next to --config', flags: { token: TOKEN, 'cri-socket': `unix://${SOCK}` }, file: v1beta4(DISCOVERY), expect: /can not mix '--config' with arguments \[cri-socket token\]/ },
];
for (const c of bad) {
  test(`bad JoinConfiguration input: ${c.name}`, async (t) => {
    await assert.rejects(load(t, c.flags ?? {}, c.file), (e: Error & { exitCode?: number; hint?: string }) => {
      assert.match(e.message, c.expect);
      assert.equal(e.exitCode, 1);
      assert.ok(e.hint, 'a hint says how to fix it');
      if (c.hint) assert.match(e.hint, c.hint);
      return true;
    });
  });
}

// `join` with bad input, as a user types it: exit code 1, a message saying what is wrong (in
// kubeadm's words where it has them) and how to fix it, and the node's tree under --rootfs
// byte for byte what it was. The cases here need no cluster; test/api/join.test.ts has those
// that do (wrong CA pin, unknown token, unsigned cluster-info, a Ready node of the same name).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';
import { fakeNodeRoot, snapshotTree } from '../helpers/config-fake-node.js';

const SOCK = '/var/run/containerd/containerd.sock';
const TOKEN = 'abcdef.0123456789abcdef';
const PIN = `sha256:${'ab'.repeat(32)}`;
const EP = '127.0.0.1:1';
const F = '/root/join.yaml';
const BASE = ['--cri-socket', `unix://${SOCK}`, '--ignore-preflight-errors', 'all'];
const joinFile = (body: string) => `apiVersion: kubeadm.k8s.io/v1beta4\nkind: JoinConfiguration\n${body}`;

const cases: { name: string; argv: string[]; file?: string; expect: RegExp[] }[] = [
  { name: 'no endpoint and no discovery file', argv: ['join', '--token', TOKEN, ...BASE], expect: [/discovery: Invalid value: "": bootstrapToken or file must be set/, /hint: .*mini-kubeadm join HOST:6443 --token/] },
  { name: 'token discovery without a CA pin', argv: ['join', EP, '--token', TOKEN, ...BASE], expect: [/using token-based discovery without caCertHashes can be unsafe/, /--discovery-token-ca-cert-hash sha256:/] },
  { name: 'a malformed token', argv: ['join', EP, '--token', 'abcdef', '--discovery-token-ca-cert-hash', PIN, ...BASE], expect: [/discovery\.bootstrapToken\.token: Invalid value: "abcdef": the bootstrap token is invalid/] },
  { name: 'a CA pin of an unknown format', argv: ['join', EP, '--token', TOKEN, '--discovery-token-ca-cert-hash', 'md5:0011', ...BASE], expect: [/invalid discovery token CA certificate hash: unknown hash format "md5"\. Known format\(s\) are: sha256/] },
  { name: 'a CA pin of the wrong length', argv: ['join', EP, '--token', TOKEN, '--discovery-token-ca-cert-hash', 'sha256:abcd', ...BASE], expect: [/invalid hash "abcd", expected a 32 byte SHA-256 hash, found 2 bytes/] },
  { name: 'an endpoint without a port', argv: ['join', '10.0.0.10', '--token', TOKEN, '--discovery-token-ca-cert-hash', PIN, ...BASE], expect: [/address 10\.0\.0\.10: missing port in address/] },
  { name: '--control-plane with a certificate key that is not one', argv: ['join', EP, '--token', TOKEN, '--discovery-token-ca-cert-hash', PIN, '--control-plane', '--certificate-key', 'abc', '--apiserver-advertise-address', '10.0.0.12', ...BASE], expect: [/controlPlane\.certificateKey: Invalid value: "abc": certificate key decoding error: encoding\/hex: odd length hex string/, /init --upload-certs/] },
  { name: '--control-plane with an advertise address that is no IP', argv: ['join', EP, '--token', TOKEN, '--discovery-token-ca-cert-hash', PIN, '--control-plane', '--apiserver-advertise-address', 'cp-b', ...BASE], expect: [/controlPlane\.localAPIEndpoint\.advertiseAddress: Invalid value: "cp-b": ip address is not valid/] },
  { name: 'an unknown phase in --skip-phases', argv: ['join', EP, '--token', TOKEN, '--discovery-token-ca-cert-hash', PIN, '--skip-phases', 'addon', ...BASE], expect: [/unknown phase in --skip-phases "addon"/, /preflight, control-plane-prepare/] },
  { name: 'an endpoint that does not answer: what was tried and for how long', argv: ['join', '--config', F, '--ignore-preflight-errors', 'all'], file: joinFile(`discovery:\n  bootstrapToken: {apiServerEndpoint: "${EP}", token: ${TOKEN}, caCertHashes: ["${PIN}"]}\nnodeRegistration: {criSocket: "unix://${SOCK}"}\ntimeouts: {discovery: 1s}\n`), expect: [/could not read kube-public\/cluster-info from https:\/\/127\.0\.0\.1:1: \d+ attempts? over \d+\.\ds \(timeouts\.discovery 1s\); last error: .*ECONNREFUSED/, /curl -k https:\/\/127\.0\.0\.1:1\/version/, /timeouts\.discovery/] },
  { name: 'an unknown field in the JoinConfiguration', argv: ['join', '--config', F], file: joinFile('discovery:\n  bootstrapTokn: {}\n'), expect: [/unknown field "bootstrapTokn" at JoinConfiguration\.discovery\.bootstrapTokn/, /did you mean "bootstrapToken"\?/] },
  { name: 'flags next to --config', argv: ['join', '--config', F, '--token', TOKEN], file: joinFile(''), expect: [/can not mix '--config' with arguments \[token\]/] },
];

for (const c of cases) {
  test(`join bad input: ${c.name}`, async (t) => {
    const root = fakeNodeRoot(t, { sockets: [SOCK], files: c.file ? { [F]: c.file } : {} });
    const before = snapshotTree(root);
    const r = await runCli([...c.argv, '--rootfs', root], { cwd: '/' });
    assert.equal(r.code, 1, `exit code\n${r.stderr}`);
    for (const e of c.expect) assert.match(r.stderr, e);
    assert.doesNotMatch(r.stderr, /This is a bug|not implemented/, r.stderr);
    assert.equal(snapshotTree(root), before, 'nothing under --rootfs changed');
  });
}

test('join --help: the phase table of the default minor, hidden phases left out', async () => {
  const r = await runCli(['join', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: mini-kubeadm join \[options\] \[command\] \[api-server-endpoint\]/);
  const table = r.stdout.split('The "join" command executes the following phases:')[1]!;
  const names = [...table.matchAll(/^(\S+|\s+\/\S+)\s{2,}/gm)].map((m) => m[1]!.trim()).filter((n) => n !== '```');
  assert.deepEqual(names, ['preflight', 'control-plane-prepare', '/download-certs', '/certs', '/kubeconfig', '/control-plane', 'kubelet-start', 'etcd-join', 'kubelet-wait-bootstrap', 'control-plane-join', '/mark-control-plane', 'wait-control-plane']);
  assert.doesNotMatch(table, /check-etcd|update-status/);
});

test('join phase NAME takes the endpoint too, and a repeated --discovery-token-ca-cert-hash collects every pin', async (t) => {
  const root = fakeNodeRoot(t, { sockets: [SOCK] });
  // both pins are parsed before the network: the second one's error proves it was collected
  const r = await runCli(['join', 'phase', 'preflight', EP, '--token', TOKEN, '--discovery-token-ca-cert-hash', PIN, '--discovery-token-ca-cert-hash', 'sha1:00', ...BASE, '--rootfs', root], { cwd: '/' });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /unknown hash format "sha1"/);
});

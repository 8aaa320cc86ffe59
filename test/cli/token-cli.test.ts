// `token` and `certs certificate-key` as a user types them, in-process, against a fake node root
// (--rootfs) whose admin.conf points at a listener that only counts connections: bad input exits
// 1 with kubeadm's message and a hint, leaves the tree as it was and never reaches the "cluster";
// --dry-run prints the Secret it would make; generate and certificate-key print fresh values.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import yaml from 'js-yaml';
import { runCli } from '../helpers/run-cli.js';
import { fakeNodeRoot, snapshotTree, type FakeNode } from '../helpers/config-fake-node.js';

const ADMIN = '/etc/kubernetes/admin.conf';
const CONFIG = '/root/kubeadm.yaml';
const CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBdzCCAR2gAwIBAgIUSxWz0e4J9Ww0rYrS3Kq4qO1n1XUwCgYIKoZIzj0EAwIw
-----END CERTIFICATE-----
`;

/** a TCP listener on loopback that counts the connections made to it (nothing should connect) */
async function countingServer(t: TestContext): Promise<{ port: number; connections: () => number }> {
  let n = 0;
  const server = net.createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as net.AddressInfo).port, connections: () => n };
}

const kubeconfig = (server: string, cluster: string) =>
  `apiVersion: v1\nkind: Config\nclusters:\n- name: kubernetes\n  cluster:\n${cluster}    server: ${server}\ncontexts:\n- name: admin@kubernetes\n  context:\n    cluster: kubernetes\n    user: admin\ncurrent-context: admin@kubernetes\nusers:\n- name: admin\n  user:\n    token: not-used\n`;

interface Case {
  name: string;
  argv: string[];
  files?: Record<string, string>;
  /** no admin.conf in the root */
  noKubeconfig?: boolean;
  expect: RegExp[];
}

const T = 'abcdef.0123456789abcdef';
const cases: Case[] = [
  { name: 'token without a subcommand', argv: ['token'], expect: [/Usage: mini-kubeadm token/, /missing subcommand; "token" is not meant to be run on its own/] },
  { name: 'a token not of the form', argv: ['token', 'create', 'ABCDEF.0123456789abcdef'], expect: [/the bootstrap token "ABCDEF\.0123456789abcdef" was not of the form "\\\\A\(\[a-z0-9\]\{6\}\)/, /hint: .*token generate/] },
  { name: 'an unknown usage', argv: ['token', 'create', '--usages', 'signing,authentication,admin'], expect: [/invalid bootstrap token usage string: admin, valid usage options: signing,authentication/] },
  { name: 'groups without the authentication usage', argv: ['token', 'create', '--usages', 'signing'], expect: [/token groups cannot be specified unless --usages includes "authentication"/] },
  { name: 'a group outside system:bootstrappers', argv: ['token', 'create', '--groups', 'system:masters'], expect: [/bootstrap group "system:masters" is invalid \(must match/] },
  { name: 'a TTL that is no duration', argv: ['token', 'create', '--ttl', '2days'], expect: [/invalid argument "2days" for "--ttl" flag: time: invalid duration "2days"/, /hint: .*24h0m0s/] },
  { name: '--certificate-key without --print-join-command', argv: ['token', 'create', '--certificate-key', 'a'.repeat(64)], expect: [/cannot use --certificate-key without --print-join-command/] },
  { name: 'a certificate key that is not 32 bytes of hex', argv: ['token', 'create', '--print-join-command', '--certificate-key', 'xyz'], expect: [/the certificate key must be 64 hex digits/] },
  { name: '--config with a flag kubeadm forbids next to it', argv: ['token', 'create', '--config', CONFIG, '--ttl', '1h'], files: { [CONFIG]: 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n' }, expect: [/can not mix '--config' with arguments \[ttl\]/] },
  { name: '--config with the [token] argument', argv: ['token', 'create', T, '--config', CONFIG], files: { [CONFIG]: 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n' }, expect: [/can not mix '--config' with the \[token\] argument/, /bootstrapTokens\[0\]\.token/] },
  { name: '--config whose token is bad', argv: ['token', 'create', '--config', CONFIG], files: { [CONFIG]: 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\nbootstrapTokens:\n- token: abc.def\n' }, expect: [/bootstrapTokens\[0\]\.token/, /abc\.def/] },
  { name: '--config that does not exist', argv: ['token', 'create', '--config', CONFIG], expect: [/--config \/root\/kubeadm\.yaml: no such file/] },
  { name: 'no kubeconfig anywhere', argv: ['token', 'list'], noKubeconfig: true, expect: [/no kubeconfig found: none of \/root\/\.kube\/config, \/etc\/kubernetes\/admin\.conf exists \(under --rootfs .*\)/, /--kubeconfig or \$KUBECONFIG/] },
  { name: 'a --kubeconfig that does not exist', argv: ['token', 'delete', 'abcdef', '--kubeconfig', 'kc.conf'], expect: [/the kubeconfig \/kc\.conf \(under --rootfs .*\) does not exist/] },
  { name: '--print-join-command with a kubeconfig without a CA', argv: ['token', 'create', '--print-join-command', '--kubeconfig', '/root/no-ca.conf'], files: { '/root/no-ca.conf': kubeconfig('https://127.0.0.1:1', '') }, expect: [/no CA certificates found in kubeconfig \/root\/no-ca\.conf/] },
  { name: '--print-join-command with a CA file that is missing', argv: ['token', 'create', '--print-join-command', '--kubeconfig', '/root/ca-file.conf'], files: { '/root/ca-file.conf': kubeconfig('https://127.0.0.1:1', '    certificate-authority: pki/ca.crt\n') }, expect: [/the CA file \/root\/pki\/ca\.crt that \/root\/ca-file\.conf names cannot be read/] },
  { name: 'delete without an argument', argv: ['token', 'delete'], expect: [/missing argument; 'token delete' is missing token of form "\\\\A\(\[a-z0-9\]\{6\}\)\\\\\.\(\[a-z0-9\]\{16\}\)\\\\z" or "\\\\A\(\[a-z0-9\]\{6\}\)\\\\z"/] },
  { name: 'delete with one bad argument among good ones', argv: ['token', 'delete', 'abcdef', 'nope', T], expect: [/given token didn't match pattern/, /"nope" is neither a token ID/] },
  { name: 'list in an unknown format', argv: ['token', 'list', '-o', 'wide'], expect: [/option '-o, --output <format>' argument 'wide' is invalid\. Allowed choices are text, json, yaml/] },
];

for (const c of cases) {
  test(`token, bad input: ${c.name}`, async (t) => {
    const api = await countingServer(t);
    const files = { ...c.files, ...(c.noKubeconfig ? {} : { [ADMIN]: kubeconfig(`https://127.0.0.1:${api.port}`, `    certificate-authority-data: ${Buffer.from(CA_PEM).toString('base64')}\n`) }) };
    const root = fakeNodeRoot(t, { files } satisfies FakeNode);
    const before = snapshotTree(root);
    const r = await runCli([...c.argv, '--rootfs', root], { cwd: '/', env: { HOME: '/root' } });
    assert.equal(r.code, 1, `exit code\n${r.stdout}${r.stderr}`);
    for (const e of c.expect) assert.match(r.stderr, e);
    assert.doesNotMatch(r.stderr, /This is a bug/, r.stderr);
    assert.equal(r.stdout, '', 'nothing on stdout');
    assert.equal(snapshotTree(root), before, 'nothing under --rootfs changed');
    assert.equal(api.connections(), 0, 'the cluster was not contacted');
  });
}

test('token create --dry-run: the Secret it would make, then the token; nothing sent, nothing written', async (t) => {
  const api = await countingServer(t);
  const root = fakeNodeRoot(t, { files: { '/root/.kube/config': kubeconfig(`https://127.0.0.1:${api.port}`, '') } });
  const before = snapshotTree(root);
  const r = await runCli(['token', 'create', T, '--dry-run', '--rootfs', root, '--ttl', '0', '--description', 'for node-7', '--groups', 'system:bootstrappers:a,system:bootstrappers:b'], { cwd: '/', env: { HOME: '/root' } });
  assert.equal(r.code, 0, r.stderr);
  const [head, attached, ...rest] = r.stdout.split('\n[dryrun] Attached object:\n');
  assert.equal(head, '[dryrun] Would perform action CREATE on resource "secrets" in API group "core/v1"');
  assert.equal(rest.length, 0);
  assert.ok(attached!.endsWith(`\n\n${T}\n`), attached);
  const secret = yaml.load(attached!.slice(0, -(T.length + 2))) as { metadata: { name: string; namespace: string }; type: string; data: Record<string, string> };
  assert.deepEqual(secret.metadata, { name: 'bootstrap-token-abcdef', namespace: 'kube-system' });
  assert.equal(secret.type, 'bootstrap.kubernetes.io/token');
  const data = Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
  assert.deepEqual(data, {
    'auth-extra-groups': 'system:bootstrappers:a,system:bootstrappers:b',
    description: 'for node-7',
    'token-id': 'abcdef',
    'token-secret': '0123456789abcdef',
    'usage-bootstrap-authentication': 'true',
    'usage-bootstrap-signing': 'true',
  }, 'ttl 0: no expiration');
  assert.equal(snapshotTree(root), before);
  assert.equal(api.connections(), 0);
});

test('token delete --dry-run: kubeadm\'s lines for each token; nothing sent', async (t) => {
  const api = await countingServer(t);
  const root = fakeNodeRoot(t, { files: { '/k/kc': kubeconfig(`https://127.0.0.1:${api.port}`, '') } });
  const r = await runCli(['token', 'delete', 'abcdef', 'zyxwvu.9876543210zyxwvu', '--dry-run', '--rootfs', root], { cwd: '/', env: { KUBECONFIG: '/k/missing:/k/kc' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      '[dryrun] Would perform action DELETE on resource "secrets" in API group "core/v1"',
      '[dryrun] Resource name "bootstrap-token-abcdef", namespace "kube-system"',
      'bootstrap token "abcdef" deleted',
      '[dryrun] Would perform action DELETE on resource "secrets" in API group "core/v1"',
      '[dryrun] Resource name "bootstrap-token-zyxwvu", namespace "kube-system"',
      'bootstrap token "zyxwvu" deleted',
      '',
    ].join('\n'),
  );
  assert.equal(api.connections(), 0);
});

test('token generate and certs certificate-key: a fresh value each time, in their formats', async () => {
  const tokens = new Set<string>();
  const keys = new Set<string>();
  for (let i = 0; i < 5; i++) {
    const g = await runCli(['token', 'generate']);
    assert.equal(g.code, 0, g.stderr);
    assert.match(g.stdout, /^[a-z0-9]{6}\.[a-z0-9]{16}\n$/);
    tokens.add(g.stdout);
    const k = await runCli(['certs', 'certificate-key']);
    assert.equal(k.code, 0, k.stderr);
    assert.match(k.stdout, /^[0-9a-f]{64}\n$/);
    keys.add(k.stdout);
  }
  assert.equal(tokens.size, 5);
  assert.equal(keys.size, 5);
  const extra = await runCli(['token', 'generate', 'extra']);
  assert.equal(extra.code, 1);
  assert.match(extra.stderr, /too many arguments/);
});

// `token create|list|delete` through the CLI against a real etcd + kube-apiserver (1.37, bootstrap
// token authentication on), each result checked with the API itself: kubectl reads the Secrets,
// the API server authenticates a created token (kubectl auth whoami), openssl computes the CA pin
// that --print-join-command must print.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';
import { runCli } from '../helpers/run-cli.js';

const GROUP = 'system:bootstrappers:kubeadm:default-node-token';

interface SecretJson {
  metadata: { name: string; resourceVersion: string };
  type: string;
  data: Record<string, string>;
}

function kubectlJson<T>(api: ApiServer, ...args: string[]): T {
  return JSON.parse(execFileSync('kubectl', ['--kubeconfig', api.adminKubeconfig, ...args, '-o', 'json'], { encoding: 'utf8' })) as T;
}

/** the token Secrets of kube-system, their data decoded, by name */
function tokenSecrets(api: ApiServer): Map<string, { rv: string; data: Record<string, string> }> {
  const list = kubectlJson<{ items: SecretJson[] }>(api, '-n', 'kube-system', 'get', 'secrets', '--field-selector', 'type=bootstrap.kubernetes.io/token');
  return new Map(list.items.map((s) => [s.metadata.name, { rv: s.metadata.resourceVersion, data: Object.fromEntries(Object.entries(s.data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])) }]));
}

test('token create, list (text, json, yaml) and delete against a real API server', { timeout: 240_000 }, async (t) => {
  const api = await startApiServer(t);
  const cli = (...argv: string[]) => runCli([...argv, '--kubeconfig', api.adminKubeconfig], { cwd: '/' });
  const pin = execSync(`openssl x509 -pubkey -noout -in ${path.join(api.dir, 'ca.crt')} | openssl pkey -pubin -outform der | sha256sum`, { encoding: 'utf8' }).split(' ')[0]!;
  assert.match(pin, /^[0-9a-f]{64}$/);
  const endpoint = api.url.replace('https://', '');

  await t.test('create with flags: the Secret as kubeadm writes it, and the API server accepts the token', async () => {
    const before = Date.now();
    const r = await cli('token', 'create', 'abcdef.0123456789abcdef', '--ttl', '2h', '--description', 'for the rack <7> & more');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'abcdef.0123456789abcdef\n');
    const s = tokenSecrets(api).get('bootstrap-token-abcdef');
    assert.ok(s, 'Secret kube-system/bootstrap-token-abcdef');
    const { expiration, ...rest } = s.data;
    assert.deepEqual(rest, {
      'auth-extra-groups': GROUP,
      description: 'for the rack <7> & more',
      'token-id': 'abcdef',
      'token-secret': '0123456789abcdef',
      'usage-bootstrap-authentication': 'true',
      'usage-bootstrap-signing': 'true',
    });
    assert.match(expiration!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const exp = Date.parse(expiration!);
    assert.ok(exp >= Math.floor(before / 1000) * 1000 + 2 * 3_600_000 && exp <= Date.now() + 2 * 3_600_000, expiration);

    const whoami = JSON.parse(execFileSync('kubectl', ['--kubeconfig', api.tokenKubeconfig('bootstrap.conf', 'abcdef.0123456789abcdef'), 'auth', 'whoami', '-o', 'json'], { encoding: 'utf8' })) as { status: { userInfo: { username: string; groups: string[] } } };
    assert.equal(whoami.status.userInfo.username, 'system:bootstrap:abcdef');
    assert.deepEqual(whoami.status.userInfo.groups.filter((g) => g.startsWith('system:bootstrappers')).sort(), ['system:bootstrappers', GROUP]);
  });

  await t.test('the same token again: "already exists", exit 1, the Secret untouched', async () => {
    const rv = tokenSecrets(api).get('bootstrap-token-abcdef')!.rv;
    const r = await cli('token', 'create', 'abcdef.0123456789abcdef', '--ttl', '5m');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: a token with id "abcdef" already exists/);
    assert.match(r.stderr, /hint: .*token delete abcdef/);
    assert.equal(tokenSecrets(api).get('bootstrap-token-abcdef')!.rv, rv);
  });

  let joinToken = '';
  await t.test('--print-join-command: the pin openssl computes from the CA, the server without https://', async () => {
    const r = await cli('token', 'create', '--print-join-command', '--ttl', '0', '--usages', 'authentication');
    assert.equal(r.code, 0, r.stderr);
    const m = new RegExp(`^mini-kubeadm join ${endpoint.replace(/\./g, '\\.')} --token ([a-z0-9]{6})\\.([a-z0-9]{16}) --discovery-token-ca-cert-hash sha256:${pin} \\n$`).exec(r.stdout);
    assert.ok(m, r.stdout);
    joinToken = `${m[1]}.${m[2]}`;
    const s = tokenSecrets(api).get(`bootstrap-token-${m[1]}`);
    assert.ok(s, 'the printed token exists');
    assert.equal(s.data['token-secret'], m[2]);
    assert.equal(s.data.expiration, undefined, '--ttl 0: never expires');
    assert.deepEqual(Object.keys(s.data).filter((k) => k.startsWith('usage-')), ['usage-bootstrap-authentication']);

    const key = 'f'.repeat(64);
    const cp = await cli('token', 'create', 'cpjoin.0123456789abcdef', '--print-join-command', '--certificate-key', key);
    assert.equal(cp.code, 0, cp.stderr);
    assert.equal(cp.stdout, `mini-kubeadm join ${endpoint} --token cpjoin.0123456789abcdef --discovery-token-ca-cert-hash sha256:${pin} --control-plane --certificate-key ${key}\n`);
  });

  await t.test('--config: every bootstrapTokens entry is made, the first is printed', async (t) => {
    const file = path.join(api.dir, 'tokens.yaml');
    writeFileSync(file, [
      'apiVersion: kubeadm.k8s.io/v1beta4',
      'kind: InitConfiguration',
      'bootstrapTokens:',
      '- token: conf01.0123456789abcdef',
      '  ttl: 30m',
      '  description: from the file',
      '- token: conf02.0123456789abcdef',
      '  usages: [signing]',
      '  groups: []',
      '  ttl: "0"',
      '  description: signing only',
      '',
    ].join('\n'));
    // a signing-only token with no groups: the file's empty list is defaulted, so kubeadm refuses it too
    const refused = await cli('token', 'create', '--config', file);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /bootstrapTokens\[1\]\.groups/);
    assert.equal(tokenSecrets(api).has('bootstrap-token-conf01'), false, 'nothing made when one entry is bad');

    writeFileSync(file, [
      'apiVersion: kubeadm.k8s.io/v1beta4',
      'kind: InitConfiguration',
      'bootstrapTokens:',
      '- token: conf01.0123456789abcdef',
      '  ttl: 30m',
      '  description: from the file',
      '- token: conf02.0123456789abcdef',
      '  usages: [authentication]',
      '  groups: [system:bootstrappers:extra]',
      '  ttl: "0"',
      '',
    ].join('\n'));
    const r = await cli('token', 'create', '--config', file);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'conf01.0123456789abcdef\n');
    const secrets = tokenSecrets(api);
    assert.equal(secrets.get('bootstrap-token-conf01')?.data.description, 'from the file');
    assert.ok(secrets.get('bootstrap-token-conf01')?.data.expiration);
    assert.deepEqual(secrets.get('bootstrap-token-conf02')?.data, {
      'auth-extra-groups': 'system:bootstrappers:extra',
      'token-id': 'conf02',
      'token-secret': '0123456789abcdef',
      'usage-bootstrap-authentication': 'true',
    });
    t.diagnostic(`tokens now: ${[...secrets.keys()].join(', ')}`);
  });

  // a Secret of the token type that kubeadm cannot read: listed on stderr, skipped
  execFileSync('kubectl', ['--kubeconfig', api.adminKubeconfig, 'create', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'bootstrap-token-broken', namespace: 'kube-system' }, type: 'bootstrap.kubernetes.io/token', stringData: { 'token-id': 'other1', 'token-secret': '0123456789abcdef' } }),
    encoding: 'utf8',
  });

  await t.test('list, text: one row per readable token, each cell as the Secret says; the broken one on stderr', async () => {
    const r = await cli('token', 'list');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /bootstrap token name is not of the form 'bootstrap-token-\(token-id\)'\. Actual: "bootstrap-token-broken"\. Expected: "bootstrap-token-other1"/);
    const lines = r.stdout.trimEnd().split('\n');
    // the header is laid out with the first row (EXPIRES is as wide as that row's cell, <never> or a date)
    assert.match(lines[0]!, /^TOKEN {21}TTL {9}EXPIRES +USAGES {19}DESCRIPTION {48}EXTRA GROUPS$/);
    const starts = (line: string) => [...line.matchAll(/(?:^| {3})(\S)/g)].map((m) => m.index! + m[0].length - 1);
    assert.deepEqual(starts(lines[0]!.replace('EXTRA GROUPS', 'EXTRA_GROUPS')), starts(lines[1]!), `${lines[0]}\n${lines[1]}`);
    const secrets = [...tokenSecrets(api)].filter(([name]) => name !== 'bootstrap-token-broken');
    assert.equal(lines.length - 1, secrets.length);
    for (const [, { data }] of secrets) {
      const row = lines.find((l) => l.startsWith(`${data['token-id']}.${data['token-secret']} `));
      assert.ok(row, `a row for ${data['token-id']}`);
      const cells = row.split(/ {3,}/);
      const usages = Object.keys(data).filter((k) => k.startsWith('usage-bootstrap-')).map((k) => k.slice('usage-bootstrap-'.length)).sort();
      assert.deepEqual(cells.slice(2), [data.expiration ?? '<never>', usages.join(',') || '<none>', data.description ?? '<none>', data['auth-extra-groups'] ?? '<none>'], row);
      if (!data.expiration) assert.equal(cells[1], '<forever>');
    }
    const abc = lines.find((l) => l.startsWith('abcdef.'))!;
    assert.match(abc, /^abcdef\.0123456789abcdef {3}1h {8}/, 'two hours less the seconds since: 1h, padded to 9');
  });

  await t.test('list -o json and -o yaml: BootstrapToken objects of output.kubeadm.k8s.io/v1alpha3 (a 1.37 cluster)', async () => {
    const secrets = [...tokenSecrets(api)].filter(([name]) => name !== 'bootstrap-token-broken');
    const want = secrets
      .map(([, { data }]) => {
        const o: Record<string, unknown> = { kind: 'BootstrapToken', apiVersion: 'output.kubeadm.k8s.io/v1alpha3', token: `${data['token-id']}.${data['token-secret']}` };
        if (data.description) o.description = data.description;
        if (data.expiration) o.expires = data.expiration;
        const usages = Object.keys(data).filter((k) => k.startsWith('usage-bootstrap-')).map((k) => k.slice('usage-bootstrap-'.length)).sort();
        if (usages.length) o.usages = usages;
        if (data['auth-extra-groups']) o.groups = data['auth-extra-groups'].split(',');
        return o;
      })
      .sort((a, b) => String(a.token).localeCompare(String(b.token)));
    const byToken = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.token).localeCompare(String(b.token));

    const j = await cli('token', 'list', '-o', 'json');
    assert.equal(j.code, 0, j.stderr);
    const docs = j.stdout.split(/(?<=^\})\n/m).filter((d) => d.trim() !== '').map((d) => JSON.parse(d) as Record<string, unknown>);
    assert.deepEqual(docs.sort(byToken), want);
    assert.match(j.stdout, /"description": "for the rack \\u003c7\\u003e \\u0026 more"/, "Go's HTML-safe escapes");

    const y = await cli('token', 'list', '-o', 'yaml');
    assert.equal(y.code, 0, y.stderr);
    const ydocs = y.stdout.split('---\n').map((d) => yaml.load(d) as Record<string, unknown>);
    assert.equal(ydocs.length, want.length);
    assert.deepEqual(ydocs.sort(byToken), want);
  });

  await t.test('$KUBECONFIG: the first entry that exists is used', async () => {
    const r = await runCli(['token', 'list', '-o', 'json'], { cwd: '/', env: { KUBECONFIG: `/nonexistent/kc:${api.adminKubeconfig}`, HOME: '/nonexistent' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"token": "abcdef\.0123456789abcdef"/);
    // kubeadm's --kubeconfig is a flag of `token` itself too
    const before = await runCli(['token', '--kubeconfig', api.adminKubeconfig, 'list'], { cwd: '/', env: { HOME: '/nonexistent' } });
    assert.equal(before.code, 0, before.stderr);
    assert.match(before.stdout, /^abcdef\.0123456789abcdef /m);
  });

  await t.test('delete by ID and by whole token; a missing one fails with kubeadm\'s message', async () => {
    const r = await cli('token', 'delete', 'abcdef', joinToken);
    assert.equal(r.code, 0, r.stderr);
    const id = joinToken.slice(0, 6);
    assert.equal(r.stdout, `bootstrap token "abcdef" deleted\nbootstrap token "${id}" deleted\n`);
    const left = tokenSecrets(api);
    assert.equal(left.has('bootstrap-token-abcdef'), false);
    assert.equal(left.has(`bootstrap-token-${id}`), false);
    assert.ok(left.has('bootstrap-token-conf01'), 'the others stay');

    const again = await cli('token', 'delete', 'abcdef');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /error: failed to delete bootstrap token "abcdef": secrets "bootstrap-token-abcdef" not found/);
  });

  await t.test('--dry-run: nothing is created or deleted', async () => {
    const before = [...tokenSecrets(api).keys()].sort();
    const c = await cli('token', 'create', 'dryrun.0123456789abcdef', '--dry-run');
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /\[dryrun\] Would perform action CREATE on resource "secrets"[\s\S]*name: bootstrap-token-dryrun[\s\S]*\ndryrun\.0123456789abcdef\n$/);
    const d = await cli('token', 'delete', 'conf01', '--dry-run');
    assert.equal(d.code, 0, d.stderr);
    assert.deepEqual([...tokenSecrets(api).keys()].sort(), before);
  });
});

// Go durations, IP ranges and the small value checks the configuration is built from.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, parseGoDuration } from '../../src/config/duration.js';
import { cidrsOverlap, nthAddress, parseCidr, parseCidrList, parseIp, formatIp } from '../../src/config/cidr.js';
import { isValidImageRepository, parseHostPort } from '../../src/config/validate.js';
import { generateBootstrapToken, isValidBootstrapToken } from '../../src/config/token.js';
import { resolveKubernetesVersion } from '../../src/config/kubernetes-version.js';

const H = 3_600_000;
const durations: { text: string; ms: number | undefined; back?: string }[] = [
  { text: '24h0m0s', ms: 24 * H, back: '24h0m0s' },
  { text: '24h', ms: 24 * H, back: '24h0m0s' },
  { text: '4m', ms: 240_000, back: '4m0s' },
  { text: '1h30m', ms: 1.5 * H, back: '1h30m0s' },
  { text: '90s', ms: 90_000, back: '1m30s' },
  { text: '1.5h', ms: 1.5 * H, back: '1h30m0s' },
  { text: '500ms', ms: 500, back: '500ms' },
  { text: '2m30.5s', ms: 150_500, back: '2m30.5s' },
  { text: '0', ms: 0, back: '0s' },
  { text: '8760h0m0s', ms: 8760 * H, back: '8760h0m0s' },
  { text: '-5m', ms: -300_000, back: '-5m0s' },
  { text: '24', ms: undefined },
  { text: 'h', ms: undefined },
  { text: '1d', ms: undefined },
  { text: '', ms: undefined },
  { text: '1h 30m', ms: undefined },
];
for (const d of durations) {
  test(`duration "${d.text}"`, () => {
    assert.equal(parseGoDuration(d.text), d.ms);
    if (d.back !== undefined) assert.equal(formatGoDuration(d.ms!), d.back);
  });
}

test('CIDRs: parse, clear host bits, overlap, nth address, dual-stack lists', () => {
  const svc = parseCidr('10.96.0.0/12')!;
  assert.equal(nthAddress(svc, 1), '10.96.0.1');
  assert.equal(nthAddress(svc, 10), '10.96.0.10');
  assert.equal(nthAddress(parseCidr('10.100.5.7/12')!, 0), '10.96.0.0');
  assert.equal(nthAddress(parseCidr('fd00:10:96::/112')!, 10), 'fd00:10:96::a');
  assert.ok(cidrsOverlap(parseCidr('10.244.0.0/16')!, parseCidr('10.240.0.0/12')!));
  assert.ok(!cidrsOverlap(parseCidr('10.244.0.0/16')!, svc));
  assert.ok(!cidrsOverlap(parseCidr('10.244.0.0/16')!, parseCidr('fd00::/8')!));
  assert.equal(parseCidrList('10.244.0.0/16,fd00:10:244::/56')?.length, 2);
  for (const bad of ['10.244.0.0', '10.244.0.0/33', '300.1.1.1/8', 'fd00::/129', 'abc', '10.244.0.0/16,']) assert.equal(parseCidrList(bad), undefined, bad);
  assert.equal(formatIp(parseIp('2001:db8:0:0:1:0:0:1')!), '2001:db8::1:0:0:1');
  assert.equal(formatIp(parseIp('::ffff:10.0.0.1')!), '::ffff:a00:1');
});

const hostPorts: { text: string; ok: boolean; host?: string; port?: number }[] = [
  { text: 'cp.example.com', ok: true, host: 'cp.example.com' },
  { text: 'cp.example.com:6443', ok: true, host: 'cp.example.com', port: 6443 },
  { text: '10.0.0.10:443', ok: true, host: '10.0.0.10', port: 443 },
  { text: '[fd00::10]:6443', ok: true, host: 'fd00::10', port: 6443 },
  { text: 'fd00::10', ok: true, host: 'fd00::10' },
  { text: 'cp.example.com:0', ok: false },
  { text: 'cp.example.com:99999', ok: false },
  { text: 'Bad_Host:6443', ok: false },
  { text: 'https://cp.example.com', ok: false },
];
for (const c of hostPorts) {
  test(`control-plane endpoint "${c.text}"`, () => {
    const r = parseHostPort(c.text);
    assert.equal(!('error' in r), c.ok);
    if (c.ok && !('error' in r)) assert.deepEqual(r, { host: c.host, port: c.port });
  });
}

test('image repositories as kubeadm checks them', () => {
  for (const ok of ['registry.k8s.io', 'localhost:5000', 'my-registry.example.com:5000/k8s', 'docker.io/library', '[fd00::1]:5000/k8s']) assert.ok(isValidImageRepository(ok), ok);
  for (const bad of ['https://registry.k8s.io', 'Registry.K8s.io/Images', 'registry.k8s.io/', 'repo:tag/x', '']) assert.ok(!isValidImageRepository(bad), bad);
});

test('bootstrap tokens: generated ones have kubeadm\'s format and differ', () => {
  const a = generateBootstrapToken();
  const b = generateBootstrapToken();
  assert.match(a, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  assert.notEqual(a, b);
  for (const bad of ['abcdef.0123456789abcde', 'ABCDEF.0123456789abcdef', 'abcdef0123456789abcdef', 'abcdef.0123456789abcdefg']) assert.ok(!isValidBootstrapToken(bad), bad);
});

const versions: { text: string | undefined; ok: boolean; want?: string }[] = [
  { text: undefined, ok: true, want: 'v1.37.2' },
  { text: 'v1.29.0', ok: true, want: 'v1.29.0' },
  { text: '1.33.4', ok: true, want: 'v1.33.4' },
  { text: 'v1.37.0-rc.1', ok: true, want: 'v1.37.0-rc.1' },
  { text: 'stable-1', ok: true, want: 'v1.37.2' },
  { text: 'v1.28.9', ok: false },
  { text: 'v1.38.0', ok: false },
  { text: 'v2.0.0', ok: false },
  { text: '1.31', ok: false },
  { text: 'v1.31.x', ok: false },
];
for (const v of versions) {
  test(`kubernetes version ${v.text ?? '(none)'}`, () => {
    const r = resolveKubernetesVersion(v.text, '--kubernetes-version');
    assert.equal(r.ok, v.ok);
    if (r.ok) assert.equal(r.version.text, v.want);
    else assert.match(r.problem.message, /--kubernetes-version/);
  });
}

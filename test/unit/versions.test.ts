// The per-minor table: every supported minor has a row in every table, patch steps resolve to
// the right release, and the default images match the releases checked against kubeadm's source.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKubeVersion } from '../../src/config/defaults.js';
import { byPatch, defaultImageTags, factsFor, IMAGE_ROWS, MANIFEST_ROWS, resolveRow, SUPPORTED_MINORS } from '../../src/config/versions.js';

const v = (text: string) => parseKubeVersion(text)!;

test('every supported minor has a row in every table', () => {
  for (const table of [IMAGE_ROWS, MANIFEST_ROWS]) assert.deepEqual(Object.keys(table).map(Number), [...SUPPORTED_MINORS]);
});

test('byPatch: the last step at or below the patch wins', () => {
  const row = { a: byPatch([[0, 'x'], [3, 'y'], [9, 'z']]), b: 7 };
  assert.deepEqual([0, 2, 3, 8, 9, 40].map((p) => resolveRow(row, p).a), ['x', 'x', 'y', 'y', 'z', 'z']);
  assert.equal(resolveRow(row, 5).b, 7);
});

// etcd/CoreDNS/pause of the kubeadm releases whose constants.go was read (Go module proxy
// sources) or whose tags the lab's kubeadm printed (`kubeadm config images list`)
const IMAGES: { version: string; etcd: string; coredns: string; pause: string }[] = [
  { version: 'v1.29.0', etcd: '3.5.10-0', coredns: 'v1.11.1', pause: '3.9' },
  { version: 'v1.29.15', etcd: '3.5.16-0', coredns: 'v1.11.1', pause: '3.9' },
  { version: 'v1.30.14', etcd: '3.5.15-0', coredns: 'v1.11.3', pause: '3.9' },
  { version: 'v1.32.13', etcd: '3.5.24-0', coredns: 'v1.11.3', pause: '3.10' },
  { version: 'v1.34.4', etcd: '3.6.5-0', coredns: 'v1.12.1', pause: '3.10.1' },
  { version: 'v1.35.1', etcd: '3.6.6-0', coredns: 'v1.13.1', pause: '3.10.1' },
  { version: 'v1.36.0', etcd: '3.6.8-0', coredns: 'v1.14.2', pause: '3.10.2' },
  { version: 'v1.37.2', etcd: '3.7.0-0', coredns: 'v1.14.6', pause: '3.10.2' },
];

for (const i of IMAGES) {
  test(`default images of ${i.version}`, () => {
    assert.deepEqual({ ...defaultImageTags(v(i.version)) }, { etcd: i.etcd, coredns: i.coredns, pause: i.pause });
  });
}

test('argOrder backports land on the named patches', () => {
  const order = (t: string) => factsFor(v(t)).manifests.argOrder;
  for (const [before, at] of [['v1.32.12', 'v1.32.13'], ['v1.33.8', 'v1.33.9'], ['v1.34.3', 'v1.34.4'], ['v1.35.0', 'v1.35.1']]) {
    assert.equal(order(before!), 'sorted', before);
    assert.equal(order(at!), 'defaults-then-extra', at);
  }
  assert.equal(order('v1.31.14'), 'sorted');
  assert.equal(order('v1.36.0'), 'defaults-then-extra');
});

test('a version outside 1.29-1.37 is refused by name', () => {
  assert.throws(() => factsFor(v('v1.28.9')), /v1\.28\.9 is outside the supported minors 1\.29-1\.37/);
  assert.throws(() => factsFor(v('v1.38.0')), /outside the supported minors/);
});

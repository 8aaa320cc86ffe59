// etcd membership decisions without an etcd: the --initial-cluster a joining member starts
// with, and which members a node of the same name left behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientUrl, initialCluster, peerUrl, staleMembers } from '../../src/etcd/members.js';
import type { EtcdMember } from '../../src/etcd/client.js';

const m = (id: string, name: string, peer: string, isLearner = false): EtcdMember => ({ id, name, peerURLs: [peer], clientURLs: [], isLearner });

test('peer and client URLs: IPv4 as is, IPv6 in brackets', () => {
  assert.equal(peerUrl('10.0.0.2'), 'https://10.0.0.2:2380');
  assert.equal(peerUrl('fd00::2'), 'https://[fd00::2]:2380');
  assert.equal(clientUrl('fd00::2'), 'https://[fd00::2]:2379');
});

test('initial cluster: etcd order; this node under its name, an unnamed other member under its hex id', () => {
  const members = [m('10', 'cp1', 'https://10.0.0.1:2380'), m('255', '', 'https://10.0.0.3:2380', true), m('4096', '', 'https://10.0.0.2:2380', true)];
  assert.equal(initialCluster(members, { name: 'cp2', peerURL: 'https://10.0.0.2:2380' }), 'cp1=https://10.0.0.1:2380,ff=https://10.0.0.3:2380,cp2=https://10.0.0.2:2380');
});

const rows: { name: string; members: EtcdMember[]; want: string[] }[] = [
  { name: 'no member of this name or address', members: [m('1', 'cp1', 'https://10.0.0.1:2380')], want: [] },
  { name: 'a member of the same name at another address', members: [m('1', 'cp1', 'https://10.0.0.1:2380'), m('2', 'cp2', 'https://10.0.0.9:2380')], want: ['2'] },
  { name: 'a member at this address under another name', members: [m('1', 'cp1', 'https://10.0.0.1:2380'), m('3', 'old', 'https://10.0.0.2:2380')], want: ['3'] },
  { name: 'an unstarted learner at this address', members: [m('1', 'cp1', 'https://10.0.0.1:2380'), m('4', '', 'https://10.0.0.2:2380', true)], want: ['4'] },
];
for (const r of rows) {
  test(`stale members: ${r.name}`, () => {
    assert.deepEqual(staleMembers(r.members, { name: 'cp2', peerURL: 'https://10.0.0.2:2380' }).map((x) => x.id), r.want);
  });
}

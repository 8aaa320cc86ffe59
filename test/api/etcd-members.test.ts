// The etcd client a stacked control plane uses (src/etcd/client.ts) against two real etcd
// processes on 127.0.0.1 with TLS on both ports (certificates made by openssl, as kubeadm's
// etcd has them): list, add a learner, start it with the existing cluster, promote it, see
// both vote, refuse a second add of the same peer URL, remove it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { certs, freePort, startEtcd, until } from '../helpers/etcd-procs.js';
import { EtcdApiError, EtcdClient } from '../../src/etcd/client.js';
import { etcdMemberStep } from '../../src/reset/etcd-member.js';
import { tmpHost } from '../helpers/tmp-host.js';
import { announceMember, initialCluster, promoteWhenStarted, quorum, removeMember, removeMemberId } from '../../src/etcd/members.js';

test('etcd members: list, add a learner, promote it once started, refuse the same peer URL twice, remove it (two real etcds, TLS)', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mk-etcd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  certs(dir);
  const [c1, p1, c2, p2] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const first = await startEtcd(t, dir, 'm1', c1, p1, `m1=https://127.0.0.1:${p1}`, 'new');
  const tls = { ca: readFileSync(path.join(dir, 'ca.crt')), cert: readFileSync(path.join(dir, 'healthcheck-client.crt')), key: readFileSync(path.join(dir, 'healthcheck-client.key')) };
  const etcd = new EtcdClient([`https://127.0.0.1:${c1}`], tls);

  const one = await until('the first member', async () => ((await etcd.members()).length === 1 ? etcd.members() : undefined)).catch((e: Error) => assert.fail(`${e.message}\n${first.log()}`));
  assert.equal(one[0]!.name, 'm1');
  assert.deepEqual(one[0]!.peerURLs, [`https://127.0.0.1:${p1}`]);
  assert.equal(one[0]!.isLearner, false);

  const peer2 = `https://127.0.0.1:${p2}`;
  const { members, added: announced } = await announceMember(etcd, peer2);
  assert.equal(announced, true);
  const added = members.find((m) => m.peerURLs.includes(peer2))!;
  assert.equal(added.isLearner, true);
  assert.equal(added.name, '', 'not started yet');
  assert.equal(members.length, 2);
  // etcd itself refuses the same peer URL twice; announcing again (a join run again) reuses the member
  await assert.rejects(etcd.add(peer2), (e: unknown) => e instanceof EtcdApiError && /Peer URLs already exists|member ID already exist/i.test(e.etcdMessage));
  assert.deepEqual(await announceMember(etcd, peer2).then((r) => [r.added, r.members.length]), [false, 2]);
  const cluster = initialCluster(members, { name: 'm2', peerURL: peer2 });
  assert.deepEqual(cluster.split(',').sort(), [`m1=https://127.0.0.1:${p1}`, `m2=${peer2}`]);

  const second = await startEtcd(t, dir, 'm2', c2, p2, cluster, 'existing');
  // a learner is promoted once it has started and caught up with the leader: etcd refuses until then
  await promoteWhenStarted(etcd, peer2, 60_000).catch((e: Error) => assert.fail(`${e.message}\n${second.log()}`));
  const both = new EtcdClient([`https://127.0.0.1:${c1}`, `https://127.0.0.1:${c2}`], tls);
  const voting = await both.members();
  assert.deepEqual(voting.map((m) => `${m.name}:${m.isLearner}`).sort(), ['m1:false', 'm2:false']);
  const statuses = await both.statuses();
  assert.equal(statuses.filter((s) => 'version' in s && s.version.startsWith('3.')).length, 2, JSON.stringify(statuses));

  assert.equal((await quorum(both)).healthy, true);

  // reset on m2's node: its etcd manifest and certificates say who it is and who its peers are
  const host = tmpHost(t);
  for (const f of ['ca.crt', 'healthcheck-client.crt', 'healthcheck-client.key']) await host.writeFile(`/etc/kubernetes/pki/etcd/${f}`, readFileSync(path.join(dir, f)), 0o600);
  const manifest = `apiVersion: v1
kind: Pod
metadata: {name: etcd, namespace: kube-system}
spec:
  containers:
  - name: etcd
    command:
    - etcd
    - --advertise-client-urls=https://127.0.0.1:${c2}
    - --initial-advertise-peer-urls=${peer2}
    - --initial-cluster=${cluster}
    - --initial-cluster-state=existing
    - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
`;
  await host.writeFile('/etc/kubernetes/manifests/etcd.yaml', manifest, 0o600);
  const said: string[] = [];
  const log = { removed: (w: string) => said.push(`removed ${w}`), left: (w: string, e: string) => said.push(`left ${w}: ${e}`), note: (m: string) => said.push(`note ${m}`), warn: (m: string) => said.push(`warn ${m}`) };
  await etcdMemberStep.run({ host, manifest: '/etc/kubernetes/manifests/etcd.yaml' }, log);
  assert.match(said.join('\n'), /^removed etcd member [0-9a-f]+ \(m2\); 1 members remain$/m, said.join('\n'));
  assert.equal(await removeMember(etcd, peer2), false, 'already gone');
  // m1's reset: the last member has no cluster to leave
  said.length = 0;
  await host.writeFile('/etc/kubernetes/manifests/etcd.yaml', manifest.replace(`https://127.0.0.1:${c2}`, `https://127.0.0.1:${c1}`).replace(`--initial-advertise-peer-urls=${peer2}`, `--initial-advertise-peer-urls=https://127.0.0.1:${p1}`), 0o600);
  await etcdMemberStep.run({ host, manifest: '/etc/kubernetes/manifests/etcd.yaml' }, log);
  assert.match(said.join('\n'), /its only member is this node's/);
  assert.deepEqual((await etcd.members()).map((m) => m.name), ['m1']);
  // m2 is out of the cluster: of the two endpoints only m1 serves a quorum view now
  await until('m2 to stop serving', async () => ((await both.statuses()).filter((x) => 'error' in x).length === 1 ? true : undefined), 20_000).catch(() => undefined);
  // an endpoint that does not answer is passed over for the next
  const withDead = new EtcdClient([`https://127.0.0.1:${await freePort()}`, `https://127.0.0.1:${c1}`], tls);
  assert.equal((await withDead.members()).length, 1);

  // etcd derives a new member's ID from its peer URL and the current second and never reuses a
  // removed ID: a peer URL announced, removed and announced again within one second is refused
  // ("member not found") by a plain add; announceMember waits for the next second
  const again = `https://127.0.0.1:${await freePort()}`;
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
  const gone = (await etcd.add(again)).added;
  assert.equal(await removeMemberId(etcd, gone.id), true);
  const plain = await etcd.add(again).then(
    (r) => r.added,
    (e: Error) => e,
  );
  if (plain instanceof Error) assert.match(plain.message, /member not found/);
  else await removeMemberId(etcd, plain.id); // the second turned meanwhile (a slow machine): nothing to show
  const reannounced = await announceMember(etcd, again);
  assert.equal(reannounced.added, true);
  const listed = reannounced.members.find((m) => m.peerURLs.includes(again));
  assert.ok(listed && listed.id !== gone.id, 'a new ID');
  assert.equal(await removeMemberId(etcd, listed.id), true);
});

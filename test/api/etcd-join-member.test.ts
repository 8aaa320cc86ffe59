// joinEtcdMember (src/etcd/join-member.ts) against three real etcds with TLS: a join run again
// after it was interrupted reuses the learner it announced; a member a dead node of the same
// name left is named plainly and kept without --replace-stale-member, removed with it (the
// healthy members untouched, the cluster keeping quorum with one member dead); a member of the
// same name that answers is never removed; a member that removes itself (reset) reports success.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { certs, freePort, startEtcd, until } from '../helpers/etcd-procs.js';
import { EtcdClient, memberHex } from '../../src/etcd/client.js';
import { initialCluster, promoteWhenStarted, quorum, removeMemberId } from '../../src/etcd/members.js';
import { joinEtcdMember, type JoinMemberInput } from '../../src/etcd/join-member.js';

test('a control-plane join\'s etcd member: rerun, stale member of the same name, live member of the same name (three real etcds)', { timeout: 180_000 }, async (t) => {
  // (a failure names its stage and the members' last log lines: a CI failure is read from its log alone)
  let stage = 'a starts';
  const procs: { name: string; log: () => string }[] = [];
  t.after(() => {
    if (!failed) return;
    t.diagnostic(`failed at: ${stage}`);
    for (const p of procs) for (const line of p.log().split('\n')) t.diagnostic(`etcd ${p.name}: ${line}`);
  });
  let failed = true;

  const dir = mkdtempSync(path.join(tmpdir(), 'mk-etcd-join-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  certs(dir);
  const ports = await Promise.all(Array.from({ length: 6 }, () => freePort()));
  const [ca, pa, cb, pb, cc, pc] = ports as [number, number, number, number, number, number];
  const peer = (p: number) => `https://127.0.0.1:${p}`;
  const a = await startEtcd(t, dir, 'a', ca, pa, `a=${peer(pa)}`, 'new');
  procs.push({ name: 'a', log: a.log });
  const tls = { ca: readFileSync(path.join(dir, 'ca.crt')), cert: readFileSync(path.join(dir, 'healthcheck-client.crt')), key: readFileSync(path.join(dir, 'healthcheck-client.key')) };
  const etcd = new EtcdClient([`https://127.0.0.1:${ca}`, `https://127.0.0.1:${cb}`, `https://127.0.0.1:${cc}`], tls);
  await until('the first member', async () => ((await etcd.members()).length === 1 ? true : undefined));
  const said: string[] = [];
  const input = (name: string, p: number, o: Partial<JoinMemberInput> = {}): JoinMemberInput => ({ etcd, self: { name, peerURL: peer(p) }, hasLocalData: false, replaceStale: false, learner: true, say: (m) => said.push(m), dryRun: false, etcdCallTimeoutMs: 30_000, ...o });

  // b joins; its join is interrupted after the announcement and run again: the same learner, no second member
  stage = 'b joins, run again';
  const first = await joinEtcdMember(input('b', pb));
  assert.equal(first.added, true);
  const again = await joinEtcdMember(input('b', pb));
  assert.equal(again.added, false);
  assert.equal(again.members.length, 2);
  assert.match(said.join('\n'), /this node's member [0-9a-f]+ \(name <not started>, peer https:\/\/127\.0\.0\.1:\d+, learner\) is already announced \(an earlier run of this join\): reusing it/);
  stage = 'b starts and is promoted';
  const b = await startEtcd(t, dir, 'b', cb, pb, initialCluster(again.members, { name: 'b', peerURL: peer(pb) }), 'existing');
  await promoteWhenStarted(etcd, peer(pb), 60_000);

  procs.push({ name: 'b', log: b.log });
  stage = 'c joins, starts and is promoted';
  const c1 = await joinEtcdMember(input('c', pc));
  const c = await startEtcd(t, dir, 'c', cc, pc, initialCluster(c1.members, { name: 'c', peerURL: peer(pc) }), 'existing');
  procs.push({ name: 'c', log: c.log });
  await promoteWhenStarted(etcd, peer(pc), 60_000);
  const three = await etcd.members();
  assert.deepEqual(three.map((m) => `${m.name}:${m.isLearner}`).sort(), ['a:false', 'b:false', 'c:false']);

  // c's node dies without a reset: the other two keep quorum
  stage = 'c killed, quorum';
  await c.kill();
  const q = await quorum(etcd);
  assert.equal(q.healthy, true);
  assert.equal(q.answering.length, 2);
  const oldC = three.find((m) => m.name === 'c')!;

  // c comes back wiped (no etcd data) under the same name and address: named plainly, nothing removed
  stage = 'c wiped: stale member named';
  await assert.rejects(joinEtcdMember(input('c', pc)), (e: Error & { code?: string; hint?: string }) => {
    assert.equal(e.code, 'ETCD_STALE_MEMBER');
    assert.match(e.message, new RegExp(`etcd still lists member ${memberHex(oldC.id)} \\(name "c", peer ${peer(pc).replace(/\./g, '\\.')}\\), left by an earlier node named "c" that was not reset \\(it does not answer\\)`));
    assert.match(e.hint ?? '', /--replace-stale-member/);
    assert.match(e.hint ?? '', new RegExp(`etcdctl member remove ${memberHex(oldC.id)}`));
    return true;
  });
  assert.equal((await etcd.members()).length, 3, 'nothing removed without the flag');

  // with --replace-stale-member: the stale member goes, a and b stay as they were, c is announced anew
  stage = 'c wiped: --replace-stale-member';
  const replaced = await joinEtcdMember(input('c', pc, { replaceStale: true }));
  assert.deepEqual(replaced.removed.map((m) => m.id), [oldC.id]);
  assert.equal(replaced.added, true);
  const after = await etcd.members();
  for (const name of ['a', 'b']) assert.deepEqual(after.find((m) => m.name === name), three.find((m) => m.name === name), `${name} untouched`);
  const newC = after.find((m) => m.peerURLs.includes(peer(pc)))!;
  assert.notEqual(newC.id, oldC.id);
  assert.equal(newC.isLearner, true);

  // a node named b (b's address) that is not b: b answers, so it is never removed, with or without the flag
  stage = 'a node named b while b answers';
  await assert.rejects(joinEtcdMember(input('b', pb, { replaceStale: true })), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'ETCD_MEMBER_NAME_IN_USE');
    assert.match(e.message, /answers at https:\/\/127\.0\.0\.1:\d+: a live control plane already uses the name "b"/);
    return true;
  });
  assert.ok((await etcd.members()).some((m) => m.name === 'b'), 'b is still a member');
  assert.equal((await quorum(etcd)).healthy, true);

  // reset on b: its own etcd asked first (as reset does) removes itself; it stops at once and may
  // answer "server stopped" for the removal it made: the others say it is gone, so it is a success
  stage = 'b removes itself (reset)';
  const bId = (await etcd.members()).find((m) => m.name === 'b')!.id;
  assert.equal(await removeMemberId(etcd.at([`https://127.0.0.1:${cb}`, `https://127.0.0.1:${ca}`]), bId, 30_000), true);
  assert.deepEqual((await etcd.members()).filter((m) => !m.isLearner).map((m) => m.name), ['a']);
  failed = false;
});

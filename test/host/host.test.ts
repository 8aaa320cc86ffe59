// The host seam on a real temp directory: --rootfs mapping, atomic writes with exact modes,
// and a dry run that reads through but changes nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { tmpHost } from '../helpers/tmp-host.js';
import { DryRunHost } from '../../src/host/dry-run-host.js';

test('writes land under --rootfs with the exact mode, whatever the umask', async (t) => {
  const host = tmpHost(t);
  const old = process.umask(0o077);
  try {
    await host.writeFile('/etc/kubernetes/pki/ca.crt', 'cert', 0o644);
    await host.writeFile('/etc/kubernetes/pki/ca.key', 'key', 0o600);
  } finally {
    process.umask(old);
  }
  const real = path.join(host.rootfs, 'etc/kubernetes/pki');
  assert.equal(statSync(path.join(real, 'ca.crt')).mode & 0o777, 0o644);
  assert.equal(statSync(path.join(real, 'ca.key')).mode & 0o777, 0o600);
  assert.equal(readFileSync(path.join(real, 'ca.key'), 'utf8'), 'key');
  assert.deepEqual(readdirSync(real).sort(), ['ca.crt', 'ca.key'], 'no temp files left behind');
});

test('a rewrite replaces the file atomically (new inode, never a half-written file)', async (t) => {
  const host = tmpHost(t);
  await host.writeFile('/a/f', 'one', 0o600);
  const before = statSync(host.resolve('/a/f')).ino;
  await host.writeFile('/a/f', 'two', 0o600);
  assert.notEqual(statSync(host.resolve('/a/f')).ino, before);
  assert.equal(await host.readText('/a/f'), 'two');
});

test('reads of missing files are undefined, listDir of a missing dir is empty', async (t) => {
  const host = tmpHost(t);
  assert.equal(await host.readFile('/nope'), undefined);
  assert.equal(await host.stat('/nope/deeper'), undefined);
  assert.deepEqual(await host.listDir('/nope'), []);
});

test('relative paths are refused: every node path is absolute', async (t) => {
  const host = tmpHost(t);
  await assert.rejects(host.readFile('etc/kubernetes'), /must be absolute/);
});

test('run gives exit code and output, and does not throw on failure', async (t) => {
  const host = tmpHost(t);
  const ok = await host.run('sh', ['-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(ok.exitCode, 3);
  assert.equal(ok.stdout.trim(), 'out');
  assert.equal(ok.stderr.trim(), 'err');
  await assert.rejects(host.run('/no/such/binary', []), /cannot run/);
});

test('dry run: reads go through, writes and removals are recorded and not done', async (t) => {
  const inner = tmpHost(t);
  mkdirSync(inner.resolve('/etc/kubernetes'), { recursive: true });
  writeFileSync(inner.resolve('/etc/kubernetes/existing.conf'), 'old');
  const dry = new DryRunHost(inner);
  assert.equal(await dry.readText('/etc/kubernetes/existing.conf'), 'old');
  await dry.writeFile('/etc/kubernetes/new.conf', 'new', 0o600);
  await dry.remove('/etc/kubernetes/existing.conf');
  await dry.run('systemctl', ['restart', 'kubelet']);
  // the run sees its own would-be state ...
  assert.equal(await dry.readText('/etc/kubernetes/new.conf'), 'new');
  assert.equal(await dry.exists('/etc/kubernetes/existing.conf'), false);
  assert.deepEqual(await dry.listDir('/etc/kubernetes'), ['new.conf']);
  // ... while the disk is untouched
  assert.equal(readFileSync(inner.resolve('/etc/kubernetes/existing.conf'), 'utf8'), 'old');
  assert.equal(existsSync(inner.resolve('/etc/kubernetes/new.conf')), false);
  assert.deepEqual(dry.actions.map((a) => a.kind), ['write', 'remove', 'run']);
});

// The host seam on a real temp directory: --rootfs mapping, atomic writes with exact modes,
// a dry run that reads through but changes nothing, and what stands at a path where a file
// is read or written (a directory, FIFO, device, dangling link) as an error naming it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { tmpDir, tmpHost } from '../helpers/tmp-host.js';
import { DryRunHost } from '../../src/host/dry-run-host.js';
import { RealHost } from '../../src/host/real-host.js';
import { unchangedDuringRead } from '../../src/host/path-trouble.js';
import { HostError } from '../../src/errors.js';

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

// ---- what stands at a path: the host classifies it before it opens anything

const STANDING: { name: string; make: (real: string) => void; error: RegExp | undefined }[] = [
  { name: 'a regular file', make: (p) => writeFileSync(p, 'x'), error: undefined },
  { name: 'a directory', make: (p) => mkdirSync(p), error: /^\/etc\/x \(.*\/etc\/x under --rootfs\) is a directory, not a regular file$/ },
  { name: 'a FIFO (with no writer: opening it would block)', make: (p) => execFileSync('mkfifo', [p]), error: /is a named pipe \(FIFO\), not a regular file$/ },
  { name: 'a device', make: (p) => symlinkSync('/dev/zero', p), error: /is a character device, not a regular file$/ },
  { name: 'a dangling symlink', make: (p) => symlinkSync('/no/such/target', p), error: /is a symbolic link to \/no\/such\/target that does not exist, not a regular file$/ },
  { name: 'a symlink loop', make: (p) => symlinkSync(p, p), error: /\/etc\/x .*: too many levels of symbolic links \(read\)$/ },
];
for (const s of STANDING) {
  test(`readFile of ${s.name}: ${s.error ? 'a HostError naming the path, at once' : 'its bytes'}`, async (t) => {
    const host = tmpHost(t);
    mkdirSync(host.resolve('/etc'));
    s.make(host.resolve('/etc/x'));
    const read = host.readFile('/etc/x');
    if (!s.error) return assert.equal((await read)?.toString(), 'x');
    await assert.rejects(read, (e: unknown) => e instanceof HostError && s.error!.test(e.message) && (e.hint ?? '') !== '');
  });
}

test('files of /proc (size 0, a time of "now") are read whole', async () => {
  const text = (await new RealHost('/').readText('/proc/self/status')) ?? '';
  assert.match(text, /^Name:/);
});

test('a read is whole only when size and time stayed and every byte came (else it is read again)', () => {
  const at = (size: number, mtimeMs: number) => ({ size, mtimeMs });
  assert.equal(unchangedDuringRead(at(10, 1), at(10, 1), 10), true);
  assert.equal(unchangedDuringRead(at(0, 1), at(0, 2), 57), true, '/proc');
  assert.equal(unchangedDuringRead(at(10, 1), at(12, 2), 10), false, 'grew');
  assert.equal(unchangedDuringRead(at(10, 1), at(10, 2), 10), false, 'rewritten in place');
  assert.equal(unchangedDuringRead(at(10, 1), at(10, 1), 7), false, 'fewer bytes than its size');
});

test('writing where a directory stands, or below a file, names the path (no errno for the bug handler)', async (t) => {
  const host = tmpHost(t);
  mkdirSync(host.resolve('/etc/kubernetes/admin.conf/x'), { recursive: true });
  writeFileSync(host.resolve('/etc/kubernetes/pki'), 'a file');
  await assert.rejects(host.writeFile('/etc/kubernetes/admin.conf', 'y', 0o600), (e: unknown) => e instanceof HostError && /^\/etc\/kubernetes\/admin\.conf .*: is a directory \(write\)$/.test(e.message));
  await assert.rejects(host.writeFile('/etc/kubernetes/pki/ca.crt', 'y', 0o644), (e: unknown) => e instanceof HostError && /^\/etc\/kubernetes\/pki\/ca\.crt .*: something that is not a directory stands along the path, where a directory is needed \(write\)$/.test(e.message));
  await assert.rejects(host.mkdir('/etc/kubernetes/pki', 0o755), (e: unknown) => e instanceof HostError && /\/etc\/kubernetes\/pki/.test(e.message));
});

test('--rootfs must be a directory', async (t) => {
  const dir = tmpDir(t);
  writeFileSync(path.join(dir, 'f'), 'x');
  await new RealHost(dir).checkRoot();
  await assert.rejects(new RealHost(path.join(dir, 'f')).checkRoot(), /--rootfs .*\/f: is a file, not a directory/);
  await assert.rejects(new RealHost(path.join(dir, 'none')).checkRoot(), /--rootfs .*\/none: no such directory/);
});

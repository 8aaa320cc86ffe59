// Runs the CLI in-process, as a user would from a shell, and captures what it printed.

import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Io } from '../../src/io.js';
import { main } from '../../src/main.js';
import { tmpDir } from './tmp-host.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** An Io whose two streams are collected as text (NO_COLOR, this process's cwd unless given). */
export function captureIo(opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { io: Io; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (d: Buffer) => (o += d.toString()));
  stderr.on('data', (d: Buffer) => (e += d.toString()));
  return { io: { stdout, stderr, env: { NO_COLOR: '1', ...opts.env }, cwd: opts.cwd ?? process.cwd() }, out: () => o, err: () => e };
}

export async function runCli(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const c = captureIo(opts);
  const code = await main(argv, c.io);
  return { code, stdout: c.out(), stderr: c.err() };
}

/**
 * The built CLI (bin/, the bundles, templates/) copied where every user can read it: the
 * checkout may sit in a directory other users cannot enter (e.g. under root's home).
 */
export function cliCopyForAnyUser(t: TestContext): string {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const dir = tmpDir(t, 'mk-cli-');
  for (const part of ['bin', 'dist/bundle', 'templates', 'package.json']) cpSync(path.join(repo, part), path.join(dir, part), { recursive: true });
  chmodSync(dir, 0o755);
  return path.join(dir, 'bin/mini-kubeadm');
}

/** the bin (from cliCopyForAnyUser) run as nobody (uid 65534) in a separate process */
export function runCliAsNobody(cli: string, argv: string[]): CliResult {
  try {
    const stdout = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cli, ...argv], { encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, stdout: err.stdout, stderr: err.stderr };
  }
}

// Runs the CLI in-process, as a user would from a shell, and captures what it printed.

import { PassThrough } from 'node:stream';
import type { Io } from '../../src/io.js';
import { main } from '../../src/main.js';

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

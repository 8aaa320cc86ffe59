// Runs the CLI in-process, as a user would from a shell, and captures what it printed.

import { PassThrough } from 'node:stream';
import { main } from '../../src/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(argv: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await main(argv, { stdout: out, stderr: err, env: { NO_COLOR: '1', ...opts.env }, cwd: opts.cwd ?? process.cwd() });
  return { code, stdout, stderr };
}

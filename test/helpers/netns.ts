// Throwaway network namespaces for reset's tests: the CLI runs inside one (with its own
// private /run/netns, so `ip netns` there sees only what the test made), never in the host's.

import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = path.join(repo, 'bin/mini-kubeadm');

const TOOLS: { bin: string; pkg: string }[] = [
  { bin: 'ip', pkg: 'iproute2' },
  { bin: 'iptables-legacy', pkg: 'iptables' },
  { bin: 'iptables-nft', pkg: 'iptables' },
  { bin: 'unshare', pkg: 'util-linux' },
];

/** iproute2 and iptables, installed with apt-get when missing (the tests act with the real tools) */
export function ensureNetTools(): void {
  const has = (b: string) => ['/usr/sbin', '/usr/bin', '/sbin', '/bin'].some((d) => existsSync(path.join(d, b)));
  const missing = [...new Set(TOOLS.filter((t) => !has(t.bin)).map((t) => t.pkg))];
  if (missing.length === 0) return;
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** a fresh named network namespace, deleted when the test ends */
export function makeNetns(t: TestContext): string {
  ensureNetTools();
  const ns = `mk-reset-test-${randomBytes(4).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', ns]);
  t.after(() => execFileSync('ip', ['netns', 'delete', ns]));
  return ns;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** a shell script in the namespace (its network only; the mounts are the host's) */
export function inNetns(ns: string, script: string): Promise<Run> {
  return run('ip', ['netns', 'exec', ns, 'sh', '-ec', script]);
}

/**
 * The CLI in the namespace, with a private, empty /run/netns in which `before` may add
 * namespaces (e.g. `ip netns add cni-x`); `after` runs there too, its output after a
 * "@@after" line of stdout. The CLI's exit code is the result's.
 */
export function cliInNetns(ns: string, args: string[], opts: { before?: string; after?: string } = {}): Promise<Run> {
  const script = [
    'mount -t tmpfs mk-reset-test /run/netns',
    opts.before ?? ':',
    'rc=0; node "$0" "$@" || rc=$?',
    'echo @@after',
    opts.after ?? ':',
    'exit $rc',
  ].join('\n');
  return run('ip', ['netns', 'exec', ns, 'unshare', '--mount', '--propagation', 'private', 'sh', '-ec', script, CLI, ...args]);
}

// The Host a command acts through, from its flags: the real node (under --rootfs), wrapped
// in the recording dry-run host for --dry-run.

import path from 'node:path';
import type { FlagValues } from '../config/flags.js';
import type { Io } from '../io.js';
import type { Host } from './host.js';
import { RealHost } from './real-host.js';
import { DryRunHost } from './dry-run-host.js';

/** commands a dry run may still really execute, because they only look (command and leading words) */
const READ_ONLY: readonly (readonly string[])[] = [
  ['systemctl', 'is-active'],
  ['systemctl', 'is-enabled'],
  ['crictl', 'ps'],
  ['crictl', 'pods'],
  ['crictl', 'info'],
  ['crictl', 'images'],
  ['crictl', 'version'],
  // reset's plan: what is there to remove
  ['iptables-save'],
  ['iptables-legacy-save'],
  ['iptables-nft-save'],
  ['ip6tables-save'],
  ['ip6tables-legacy-save'],
  ['ip6tables-nft-save'],
  ['ip', '-o', 'link', 'show'],
  ['ip', 'netns', 'list'],
  ['ipvsadm', '--save'],
];

/** crictl's global options (--runtime-endpoint X, --timeout Y) come before its verb */
function verbWords(command: string, args: readonly string[]): string[] {
  if (command !== 'crictl') return [...args];
  let i = 0;
  while (i < args.length && args[i]!.startsWith('--')) i += args[i]!.includes('=') ? 1 : 2;
  return args.slice(i);
}

export function isReadOnly(command: string, args: readonly string[]): boolean {
  const words = verbWords(command, args);
  return READ_ONLY.some(([cmd, ...lead]) => cmd === command && lead.every((w, i) => words[i] === w));
}

export async function nodeHost(flags: FlagValues, io: Io): Promise<Host> {
  const rootfs = typeof flags.rootfs === 'string' ? path.resolve(io.cwd, flags.rootfs) : '/';
  const real = new RealHost(rootfs);
  await real.checkRoot();
  if (flags['dry-run'] !== true) return real;
  return new DryRunHost(real, isReadOnly);
}

// Removing files and directory contents through the host, one entry at a time, so that one
// entry that cannot go does not keep the others, and each leftover is named.

import path from 'node:path';
import type { Host } from '../host/host.js';
import { errorText, type StepLog } from './steps.js';

/** How many names to show when a directory's contents are listed in one line. */
const SHOWN = 6;

/** Remove everything inside `dir` but keep `dir` itself (kubeadm's CleanDir); missing is fine. */
export async function emptyDirectory(host: Host, dir: string, log: StepLog): Promise<void> {
  const entries = await host.listDir(dir);
  if (entries.length === 0) return;
  const gone: string[] = [];
  for (const name of entries) {
    const p = path.posix.join(dir, name);
    try {
      await host.remove(p);
      gone.push(name);
    } catch (e) {
      log.left(p, errorText(e));
    }
  }
  if (gone.length > 0) log.removed(describeContents(dir, gone));
}

export function describeContents(dir: string, names: readonly string[]): string {
  const shown = names.slice(0, SHOWN).join(', ') + (names.length > SHOWN ? `, … ${names.length - SHOWN} more` : '');
  return `contents of ${dir} (${names.length} ${names.length === 1 ? 'entry' : 'entries'}: ${shown})`;
}

/** Remove each path that exists (a file, or a directory with everything in it). */
export async function removePaths(host: Host, paths: readonly string[], log: StepLog): Promise<void> {
  for (const p of paths) {
    try {
      if (!(await host.exists(p))) continue;
      await host.remove(p);
      log.removed(p);
    } catch (e) {
      log.left(p, errorText(e));
    }
  }
}

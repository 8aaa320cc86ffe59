// What is mounted under a directory, from /proc/self/mountinfo (read through the host), and
// unmounting it deepest first: the kubelet's volume mounts must go before its directory is emptied.

import type { Host } from '../host/host.js';
import { errorText, type StepLog } from './steps.js';

export const MOUNTINFO = '/proc/self/mountinfo';

/** mountinfo escapes space, tab, newline and backslash as octal (\040 ...) */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** The mount points in a mountinfo text (the fifth field of each line). */
export function parseMountPoints(mountinfo: string): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const field = line.split(' ')[4];
    if (field) out.push(unescape(field));
  }
  return out;
}

/** Mount points strictly below `dir` (not `dir` itself: a mounted /var/lib/kubelet stays), deepest first. */
export function mountsUnder(mountPoints: readonly string[], dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const under = [...new Set(mountPoints.filter((m) => m.startsWith(prefix)))];
  const depth = (p: string) => p.split('/').length;
  return under.sort((a, b) => depth(b) - depth(a) || b.localeCompare(a));
}

export async function currentMountsUnder(host: Host, dir: string): Promise<string[]> {
  const text = await host.readText(MOUNTINFO);
  return text === undefined ? [] : mountsUnder(parseMountPoints(text), dir);
}

/** Unmount (lazily, as kubeadm's MNT_DETACH) everything below `dir`; true when nothing is left mounted. */
export async function unmountUnder(host: Host, dir: string, log: StepLog): Promise<boolean> {
  const mounts = await currentMountsUnder(host, dir);
  if (mounts.length === 0) {
    log.note(`nothing is mounted under ${dir}`);
    return true;
  }
  let allGone = true;
  for (const m of mounts) {
    try {
      const r = await host.run('umount', ['--lazy', m]);
      if (r.exitCode !== 0) throw new Error((r.stderr || r.stdout).trim() || `umount exited ${r.exitCode}`);
      log.removed(`mount ${m}`);
    } catch (e) {
      allGone = false;
      log.left(`mount ${m}`, errorText(e));
    }
  }
  return allGone;
}

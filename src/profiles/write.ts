// What a profile does on the node: its files (the encryption key kept once written), the etcd
// data directory's owner (a system user the node must already have), the files it tightens.

import type { Host } from '../host/host.js';
import type { Profile } from './profiles.js';

/** Writes the profile's files; returns one line per file for the report. */
export async function writeProfileFiles(host: Host, profile: Profile): Promise<string[]> {
  const lines: string[] = [];
  for (const f of profile.files) {
    const mode = f.mode.toString(8).padStart(4, '0');
    if (f.keepExisting && (await host.exists(f.path))) {
      await host.chmod(f.path, f.mode);
      lines.push(`${f.path} kept (${mode}): its key already protects what is stored`);
      continue;
    }
    await host.writeFile(f.path, f.text(), f.mode);
    lines.push(`${f.path} (${mode})`);
  }
  return lines;
}

/** uid and gid of a user (its group of the same name, else its primary group) from the node's /etc/passwd and /etc/group */
export async function systemUser(host: Pick<Host, 'readText'>, name: string): Promise<{ uid: number; gid: number } | undefined> {
  const field = (text: string | undefined, i: number) => {
    const line = (text ?? '').split('\n').find((l) => l.split(':')[0] === name);
    const v = line?.split(':')[i];
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const passwd = await host.readText('/etc/passwd');
  const uid = field(passwd, 2);
  if (uid === undefined) return undefined;
  const gid = field(await host.readText('/etc/group'), 2) ?? field(passwd, 3);
  return gid === undefined ? undefined : { uid, gid };
}

/** Gives the etcd data directory to the profile's etcd user; a warning when the node has no such user. */
export async function ownEtcdData(host: Host, profile: Profile, dataDir: string): Promise<{ result?: string; warning?: string }> {
  const name = profile.etcdDataOwner;
  if (name === undefined) return {};
  const user = await systemUser(host, name);
  if (!user) {
    return { warning: `--profile ${profile.name}: the node has no "${name}" user, so ${dataDir} stays root's (CIS 1.1.12 wants ${name}:${name}); create it first: useradd --system --no-create-home --shell /usr/sbin/nologin ${name}` };
  }
  await host.chown(dataDir, user.uid, user.gid);
  return { result: `${dataDir} owned by ${name} (${user.uid}:${user.gid})` };
}

/** Tightens the files the profile names that exist (init does not write them); returns the paths changed. */
export async function tightenFiles(host: Host, profile: Profile): Promise<string[]> {
  const done: string[] = [];
  for (const t of profile.tighten) {
    const st = await host.stat(t.path);
    if (!st?.isFile) continue;
    await host.chmod(t.path, t.mode);
    done.push(`${t.path} (${t.mode.toString(8).padStart(4, '0')})`);
  }
  return done;
}

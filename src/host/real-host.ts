// The Host that acts on the machine: node:fs under --rootfs, commands through execa.
// The only file in src/ that imports node:fs or execa (test/unit/host-seam.test.ts checks).

import { promises as fs, constants as fsc, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FileStat, Host, HostAction, RunOptions, RunResult } from './host.js';
import { badRootfs, changedWhileRead, kindOf, notAFile, pathTrouble, unchangedDuringRead } from './path-trouble.js';

/** tries at reading a file that another process keeps changing, before giving up */
const READ_TRIES = 3;

export class RealHost implements Host {
  readonly dryRun = false;
  readonly actions: HostAction[] = [];

  constructor(readonly rootfs = '/') {}

  /** --rootfs must name a directory (a link to one is fine); said before anything reads under it */
  async checkRoot(): Promise<void> {
    if (this.rootfs === '/') return;
    const s = await fs.stat(this.rootfs).catch(async (e: unknown) => {
      const link = await fs.readlink(this.rootfs).catch(() => undefined);
      if (link !== undefined) throw badRootfs(this.rootfs, `is a symbolic link to ${link}, which does not exist`);
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw badRootfs(this.rootfs, 'no such directory');
      throw pathTrouble(e, 'stat', this.rootfs, this.rootfs);
    });
    const kind = kindOf(s);
    if (kind !== 'directory') throw badRootfs(this.rootfs, `is a ${kind === 'fifo' ? 'named pipe (FIFO)' : kind}, not a directory`);
  }

  /** where a node path really lives */
  resolve(p: string): string {
    if (!path.isAbsolute(p)) throw new Error(`internal: host paths must be absolute, got ${p}`);
    return this.rootfs === '/' ? path.normalize(p) : path.join(this.rootfs, p);
  }

  /**
   * The file's type is checked before it is opened (a FIFO would block, a device never end), it
   * is opened non-blocking (the path may have been swapped since), and it is read again when
   * its size or time changed during the read.
   */
  async readFile(p: string): Promise<Buffer | undefined> {
    const real = this.resolve(p);
    const s = await this.statReal(p, real, 'read');
    if (!s) return undefined;
    const kind = kindOf(s);
    if (kind !== 'file') throw notAFile(p, real, kind);
    for (let attempt = 1; ; attempt++) {
      let fh: FileHandle;
      try {
        fh = await fs.open(real, fsc.O_RDONLY | fsc.O_NONBLOCK);
      } catch (e) {
        if (isNotFound(e)) return undefined; // gone since the stat: not there
        throw pathTrouble(e, 'read', p, real);
      }
      try {
        const before = await fh.stat();
        const k = kindOf(before);
        if (k !== 'file') throw notAFile(p, real, k);
        const data = await fh.readFile();
        const after = await fh.stat();
        if (unchangedDuringRead(before, after, data.length)) return data;
      } catch (e) {
        throw pathTrouble(e, 'read', p, real);
      } finally {
        await fh.close();
      }
      if (attempt === READ_TRIES) throw changedWhileRead(p, real);
    }
  }

  /** stat(2) of a real path; undefined when nothing is there; a dangling link is an error when reading */
  private async statReal(p: string, real: string, op: 'read' | 'stat'): Promise<Stats | undefined> {
    try {
      return await fs.stat(real);
    } catch (e) {
      if (!isNotFound(e)) throw pathTrouble(e, op, p, real);
      if (op === 'read') {
        const link = await fs.readlink(real).catch(() => undefined);
        if (link !== undefined) throw notAFile(p, real, 'dangling symlink', link);
      }
      return undefined;
    }
  }

  async readText(p: string): Promise<string | undefined> {
    return (await this.readFile(p))?.toString('utf8');
  }

  async stat(p: string): Promise<FileStat | undefined> {
    const s = await this.statReal(p, this.resolve(p), 'stat');
    return s && { isFile: s.isFile(), isDirectory: s.isDirectory(), mode: s.mode & 0o7777, size: s.size };
  }

  async exists(p: string): Promise<boolean> {
    try {
      await fs.access(this.resolve(p), fsc.F_OK);
      return true;
    } catch {
      return false;
    }
  }

  async listDir(p: string): Promise<string[]> {
    try {
      return (await fs.readdir(this.resolve(p))).sort();
    } catch (e) {
      if (isNotFound(e)) return [];
      throw pathTrouble(e, 'list', p, this.resolve(p));
    }
  }

  async writeFile(p: string, data: string | Buffer, mode: number): Promise<void> {
    const real = this.resolve(p);
    await fs.mkdir(path.dirname(real), { recursive: true, mode: 0o755 }).catch((e: unknown) => {
      throw pathTrouble(e, 'write', p, real);
    });
    // a hidden name: the kubelet reads every other file in /etc/kubernetes/manifests as a static
    // pod, and a half-written or vanishing one costs a pod with another UID and a ~10 s restart
    const tmp = path.join(path.dirname(real), `.${path.basename(real)}.tmp-${randomBytes(4).toString('hex')}`);
    try {
      await fs.writeFile(tmp, data, { mode, flag: 'wx' });
      await fs.chmod(tmp, mode); // the umask must not loosen or tighten kubeadm's modes
      await fs.rename(tmp, real);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw pathTrouble(e, 'write', p, real);
    }
    const content = typeof data === 'string' ? data : data.toString('utf8');
    this.actions.push({ kind: 'write', path: p, mode, bytes: Buffer.byteLength(data), content });
  }

  async mkdir(p: string, mode: number): Promise<void> {
    const real = this.resolve(p);
    const existed = await this.exists(p);
    try {
      await fs.mkdir(real, { recursive: true, mode });
      if (!existed) await fs.chmod(real, mode);
    } catch (e) {
      throw pathTrouble(e, 'make directory', p, real);
    }
    if (!existed) {
      this.actions.push({ kind: 'mkdir', path: p, mode });
    }
  }

  async chmod(p: string, mode: number): Promise<void> {
    await fs.chmod(this.resolve(p), mode).catch((e: unknown) => {
      throw pathTrouble(e, 'chmod', p, this.resolve(p));
    });
    this.actions.push({ kind: 'chmod', path: p, mode });
  }

  async chown(p: string, uid: number, gid: number): Promise<void> {
    await fs.chown(this.resolve(p), uid, gid);
    this.actions.push({ kind: 'chown', path: p, uid, gid });
  }

  async symlink(target: string, p: string): Promise<void> {
    const real = this.resolve(p);
    const tmp = path.join(path.dirname(real), `.${path.basename(real)}.tmp-${randomBytes(4).toString('hex')}`);
    try {
      await fs.mkdir(path.dirname(real), { recursive: true, mode: 0o755 });
      await fs.symlink(target, tmp);
      await fs.rename(tmp, real);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw pathTrouble(e, 'link', p, real);
    }
    this.actions.push({ kind: 'symlink', path: p, target });
  }

  async remove(p: string): Promise<void> {
    if (!(await this.exists(p))) return;
    await fs.rm(this.resolve(p), { recursive: true, force: true }).catch((e: unknown) => {
      throw pathTrouble(e, 'remove', p, this.resolve(p));
    });
    this.actions.push({ kind: 'remove', path: p });
  }

  async run(command: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    const { execa } = await import('execa');
    this.actions.push({ kind: 'run', command, args });
    const r = await execa(command, args, {
      reject: false,
      input: opts.input,
      timeout: opts.timeoutMs,
      env: opts.env,
      stripFinalNewline: false,
    });
    if (r.failed && r.exitCode === undefined) {
      const err = new Error(`cannot run ${command}: ${r.shortMessage}`);
      (err as NodeJS.ErrnoException).code = (r as { code?: string }).code;
      throw err;
    }
    return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  }

  async which(command: string): Promise<string | undefined> {
    const dirs = command.includes('/') ? [''] : (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':');
    for (const dir of dirs) {
      const candidate = dir === '' ? command : path.join(dir, command);
      try {
        await fs.access(candidate, fsc.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
    return undefined;
  }
}

function isNotFound(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

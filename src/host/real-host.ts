// The Host that acts on the machine: node:fs under --rootfs, commands through execa.
// The only file in src/ that imports node:fs or execa (test/unit/host-seam.test.ts checks).

import { promises as fs, constants as fsc } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FileStat, Host, HostAction, RunOptions, RunResult } from './host.js';

export class RealHost implements Host {
  readonly dryRun = false;
  readonly actions: HostAction[] = [];

  constructor(readonly rootfs = '/') {}

  /** where a node path really lives */
  resolve(p: string): string {
    if (!path.isAbsolute(p)) throw new Error(`internal: host paths must be absolute, got ${p}`);
    return this.rootfs === '/' ? path.normalize(p) : path.join(this.rootfs, p);
  }

  async readFile(p: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.resolve(p));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async readText(p: string): Promise<string | undefined> {
    return (await this.readFile(p))?.toString('utf8');
  }

  async stat(p: string): Promise<FileStat | undefined> {
    try {
      const s = await fs.stat(this.resolve(p));
      return { isFile: s.isFile(), isDirectory: s.isDirectory(), mode: s.mode & 0o7777, size: s.size };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
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
      throw e;
    }
  }

  async writeFile(p: string, data: string | Buffer, mode: number): Promise<void> {
    const real = this.resolve(p);
    await fs.mkdir(path.dirname(real), { recursive: true, mode: 0o755 });
    // a hidden name: the kubelet reads every other file in /etc/kubernetes/manifests as a static
    // pod, and a half-written or vanishing one costs a pod with another UID and a ~10 s restart
    const tmp = path.join(path.dirname(real), `.${path.basename(real)}.tmp-${randomBytes(4).toString('hex')}`);
    try {
      await fs.writeFile(tmp, data, { mode, flag: 'wx' });
      await fs.chmod(tmp, mode); // the umask must not loosen or tighten kubeadm's modes
      await fs.rename(tmp, real);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    const content = typeof data === 'string' ? data : data.toString('utf8');
    this.actions.push({ kind: 'write', path: p, mode, bytes: Buffer.byteLength(data), content });
  }

  async mkdir(p: string, mode: number): Promise<void> {
    const real = this.resolve(p);
    const existed = await this.exists(p);
    await fs.mkdir(real, { recursive: true, mode });
    if (!existed) {
      await fs.chmod(real, mode);
      this.actions.push({ kind: 'mkdir', path: p, mode });
    }
  }

  async chmod(p: string, mode: number): Promise<void> {
    await fs.chmod(this.resolve(p), mode);
    this.actions.push({ kind: 'chmod', path: p, mode });
  }

  async chown(p: string, uid: number, gid: number): Promise<void> {
    await fs.chown(this.resolve(p), uid, gid);
    this.actions.push({ kind: 'chown', path: p, uid, gid });
  }

  async symlink(target: string, p: string): Promise<void> {
    const real = this.resolve(p);
    await fs.mkdir(path.dirname(real), { recursive: true, mode: 0o755 });
    const tmp = path.join(path.dirname(real), `.${path.basename(real)}.tmp-${randomBytes(4).toString('hex')}`);
    try {
      await fs.symlink(target, tmp);
      await fs.rename(tmp, real);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    this.actions.push({ kind: 'symlink', path: p, target });
  }

  async remove(p: string): Promise<void> {
    if (!(await this.exists(p))) return;
    await fs.rm(this.resolve(p), { recursive: true, force: true });
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

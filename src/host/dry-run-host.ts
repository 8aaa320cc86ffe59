// The Host for --dry-run: reads go through to the real node (so reuse checks still work),
// writes, removals and commands are only recorded, then printed by the reporter.

import type { FileStat, Host, HostAction, RunOptions, RunResult } from './host.js';

export class DryRunHost implements Host {
  readonly dryRun = true;
  readonly actions: HostAction[] = [];
  /** what this run would have written, so later phases read their own output back */
  private readonly written = new Map<string, Buffer>();
  private readonly removed = new Set<string>();

  constructor(
    private readonly inner: Host,
    /** commands that only read (status queries) may really run; all others are recorded */
    private readonly readOnlyCommand: (command: string, args: string[]) => boolean = () => false,
  ) {}

  async readFile(p: string): Promise<Buffer | undefined> {
    if (this.written.has(p)) return this.written.get(p);
    if (this.isRemoved(p)) return undefined;
    return this.inner.readFile(p);
  }

  async readText(p: string): Promise<string | undefined> {
    return (await this.readFile(p))?.toString('utf8');
  }

  async stat(p: string): Promise<FileStat | undefined> {
    const w = this.written.get(p);
    if (w) return { isFile: true, isDirectory: false, mode: 0o600, size: w.length };
    if (this.isRemoved(p)) return undefined;
    return this.inner.stat(p);
  }

  async exists(p: string): Promise<boolean> {
    return (await this.stat(p)) !== undefined;
  }

  async listDir(p: string): Promise<string[]> {
    if (this.isRemoved(p)) return [];
    const names = new Set(await this.inner.listDir(p));
    const prefix = p.endsWith('/') ? p : `${p}/`;
    for (const w of this.written.keys()) {
      if (w.startsWith(prefix)) names.add(w.slice(prefix.length).split('/')[0]!);
    }
    return [...names].filter((n) => !this.isRemoved(`${prefix}${n}`)).sort();
  }

  async writeFile(p: string, data: string | Buffer, mode: number): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    this.written.set(p, buf);
    this.removed.delete(p);
    this.actions.push({ kind: 'write', path: p, mode, bytes: buf.length, content: buf.toString('utf8') });
  }

  private readonly made = new Set<string>();

  async mkdir(p: string, mode: number): Promise<void> {
    if (this.made.has(p) || (await this.inner.exists(p))) return;
    this.made.add(p);
    this.actions.push({ kind: 'mkdir', path: p, mode });
  }

  async chmod(p: string, mode: number): Promise<void> {
    this.actions.push({ kind: 'chmod', path: p, mode });
  }

  async chown(p: string, uid: number, gid: number): Promise<void> {
    this.actions.push({ kind: 'chown', path: p, uid, gid });
  }

  async symlink(target: string, p: string): Promise<void> {
    this.actions.push({ kind: 'symlink', path: p, target });
  }

  async remove(p: string): Promise<void> {
    if (!(await this.exists(p))) return;
    for (const w of [...this.written.keys()]) if (w === p || w.startsWith(`${p}/`)) this.written.delete(w);
    this.removed.add(p);
    this.actions.push({ kind: 'remove', path: p });
  }

  async run(command: string, args: string[], opts?: RunOptions): Promise<RunResult> {
    if (this.readOnlyCommand(command, args)) return this.inner.run(command, args, opts);
    this.actions.push({ kind: 'run', command, args });
    return { exitCode: 0, stdout: '', stderr: '' };
  }

  which(command: string): Promise<string | undefined> {
    return this.inner.which(command);
  }

  private isRemoved(p: string): boolean {
    for (const r of this.removed) if (p === r || p.startsWith(`${r}/`)) return true;
    return false;
  }
}

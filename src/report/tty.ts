// A terminal: one ora spinner per running phase, then a tick (or a cross) and its duration.

import chalk, { Chalk } from 'chalk';
import ora, { type Ora } from 'ora';
import type { PhaseRef, Reporter, ReporterOptions, ResultKind } from './reporter.js';
import { formatDuration } from './reporter.js';

export class TtyReporter implements Reporter {
  private readonly spinners = new Map<string, Ora>();
  private readonly c: typeof chalk;

  constructor(private readonly opts: Pick<ReporterOptions, 'stdout' | 'stderr' | 'color'>) {
    this.c = opts.color ? chalk : new Chalk({ level: 0 });
  }

  private above(line: string): void {
    // keep a running spinner intact: stop, write, restart
    const running = [...this.spinners.values()].at(-1);
    if (running) {
      running.clear();
      this.opts.stderr.write(`${line}\n`);
      running.render();
    } else {
      this.opts.stderr.write(`${line}\n`);
    }
  }

  phaseStart(phase: PhaseRef): void {
    const s = ora({ text: `${this.c.bold(phase.path)} ${this.c.dim(phase.short)}`, stream: this.opts.stderr as NodeJS.WriteStream, color: 'cyan' });
    this.spinners.set(phase.path, s.start());
  }

  phaseEnd(phase: PhaseRef, o: { ok: boolean; durationMs: number; skipped?: string }): void {
    const s = this.spinners.get(phase.path);
    this.spinners.delete(phase.path);
    const text = `${this.c.bold(phase.path)} ${this.c.dim(formatDuration(o.durationMs))}`;
    if (!s) return;
    if (o.skipped) s.info(`${text} ${this.c.dim(`skipped (${o.skipped})`)}`);
    else if (o.ok) s.succeed(text);
    else s.fail(text);
  }

  info(message: string): void {
    this.above(`  ${message}`);
  }

  warn(message: string): void {
    this.above(`  ${this.c.yellow('warning:')} ${message}`);
  }

  result(kind: ResultKind, message: string): void {
    const tag = kind === 'static-pod' ? this.c.magenta('[static pod]') : kind === 'dynamic' ? this.c.blue('[dynamic]') : this.c.dim(`[${kind}]`);
    this.above(`  ${tag} ${message}`);
  }

  print(text: string): void {
    this.opts.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  close(): void {
    for (const s of this.spinners.values()) s.stop();
    this.spinners.clear();
  }
}

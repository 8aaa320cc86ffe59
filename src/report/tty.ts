// A terminal: one ora spinner for whatever runs (a whole init overlaps phases, so it names every
// running phase), and for each phase that ends a line with a tick (or a cross) and its duration.

import chalk, { Chalk } from 'chalk';
import ora, { type Ora } from 'ora';
import type { PhaseRef, Reporter, ReporterOptions, ResultKind } from './reporter.js';
import { formatDuration } from './reporter.js';

export class TtyReporter implements Reporter {
  /** the running phases, in start order: path -> spinner text */
  private readonly running = new Map<string, string>();
  private spinner: Ora | undefined;
  private readonly c: typeof chalk;

  constructor(private readonly opts: Pick<ReporterOptions, 'stdout' | 'stderr' | 'color'>) {
    this.c = opts.color ? chalk : new Chalk({ level: 0 });
  }

  private above(line: string): void {
    // keep the spinner intact: clear it, write, draw it again
    if (this.spinner) {
      this.spinner.clear();
      this.opts.stderr.write(`${line}\n`);
      this.spinner.render();
    } else {
      this.opts.stderr.write(`${line}\n`);
    }
  }

  private refresh(): void {
    if (this.running.size === 0) {
      this.spinner?.stop();
      this.spinner = undefined;
      return;
    }
    const text = [...this.running.values()].join(this.c.dim('  |  '));
    if (this.spinner) this.spinner.text = text;
    else this.spinner = ora({ text, stream: this.opts.stderr as NodeJS.WriteStream, color: 'cyan' }).start();
  }

  phaseStart(phase: PhaseRef): void {
    // one phase alone shows its description; overlapping ones only their names
    this.running.set(phase.path, `${this.c.bold(phase.path)} ${this.c.dim(phase.short)}`);
    if (this.running.size > 1) for (const p of this.running.keys()) this.running.set(p, this.c.bold(p));
    this.refresh();
  }

  phaseEnd(phase: PhaseRef, o: { ok: boolean; durationMs: number; skipped?: string }): void {
    if (!this.running.delete(phase.path)) return;
    const text = `${this.c.bold(phase.path)} ${this.c.dim(formatDuration(o.durationMs))}`;
    if (o.skipped) this.above(`${this.c.blue('i')} ${text} ${this.c.dim(`skipped (${o.skipped})`)}`);
    else if (o.ok) this.above(`${this.c.green('✔')} ${text}`);
    else this.above(`${this.c.red('✖')} ${text}`);
    this.refresh();
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
    this.spinner?.stop();
    this.spinner = undefined;
    this.running.clear();
  }
}

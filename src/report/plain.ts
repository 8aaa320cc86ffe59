// Plain lines for logs, pipes and NO_COLOR: one line when a phase starts and one when it ends.

import type { PhaseRef, Reporter, ReporterOptions, ResultKind } from './reporter.js';
import { formatDuration } from './reporter.js';

const RESULT_TAG: Record<ResultKind, string> = {
  'static-pod': 'static pod',
  dynamic: 'dynamic',
  file: 'file',
  object: 'object',
  note: 'note',
};

export class PlainReporter implements Reporter {
  private readonly paint: (s: string, style: 'ok' | 'fail' | 'warn' | 'dim') => string;

  constructor(private readonly opts: Pick<ReporterOptions, 'stdout' | 'stderr' | 'color'>) {
    this.paint = (s) => s;
    if (opts.color) void this.loadColor();
  }

  private colors: typeof import('chalk').default | undefined;
  private async loadColor(): Promise<void> {
    this.colors = (await import('chalk')).default;
  }

  private style(s: string, style: 'ok' | 'fail' | 'warn' | 'dim'): string {
    const c = this.colors;
    if (!c) return this.paint(s, style);
    return style === 'ok' ? c.green(s) : style === 'fail' ? c.red(s) : style === 'warn' ? c.yellow(s) : c.dim(s);
  }

  phaseStart(phase: PhaseRef): void {
    this.opts.stderr.write(`[${phase.path}] ${phase.short}\n`);
  }

  phaseEnd(phase: PhaseRef, o: { ok: boolean; durationMs: number; skipped?: string }): void {
    const status = o.skipped ? this.style(`skipped (${o.skipped})`, 'dim') : o.ok ? this.style('done', 'ok') : this.style('failed', 'fail');
    this.opts.stderr.write(`[${phase.path}] ${status} in ${formatDuration(o.durationMs)}\n`);
  }

  info(message: string): void {
    this.opts.stderr.write(`  ${message}\n`);
  }

  warn(message: string): void {
    this.opts.stderr.write(`  ${this.style('warning:', 'warn')} ${message}\n`);
  }

  result(kind: ResultKind, message: string): void {
    this.opts.stderr.write(`  ${this.style(`[${RESULT_TAG[kind]}]`, 'dim')} ${message}\n`);
  }

  print(text: string): void {
    this.opts.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  close(): void {}
}

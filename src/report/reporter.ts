// The Reporter seam: phases send events, a reporter decides how they look (spinner, plain
// lines, JSON, or memory for tests). Only report/ imports chalk and ora.

export interface PhaseRef {
  /** slash path, e.g. "certs/apiserver" */
  path: string;
  short: string;
}

export type ResultKind = 'static-pod' | 'dynamic' | 'file' | 'object' | 'note';

export interface Reporter {
  phaseStart(phase: PhaseRef): void;
  /** durationMs is wall time of the phase, children included */
  phaseEnd(phase: PhaseRef, outcome: { ok: boolean; durationMs: number; skipped?: string }): void;
  info(message: string): void;
  warn(message: string): void;
  /** something the run made or found, said so a person learns what it is */
  result(kind: ResultKind, message: string): void;
  /** free text the user asked for (join command, printed config), written as is to stdout */
  print(text: string): void;
  /** lets a reporter release its terminal (stop spinners) before the process exits */
  close(): void;
}

export type OutputFormat = 'auto' | 'text' | 'json';

export interface ReporterOptions {
  format: OutputFormat;
  isTTY: boolean;
  color: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export async function createReporter(opts: ReporterOptions): Promise<Reporter> {
  if (opts.format === 'json') {
    const { JsonReporter } = await import('./json.js');
    return new JsonReporter(opts.stdout);
  }
  if (opts.format === 'auto' && opts.isTTY) {
    const { TtyReporter } = await import('./tty.js');
    return new TtyReporter(opts);
  }
  const { PlainReporter } = await import('./plain.js');
  return new PlainReporter(opts);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

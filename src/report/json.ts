// --output json: one JSON object per line on stdout, each with a stable event code.

import type { PhaseRef, Reporter, ResultKind } from './reporter.js';

export class JsonReporter implements Reporter {
  constructor(private readonly out: NodeJS.WritableStream) {}

  private emit(event: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);
  }

  phaseStart(phase: PhaseRef): void {
    this.emit({ event: 'phase-start', phase: phase.path });
  }

  phaseEnd(phase: PhaseRef, o: { ok: boolean; durationMs: number; skipped?: string }): void {
    this.emit({ event: 'phase-end', phase: phase.path, ok: o.ok, durationMs: Math.round(o.durationMs), skipped: o.skipped });
  }

  info(message: string): void {
    this.emit({ event: 'info', message });
  }

  warn(message: string): void {
    this.emit({ event: 'warning', message });
  }

  result(kind: ResultKind, message: string): void {
    this.emit({ event: 'result', kind, message });
  }

  print(text: string): void {
    this.emit({ event: 'output', text });
  }

  close(): void {}
}

// Picks the reporter for this process: JSON when asked, spinners on a terminal, plain lines
// otherwise; colour unless NO_COLOR is set or the stream is not a terminal.

import type { FlagValues } from '../config/flags.js';
import type { Io } from '../io.js';
import { createReporter, type Reporter } from './reporter.js';

export function reporterFor(io: Io, flags: FlagValues): Promise<Reporter> {
  const isTTY = Boolean(io.stderr.isTTY);
  const noColor = io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '';
  return createReporter({
    format: flags.output === 'json' ? 'json' : 'auto',
    isTTY: isTTY && !noColor && io.env.TERM !== 'dumb',
    color: isTTY && !noColor,
    stdout: io.stdout,
    stderr: io.stderr,
  });
}

// Reset's question before it acts: a y/N answer read from a terminal. Without a terminal
// there is nobody to ask, so reset refuses and says how to proceed (--force).

import { createInterface } from 'node:readline';
import { UserError } from '../errors.js';

export interface Prompt {
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

export const QUESTION = '[reset] Are you sure you want to proceed? [y/N]: ';

/** the first line the user types, or undefined at end of input */
export function readAnswer(stdin: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: stdin, terminal: false });
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    rl.once('close', () => {
      if (!answered) resolve(undefined);
    });
  });
}

/** kubeadm accepts y or yes, in any case; anything else means no */
export function isYes(answer: string | undefined): boolean {
  return /^\s*(y|yes)\s*$/i.test(answer ?? '');
}

export async function confirmReset(p: Prompt, warning: string): Promise<void> {
  if (!p.stdin?.isTTY) {
    throw new UserError(
      'RESET_NOT_CONFIRMED',
      'reset needs confirmation, and there is no terminal to ask on (standard input is not a TTY)',
      'run it again with --force to reset without the question, or from a terminal to answer it',
    );
  }
  p.stderr.write(`${warning}\n${QUESTION}`);
  const answer = await readAnswer(p.stdin);
  if (!isYes(answer)) {
    throw new UserError('RESET_ABORTED', `reset aborted: the answer was ${answer === undefined ? 'missing' : `"${answer.trim()}"`}, not y or yes; nothing was changed`, 'answer y to proceed, or pass --force');
  }
}

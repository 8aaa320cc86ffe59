// What the command tree shows of the init, join and reset workflows: each phase's name, texts, flags
// and place, without its code. cli.ts builds the commands from these; the bundle's CommonJS
// front (src/front.ts) gets them as data written at build time, so `--help` loads no phase file.

import type { Phase } from '../workflow/phase.js';
import { initPhases } from './init/index.js';
import { resetPhases } from './reset/index.js';
import { joinPhases } from './join/index.js';

/** A phase as the command tree sees it: plain data (JSON), no run or skipReason. */
export interface PhaseInfo extends Pick<Phase<never>, 'name' | 'short' | 'long' | 'example' | 'flags' | 'hidden' | 'noAll'> {
  children?: readonly PhaseInfo[];
}

/** The fields of `tree` that commands and their help read, and only those (so it survives JSON). */
export function describePhases<C>(tree: readonly Phase<C>[]): PhaseInfo[] {
  return tree.map((p) => {
    const info: PhaseInfo = { name: p.name, short: p.short };
    if (p.long !== undefined) info.long = p.long;
    if (p.example !== undefined) info.example = p.example;
    if (p.flags !== undefined) info.flags = [...p.flags];
    if (p.hidden !== undefined) info.hidden = p.hidden;
    if (p.noAll !== undefined) info.noAll = p.noAll;
    if (p.children !== undefined) info.children = describePhases(p.children);
    return info;
  });
}

export const initCatalog: readonly PhaseInfo[] = describePhases(initPhases);
export const resetCatalog: readonly PhaseInfo[] = describePhases(resetPhases);
export const joinCatalog: readonly PhaseInfo[] = describePhases(joinPhases);

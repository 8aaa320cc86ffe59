// Prefixes each line of stdin with the seconds since T0 (env, epoch seconds with a fraction):
// bench-lab.sh stamps an init's output with it, so phase-times.mjs can tell where time went.
import readline from 'node:readline';

const t0 = Number(process.env.T0) * 1000;
if (!Number.isFinite(t0)) throw new Error('stamp.mjs: set T0 to the start time in epoch seconds');
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  process.stdout.write(`${((Date.now() - t0) / 1000).toFixed(2).padStart(7)} ${line}\n`);
});

// The terminal reporter with overlapping phases (a whole init's schedule): one line per
// phase end, with its mark and duration, in the order the phases end, and the messages
// between them; nothing is lost when two phases run at once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { TtyReporter } from '../../src/report/tty.js';

test('tty: overlapping phases each end with one line; a failure gets a cross, a skip its reason', () => {
  const err = new PassThrough();
  const out = new PassThrough();
  let text = '';
  err.on('data', (d: Buffer) => (text += d.toString()));
  const r = new TtyReporter({ stdout: out, stderr: err, color: false });
  r.phaseStart({ path: 'kubelet-start', short: 'Write kubelet settings' });
  r.phaseStart({ path: 'certs', short: 'Certificate generation' });
  r.info('kubelet in standalone mode');
  r.phaseEnd({ path: 'kubelet-start', short: '' }, { ok: true, durationMs: 1200 });
  r.phaseStart({ path: 'upload-certs', short: '' });
  r.phaseEnd({ path: 'upload-certs', short: '' }, { ok: true, durationMs: 0, skipped: 'no --upload-certs' });
  r.phaseEnd({ path: 'certs', short: '' }, { ok: false, durationMs: 2500 });
  r.close();
  // (a stream that is no terminal gets ora's one "- text" line per spinner start instead of a spinner)
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('- '));
  assert.equal(lines.length, 4, text);
  assert.match(lines[0]!, /kubelet in standalone mode/);
  assert.match(lines[1]!, /^✔ kubelet-start 1\.2s$/);
  assert.match(lines[2]!, /^i upload-certs .*skipped \(no --upload-certs\)$/);
  assert.match(lines[3]!, /^✖ certs 2\.5s$/);
});

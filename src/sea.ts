// The single executable's entry (scripts/sea.mjs bundles it into one CommonJS file for Node's
// single executable applications): bin/mini-kubeadm's two steps in one file. The front answers
// help and usage errors; argv that runs a command goes to main(), loaded only then.

import { front } from './front.js';

const argv = process.argv.slice(2);
front(argv)
  .then((code) => (code === undefined ? import('./main.js').then((m) => m.main(argv)) : code))
  .then((code) => {
    process.exitCode = code;
  });

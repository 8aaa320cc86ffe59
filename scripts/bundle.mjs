// `npm run build`, second step: bundles tsc's output (dist/src) into a few ESM files under
// dist/bundle/esm so that bin/mini-kubeadm starts without resolving and reading ~60 modules
// (commander's CommonJS files included). Every dynamic import() stays
// a separate chunk, loaded only when a command needs it.
//
// The chunks sit three levels below the repository, as dist/src/<dir>/*.js do, so the
// `../../../templates` that addons/ and manifests/ resolve from import.meta.url still lands on
// templates/.

import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * commander requires node:child_process (and with it net, dgram, streams: ~5 ms) only to spawn
 * executable subcommands, which mini-kubeadm has none of: it gets a stand-in that loads the
 * real module on first use.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('/node_modules/commander/') ? { path: 'lazy-child-process', namespace: 'mk-shim' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'mk-shim' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, name) => require('node:child_process')[name] });",
      loader: 'js',
    }));
  },
};

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(repo, 'dist/bundle/esm');
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { main: path.join(repo, 'dist/src/main.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // a package's ESM build where it has one: esbuild hands a split-off CommonJS module to
  // import() as a default export only (named exports came back undefined)
  mainFields: ['module', 'main'],
  chunkNames: 'chunk-[hash]',
  // left as packages: large, touch sockets and processes, and load only on paths where they
  // are a small part of the time (systemd, crictl)
  external: ['execa'],
  // bundled CommonJS (commander) calls require() for node: builtins
  banner: { js: "import { createRequire as __mkCreateRequire } from 'node:module'; const require = __mkCreateRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [lazyChildProcessForCommander],
});

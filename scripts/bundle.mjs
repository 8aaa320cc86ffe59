// `npm run build`, second step: bundles tsc's output (dist/src) into a few ESM files under
// dist/bundle/esm so that bin/mini-kubeadm starts without resolving and reading ~60 modules
// (commander's CommonJS files included). Every dynamic import() stays
// a separate chunk, loaded only when a command needs it.
//
// Then the front (src/front.ts) on its own, as one CommonJS file, dist/bundle/front.cjs: what
// bin/mini-kubeadm loads for help and usage errors. CommonJS, because Node 20 spends ~15 ms
// starting its ESM loader; the phase catalog goes in as data (no phase file), and its actions'
// import()s as stubs (the front hands every action to the ESM bundle before it runs).
//
// Last, the single executable's script (src/sea.ts: the front, then main), everything in one
// CommonJS file, dist/sea/sea.cjs, as Node 20's single executable applications need it (no
// import() of files, require() of builtins only); scripts/sea.mjs makes the executable of it.
//
// The chunks sit three levels below the repository, as dist/src/<dir>/*.js do, so the
// `../../../templates` that addons/ and manifests/ resolve from import.meta.url still lands on
// templates/.

import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
  // execa is bundled too (its own chunk, loaded on the first command run): as a package it
  // took 120-150 ms to resolve and load its ~60 files, on a whole init's critical path (the
  // first `kubelet --version` waits for it); as a chunk ~50 ms (docs/fast-init.md, session 9)
  // bundled CommonJS (commander) calls require() for node: builtins
  banner: { js: "import { createRequire as __mkCreateRequire } from 'node:module'; const require = __mkCreateRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [lazyChildProcessForCommander],
});

/** cli.ts's phase catalog, as tsc's output computes it from the phase files, written in as JSON */
const catalog = await import(pathToFileURL(path.join(repo, 'dist/src/phases/catalog.js')).href);
const catalogAsData = {
  name: 'phase-catalog-as-data',
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]phases[\\/]catalog\.js$/ }, () => ({
      contents: `export const initCatalog = ${JSON.stringify(catalog.initCatalog)};\nexport const resetCatalog = ${JSON.stringify(catalog.resetCatalog)};\nexport const joinCatalog = ${JSON.stringify(catalog.joinCatalog)};\n`,
      loader: 'js',
    }));
  },
};

/** an action's code is not in the front: it never runs there (front.ts stops before any action) */
const importsAsStubs = {
  name: 'imports-as-stubs',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => (args.kind === 'dynamic-import' ? { path: `${path.relative(repo, args.importer)}: ${args.path}`, namespace: 'mk-stub' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'mk-stub' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`${args.path} is not in the front bundle (src/front.ts runs no action)`)});`,
      loader: 'js',
    }));
  },
};

const frontFile = path.join(repo, 'dist/bundle/front.cjs');
await build({
  entryPoints: [path.join(repo, 'dist/src/front.js')],
  outfile: frontFile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  mainFields: ['main'],
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [lazyChildProcessForCommander, catalogAsData, importsAsStubs],
});

/**
 * A single executable's script has no import() at all ("A dynamic import callback was not
 * specified"), not even of builtins, which esbuild leaves as import(): each becomes a require.
 */
const builtinImportsAsRequire = {
  name: 'builtin-imports-as-require',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'mk-builtin' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'mk-builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

await build({
  entryPoints: [path.join(repo, 'dist/src/sea.js')],
  outfile: path.join(repo, 'dist/sea/sea.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  mainFields: ['module', 'main'],
  // the executable's templates are its assets (src/host/templates.ts never reads files there)
  define: { 'import.meta.url': 'undefined' },
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  plugins: [lazyChildProcessForCommander, catalogAsData, builtinImportsAsRequire],
});
if (/\bimport\(/.test(readFileSync(path.join(repo, 'dist/sea/sea.cjs'), 'utf8'))) throw new Error('dist/sea/sea.cjs still calls import(), which a single executable cannot run');

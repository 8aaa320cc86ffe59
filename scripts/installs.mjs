// `npm run build`, third step: the two ways to install mini-kubeadm without a checkout.
//  - dist/pkg/mini-kubeadm-VERSION.tgz: `npm pack` (`npm install -g dist/pkg/mini-kubeadm-*.tgz`).
//  - dist/sea/mini-kubeadm: one self-contained executable (Node's single executable
//    applications): this node binary with dist/sea/sea.cjs (scripts/bundle.mjs) and every file
//    of templates/ injected as a blob; it needs no Node.js on the machine that runs it.
// Both are remade only when what goes into them changed (a stamp of their inputs' hashes):
// copying and injecting a ~100 MB binary takes seconds, and most builds change nothing in it.
//
//   node scripts/installs.mjs          both, when stale
//   MK_INSTALLS=none npm run build     neither (a quick edit-and-test loop)

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(repo, p);

/** every file under dir, sorted, as paths relative to dir */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? e.path, e.name)))
    .sort();
}

/** a hash of these files' paths and contents, and of extra strings */
function stampOf(files, extra = []) {
  const h = createHash('sha256');
  for (const f of files) h.update(`${rel(f)}\0`).update(readFileSync(f)).update('\0');
  for (const x of extra) h.update(`${x}\0`);
  return h.digest('hex');
}

/** runs make() unless `out` exists and was made from the same stamp; says which, with the time */
async function remake(what, out, stamp, make) {
  const stampFile = `${out}.stamp`;
  if (existsSync(out) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  const t0 = performance.now();
  await make();
  writeFileSync(stampFile, stamp);
  console.log(`${what}: ${rel(out)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

/** runs a command; its output is shown only when it fails */
function quietly(file, args, cwd = repo) {
  try {
    execFileSync(file, args, { cwd, stdio: 'pipe' });
  } catch (e) {
    process.stderr.write(`${e.stdout ?? ''}${e.stderr ?? ''}`);
    throw e;
  }
}

const pkg = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'));

async function tarball() {
  const dir = path.join(repo, 'dist/pkg');
  const out = path.join(dir, `${pkg.name}-${pkg.version}.tgz`);
  // what `files` ships (dist/src, dist/bundle, bin, templates) and the manifest
  const inputs = ['package.json', 'README.md', ...pkg.files].flatMap((f) => {
    const p = path.join(repo, f);
    return statSync(p).isDirectory() ? filesUnder(p).map((x) => path.join(p, x)) : [p];
  });
  await remake('package tarball', out, stampOf(inputs), () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    quietly('npm', ['pack', '--silent', '--pack-destination', dir]);
  });
}

async function executable() {
  const dir = path.join(repo, 'dist/sea');
  const script = path.join(dir, 'sea.cjs');
  const out = path.join(dir, 'mini-kubeadm');
  const templates = path.join(repo, 'templates');
  const assets = Object.fromEntries(filesUnder(templates).map((f) => [f.split(path.sep).join('/'), path.join(templates, f)]));
  const node = statSync(process.execPath);
  const stamp = stampOf([script, ...Object.values(assets)], [process.execPath, process.version, String(node.size), String(node.mtimeMs)]);
  await remake('single executable', out, stamp, async () => {
    const config = path.join(dir, 'sea-config.json');
    const blob = path.join(dir, 'sea-prep.blob');
    // disableExperimentalSEAWarning: Node 20 would print its ExperimentalWarning on every run
    writeFileSync(config, JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, assets }, null, 2));
    quietly(process.execPath, ['--experimental-sea-config', config]);
    const tmp = `${out}.tmp`;
    copyFileSync(process.execPath, tmp);
    chmodSync(tmp, 0o755);
    // postject's ELF reader warns about Node's many .note sections: noise, unless it fails
    const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
    quietly(process.execPath, [postject, tmp, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2']);
    renameSync(tmp, out);
  });
}

if (process.env.MK_INSTALLS !== 'none') {
  await tarball();
  await executable();
}

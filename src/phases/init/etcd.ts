// The etcd phase of init: writes the local etcd static-pod manifest (the kubelet runs it from
// the file; no API server needed). kubeadm gives this phase no `all`; external etcd skips it.

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

type Ctx = Pick<InitContext, 'cfg' | 'paths' | 'host' | 'report'>;

async function runEtcdLocal(ctx: Ctx): Promise<void> {
  const { factsFor } = await import('../../config/versions.js');
  const { readNodeFacts, buildManifest, writeManifest } = await import('../../manifests/static-pod.js');
  const facts = factsFor(ctx.cfg.kubernetesVersion);
  const dataDir = ctx.cfg.etcd.local?.dataDir ?? ctx.paths.etcdDataDir;
  if (!(await ctx.host.exists(dataDir))) {
    await ctx.host.mkdir(dataDir, 0o700);
    ctx.report.result('file', `etcd data directory ${dataDir} (0700)`);
  }
  const profile = (await import('../../profiles/profiles.js')).profileNamed(ctx.cfg.profile);
  if (profile) {
    const owned = await (await import('../../profiles/write.js')).ownEtcdData(ctx.host, profile, dataDir);
    if (owned.result) ctx.report.result('file', owned.result);
    if (owned.warning) ctx.report.warn(owned.warning);
  }
  const node = await readNodeFacts(ctx.host, ctx.cfg, facts, process.env);
  const { text } = await buildManifest('etcd', ctx.cfg, node, facts);
  const { path, outcome } = await writeManifest(ctx.host, ctx.paths.manifestsDir, 'etcd', text);
  if (outcome === 'replaced') ctx.report.warn(`${path} existed with other content: regenerated (kubeadm regenerates its manifests too)`);
  const note = outcome === 'unchanged' ? ', unchanged' : '';
  ctx.report.result('static-pod', `etcd: ${path} (the kubelet starts it from the file, no API server needed${note})`);
}

export const etcdPhase: Phase<InitContext> = {
  name: 'etcd',
  short: 'Generate static Pod manifest file for local etcd',
  flags: ['config', 'dry-run', 'rootfs', 'cert-dir', 'image-repository', 'kubernetes-version', 'apiserver-advertise-address', 'node-name', 'patches', 'profile'],
  children: [
    {
      name: 'local',
      short: 'Generate the static Pod manifest file for a local, single-node local etcd instance',
      skipReason: (ctx) => (ctx.cfg.etcd.external ? 'external etcd is configured (etcd.external): no local etcd manifest' : undefined),
      run: runEtcdLocal,
    },
  ],
  noAll: true,
};

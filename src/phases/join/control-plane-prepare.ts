// The control-plane-prepare phase of join (kubeadm-join-spec.md §4.2, §4.3): the shared keys
// from Secret kubeadm-certs, this node's own certificates and kubeconfigs (no super-admin.conf,
// no kubelet.conf), and the static-pod manifests of its control plane at its local endpoint.
// Workers skip it.

import type { Phase } from '../../workflow/phase.js';
import { workerSkip, type JoinContext } from './context.js';
import { JOIN_FLAGS } from './flags.js';

type Run = NonNullable<Phase<JoinContext>['run']>;

const downloadCerts: Run = async (ctx) => {
  const c = await ctx.cluster();
  if (!c.cfg.certificateKey) {
    ctx.report.info('[download-certs] Skipping certs download (no --certificate-key: the shared certificates must already be in place)');
    return;
  }
  const { downloadedCerts, profileFilesToTransfer, KUBEADM_CERTS_REF } = await import('../../kube/objects/kubeadm-certs.js');
  ctx.report.info('[download-certs] Downloading the certificates in Secret "kubeadm-certs" in the "kube-system" Namespace');
  const files = await downloadedCerts(await c.client.get(KUBEADM_CERTS_REF), c.cfg, c.cfg.certificateKey);
  // a cluster made with --profile: its API servers read the profile's files, which an upload by
  // mini-kubeadm carries; from any other upload (kubeadm's) they must be on this node already
  const missing: string[] = [];
  for (const { file } of Object.values(profileFilesToTransfer(c.cfg))) if (!files.some((f) => f.file === file) && !(await ctx.host.exists(file))) missing.push(file);
  if (missing.length > 0) {
    const { UserError } = await import('../../errors.js');
    throw new UserError(
      'PROFILE_FILES_MISSING',
      `this cluster's API servers read ${missing.join(', ')} (its security profile), and Secret kube-system/kubeadm-certs has no copy of ${missing.length === 1 ? 'it' : 'them'}; nothing was written`,
      'on a control plane: mini-kubeadm init phase upload-certs --upload-certs (it uploads them with the certificates), then join with the key it prints; or copy the files from a control plane to this node (same paths, mode 0600)',
    );
  }
  ctx.report.info(`[download-certs] Saving the certificates to the folder: "${c.cfg.certificatesDir}"`);
  const path = await import('node:path');
  for (const f of files) {
    const dir = path.posix.dirname(f.file);
    if (!(await ctx.host.exists(dir))) await ctx.host.mkdir(dir, 0o755);
    const same = (await ctx.host.readFile(f.file))?.equals(f.content) === true;
    if (!same) await ctx.host.writeFile(f.file, f.content, f.mode);
    ctx.report.result('file', `${f.file} (0${f.mode.toString(8)})${same ? ', unchanged' : ''}`);
  }
};

const certs: Run = async (ctx) => {
  const c = await ctx.cluster();
  const [{ CERT_SPECS }, { ensureCertificate }, { ensureServiceAccountKeys }, { prefetchCertKeys }, { joinPkiDeps }] = await Promise.all([
    import('../../pki/cert-specs.js'),
    import('../../pki/ensure.js'),
    import('../../pki/sa-keys.js'),
    import('../../pki/prefetch.js'),
    import('./admin.js'),
  ]);
  const deps = await joinPkiDeps(ctx, c);
  ctx.report.info(`[certs] Using certificateDir folder "${ctx.paths.pkiDir}"`);
  await prefetchCertKeys(deps);
  for (const spec of CERT_SPECS) {
    if (spec.localEtcdOnly && !c.cfg.etcd.local) continue;
    const out = await ensureCertificate(deps, spec);
    const kind = spec.isCA ? 'certificate authority' : 'certificate and key';
    if (out.kind === 'generated') {
      ctx.report.result('file', `[certs] Generated ${spec.baseName} ${kind}${out.altNames && spec.usages.includes('serverAuth') ? `; signed for DNS names [${out.altNames.dns.join(' ')}] and IPs [${out.altNames.ips.join(' ')}]` : ''}`);
    } else ctx.report.result('file', `[certs] Using the existing "${spec.baseName}" ${kind}`);
  }
  const sa = await ensureServiceAccountKeys(deps);
  ctx.report.result('file', sa.kind === 'generated' ? `[certs] Generated the "sa" key and public key: ${sa.key}` : `[certs] Using the existing "sa" key: ${sa.key}`);
  ctx.report.info(`[certs] Valid certificates and keys now exist in "${ctx.paths.pkiDir}"`);
};

/** kubeadm's join writes these three (no super-admin.conf; kubelet.conf comes from the TLS bootstrap) */
const JOIN_KUBECONFIGS = ['admin', 'controller-manager', 'scheduler'];

const kubeconfigs: Run = async (ctx) => {
  const c = await ctx.cluster();
  const [{ KUBECONFIG_SPECS }, { ensureKubeconfig, prefetchKubeconfigKeys }, { joinPkiDeps }] = await Promise.all([import('../../kubeconfig/specs.js'), import('../../kubeconfig/ensure.js'), import('./admin.js')]);
  const specs = KUBECONFIG_SPECS.filter((s) => JOIN_KUBECONFIGS.includes(s.name));
  const deps = await joinPkiDeps(ctx, c);
  ctx.report.info('[kubeconfig] Generating kubeconfig files');
  ctx.report.info(`[kubeconfig] Using kubeconfig folder "${ctx.paths.kubeconfigDir}"`);
  await prefetchKubeconfigKeys(deps, specs);
  for (const spec of specs) {
    const out = await ensureKubeconfig(deps, spec);
    const what = { generated: `[kubeconfig] Writing "${spec.name}.conf" kubeconfig file (server ${out.server})`, existing: `[kubeconfig] Using existing kubeconfig file: "${out.file}"`, 'existing-external-ca': `[kubeconfig] External CA mode: Using user provided ${spec.name}.conf` }[out.kind];
    ctx.report.result('file', what);
  }
};

const manifests: Run = async (ctx) => {
  const c = await ctx.cluster();
  const [{ factsFor }, { readNodeFacts, buildManifest, writeManifest }] = await Promise.all([import('../../config/versions.js'), import('../../manifests/static-pod.js')]);
  const facts = factsFor(c.cfg.kubernetesVersion);
  const node = await readNodeFacts(ctx.host, c.cfg, facts, ctx.env);
  ctx.report.info(`[control-plane] Using manifest folder "${ctx.paths.manifestsDir}"`);
  for (const component of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const) {
    ctx.report.info(`[control-plane] Creating static Pod manifest for "${component}"`);
    const { text } = await buildManifest(component, c.cfg, node, facts);
    const { path, outcome } = await writeManifest(ctx.host, ctx.paths.manifestsDir, component, text);
    if (outcome === 'replaced') ctx.report.warn(`${path} existed with other content: regenerated (kubeadm regenerates its manifests too)`);
    ctx.report.result('static-pod', `${component}: ${path}${outcome === 'unchanged' ? ' (unchanged)' : ''}`);
  }
};

const sub = (name: string, short: string, run: Run): Phase<JoinContext> => ({ name, short, flags: JOIN_FLAGS, skipReason: workerSkip, run });

export const controlPlanePreparePhase: Phase<JoinContext> = {
  name: 'control-plane-prepare',
  short: 'Prepare the machine for serving a control plane',
  flags: JOIN_FLAGS,
  skipReason: workerSkip,
  children: [
    sub('download-certs', 'Download certificates shared among control-plane nodes from the kubeadm-certs Secret', downloadCerts),
    sub('certs', 'Generate the certificates for the new control plane components', certs),
    sub('kubeconfig', 'Generate the kubeconfig for the new control plane components', kubeconfigs),
    sub('control-plane', 'Generate the manifests for the new control plane components', manifests),
  ],
};

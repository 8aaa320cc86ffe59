// The upload-certs phase of init: only with --upload-certs, the shared control-plane keys,
// encrypted with the certificate key, into Secret kubeadm-certs that expires after 2 hours.

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

/** the certificate key of this run, for show-join-command */
export const CERTIFICATE_KEY_STATE = 'certificate-key';

export const uploadCertsPhase: Phase<InitContext> = {
  name: 'upload-certs',
  short: 'Upload certificates to kubeadm-certs',
  flags: ['config', 'dry-run', 'rootfs', 'kubeconfig-dir', 'upload-certs', 'certificate-key', 'skip-certificate-key-print'],
  skipReason: (ctx) => (ctx.flags['upload-certs'] === true ? undefined : 'the certificates are uploaded only with --upload-certs'),
  run: async (ctx) => {
    const m = await import('../../kube/objects/kubeadm-certs.js');
    const { tokenSecret } = await import('../../kube/objects/bootstrap-token.js');
    const { generateBootstrapToken } = await import('../../config/token.js');
    const { applyAll, describeApplied } = await import('../../kube/apply.js');

    const flagKey = ctx.flags['certificate-key'];
    const keyHex = (typeof flagKey === 'string' && flagKey) || ctx.cfg.certificateKey || m.newCertificateKey();
    const key = m.parseCertificateKey(keyHex);
    ctx.state.set(CERTIFICATE_KEY_STATE, keyHex);

    const client = await ctx.kube();
    // the Secret is owned by a short-lived token, so the garbage collector removes both after 2h
    const token = tokenSecret({ token: generateBootstrapToken(), description: m.CERT_TOKEN_DESCRIPTION, ttlMs: m.CERT_TOKEN_TTL_MS, usages: [], groups: [] }, new Date());
    const owner = await client.apply(token);
    ctx.report.result('object', describeApplied(token, owner).message);

    const contents: Record<string, Buffer | undefined> = {};
    for (const [name, file] of Object.entries(m.certsToTransfer(ctx.cfg))) contents[name] = await ctx.host.readFile(file);
    // a profile's files too, those this node has (init --profile wrote them; the same encryption
    // key must be on every API server); kubeadm's join ignores these entries
    for (const [name, { file }] of Object.entries(m.anyProfileFiles())) {
      const content = await ctx.host.readFile(file);
      if (content) contents[name] = content;
    }
    const secret = m.kubeadmCertsSecret(contents, key, { name: token.metadata.name, uid: owner.object.metadata.uid ?? '' });
    for (const r of await applyAll(client, [secret, ...m.kubeadmCertsRbac()])) ctx.report.result(r.kind, r.message);
    if (ctx.flags['skip-certificate-key-print'] !== true) ctx.report.print(`[upload-certs] Using certificate key:\n${keyHex}\n`);
  },
};

// The bootstrap-token phase of init: the token Secret(s), the RBAC a joining kubelet needs,
// and the public cluster-info ConfigMap that token discovery reads anonymously.

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';

/** the tokens of this run (generated where the configuration left one empty), for show-join-command */
export const TOKENS_STATE = 'bootstrap-tokens';

export const bootstrapTokenPhase: Phase<InitContext> = {
  name: 'bootstrap-token',
  short: 'Generates bootstrap tokens used to join a node to a cluster',
  flags: ['config', 'dry-run', 'rootfs', 'kubeconfig-dir', 'skip-token-print', 'token', 'token-ttl'],
  run: async (ctx) => {
    const { tokenSecret, bootstrapRbacObjects } = await import('../../kube/objects/bootstrap-token.js');
    const { generateBootstrapToken } = await import('../../config/token.js');
    const { clusterInfoObjects } = await import('../../kube/objects/cluster-info.js');
    const { applyAll } = await import('../../kube/apply.js');
    const { HostError } = await import('../../errors.js');

    const tokens = ctx.cfg.bootstrapTokens.map((t) => ({ ...t, token: t.token || generateBootstrapToken() }));
    ctx.state.set(TOKENS_STATE, tokens.map((t) => t.token));
    if (ctx.flags['skip-token-print'] !== true && tokens.length) ctx.report.info(`Using token${tokens.length > 1 ? 's' : ''}: ${tokens.map((t) => t.token).join(', ')}`);

    const adminPath = ctx.paths.kubeconfig('admin');
    const admin = await ctx.host.readText(adminPath);
    if (admin === undefined) throw new HostError('NO_ADMIN_KUBECONFIG', `${adminPath} does not exist; cluster-info is made from it`, 'run "mini-kubeadm init phase kubeconfig admin" first');

    const now = new Date();
    const objects = [...tokens.map((t) => tokenSecret(t, now)), ...bootstrapRbacObjects(ctx.cfg.kubernetesVersion), ...clusterInfoObjects(admin, adminPath)];
    for (const r of await applyAll(await ctx.kube(), objects)) ctx.report.result(r.kind, r.message);
  },
};

// The show-join-command phase of init: kubeadm's closing text, with how to use admin.conf and
// the join command (token + the CA's public-key hash) for further nodes.

import type { Phase } from '../../workflow/phase.js';
import type { InitContext } from '../context.js';
import { TOKENS_STATE } from './bootstrap-token.js';
import { CERTIFICATE_KEY_STATE } from './upload-certs.js';

/** what the addon/cni phase installs in this run, if anything */
function podNetworkName(ctx: Pick<InitContext, 'cfg'>): string | undefined {
  const cni = ctx.cfg.cni;
  if (cni.kind === 'none' || ctx.cfg.skipPhases.some((p) => ['addon', 'addon/all', 'addon/cni'].includes(p))) return undefined;
  return cni.kind === 'flannel' ? `flannel, pod CIDR ${ctx.cfg.networking.podSubnet}` : cni.path;
}

export const showJoinCommandPhase: Phase<InitContext> = {
  name: 'show-join-command',
  short: 'Show the join command for control-plane and worker node',
  flags: ['config', 'dry-run', 'rootfs', 'kubeconfig-dir', 'skip-token-print', 'skip-certificate-key-print'],
  run: async (ctx) => {
    const { currentCluster } = await import('../../kube/objects/cluster-info.js');
    const { caCertHash, initDoneText } = await import('../../kube/objects/join.js');
    const { HostError, UserError } = await import('../../errors.js');

    const adminPath = ctx.paths.kubeconfig('admin');
    const admin = await ctx.host.readText(adminPath);
    if (admin === undefined) throw new HostError('NO_ADMIN_KUBECONFIG', `${adminPath} does not exist; the join command is made from it`, 'run "mini-kubeadm init phase kubeconfig admin" first');
    const cluster = currentCluster(admin, adminPath);
    const caHash = caCertHash(Buffer.from(cluster.caData, 'base64'), `the CA of ${adminPath}`);

    const tokens = (ctx.state.get(TOKENS_STATE) as string[] | undefined) ?? ctx.cfg.bootstrapTokens.map((t) => t.token).filter((t) => t !== '');
    if (tokens.length === 0) throw new UserError('NO_TOKEN', 'there is no bootstrap token to put in the join command', 'give the token with --token (as created by "init phase bootstrap-token"), or run the whole init');
    const key = (ctx.state.get(CERTIFICATE_KEY_STATE) as string | undefined) ?? '';
    for (const token of tokens) {
      ctx.report.print(
        initDoneText({
          endpoint: cluster.server.replace(/^https:\/\//, ''),
          token: ctx.flags['skip-token-print'] === true ? '<value withheld>' : token,
          caHash,
          adminConfPath: adminPath,
          controlPlaneEndpoint: ctx.cfg.controlPlaneEndpoint,
          uploadCerts: ctx.flags['upload-certs'] === true,
          certificateKey: key && ctx.flags['skip-certificate-key-print'] === true ? '<value withheld>' : key,
          podNetwork: podNetworkName(ctx),
        }),
      );
    }
  },
};

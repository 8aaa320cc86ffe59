// The kubelet-start phase of join (kubeadm-join-spec.md §3.5): refuse a node name that is Ready
// in the cluster, write bootstrap-kubelet.conf and ca.crt, stop the kubelet, write its files
// from the cluster's kubelet-config, start it; ≤1.30 (and 1.31-1.34 without the local-mode gate)
// it also waits here for the TLS bootstrap.

import { UserError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import type { JoinContext } from './context.js';
import { JOIN_FLAGS } from './flags.js';

export const kubeletStartPhase: Phase<JoinContext> = {
  name: 'kubelet-start',
  short: 'Write kubelet settings, certificates and (re)start the kubelet',
  long: 'Write a file with KubeletConfiguration and an environment file with node specific kubelet settings, and then (re)start kubelet.',
  flags: [...JOIN_FLAGS, 'ignore-preflight-errors'],
  run: async (ctx) => {
    const [c, k, { kubeletNodeName }, { readyNodeNamed }, { ignoredChecks }, versions, { profileOfCluster }] = await Promise.all([
      ctx.cluster(),
      import('../../kubelet/kubelet-files.js'),
      import('../../kubelet/flags-env.js'),
      import('../../kube/join-cluster.js'),
      import('../../preflight/ignore.js'),
      import('../../config/versions.js'),
      import('../../profiles/profiles.js'),
    ]);
    const { host, paths, report } = ctx;
    const name = kubeletNodeName(c.cfg);
    // before anything is written, so a refused join leaves the node as it was
    // (a control plane's earlier run of this join may have registered it: that Node is this node's)
    const again = ctx.join.controlPlane && (await host.exists(paths.kubeconfig('kubelet'))) && (await (await import('../../preflight/join-control-plane.js')).earlierJoinOfThisCluster(host, c.cfg, c.discovered.caPem));
    if (!again && (await readyNodeNamed(c.client, name))) {
      throw new UserError(
        'JOIN_NODE_EXISTS',
        `a Node with name "${name}" and status "Ready" already exists in the cluster. You must delete the existing Node or change the name of this new joining Node`,
        `choose another name with --node-name, or on the control plane: kubectl delete node ${name} (after "mini-kubeadm reset" on the machine that had it)`,
      );
    }
    const bootstrapConf = paths.kubeconfig('bootstrap-kubelet');
    await host.writeFile(bootstrapConf, c.bootstrapKubeconfig, 0o600);
    report.result('file', `wrote ${bootstrapConf} (0600): the kubelet's TLS bootstrap kubeconfig (server ${/server: (\S+)/.exec(c.bootstrapKubeconfig)?.[1] ?? c.discovered.server}, token user tls-bootstrap-token-user)`);
    if (!(await host.exists(ctx.join.caCertPath))) {
      await host.writeFile(ctx.join.caCertPath, c.discovered.caPem.endsWith('\n') ? c.discovered.caPem : `${c.discovered.caPem}\n`, 0o644);
      report.result('file', `wrote ${ctx.join.caCertPath} (0644): the cluster CA, which the kubelet trusts for client certificates`);
    }

    const ignored = ignoredChecks(c.cfg.nodeRegistration.ignorePreflightErrors, undefined);
    const [, prepared] = await Promise.all([k.stopKubelet(host), k.prepareKubeletFiles(host, c.cfg, { ignored })]);
    // a cluster made with a security profile (recognised by its API servers' volumes): this node's
    // kubelet files get the profile's modes, as the init node's did
    const profile = profileOfCluster(c.cfg);
    const written = await k.writeKubeletFiles(host, c.cfg, paths, { ignored, prepared, registerTaints: !ctx.join.controlPlane, profile });
    for (const f of written.files) report.info(`[kubelet-start] Writing ${f === paths.kubeletFlagsEnvFile ? 'kubelet environment file with flags' : 'kubelet configuration'} to file "${f}"`);
    if (profile) {
      report.result('file', `the cluster's profile ${profile.name}: ${paths.kubeletConfigFile} (${written.configMode.toString(8).padStart(4, '0')})`);
      for (const f of await (await import('../../profiles/write.js')).tightenFiles(host, profile)) report.result('file', `the cluster's profile ${profile.name}: ${f}`);
    }
    for (const w of written.warnings) report.warn(w);
    const d = written.decisions;
    if (d.cgroupDriver.reason) report.info(`kubelet cgroupDriver: ${d.cgroupDriver.value}, ${d.cgroupDriver.reason}`);
    if (d.failSwapOn) report.info(`set failSwapOn: false in ${paths.kubeletConfigFile}: ${d.failSwapOn.reason}`);
    if (d.failCgroupV1) report.info(`set failCgroupV1: false in ${paths.kubeletConfigFile} (kubeadm does not): ${d.failCgroupV1.reason}`);

    report.info('[kubelet-start] Starting the kubelet');
    const outcome = await k.restartKubelet(host, paths);
    if (outcome.kind === 'restarted' && host.dryRun) report.info('would restart the kubelet (systemctl daemon-reload, systemctl restart kubelet)');
    else if (outcome.kind === 'no-systemctl') report.warn(`no systemctl on this node: the kubelet must be started by hand with: ${outcome.how}`);
    else if (outcome.kind === 'failed') report.warn(`unable to start the kubelet service (${outcome.output}); please ensure the kubelet is reloaded and running, e.g. by hand with: ${outcome.how}`);

    if (!versions.joinWaitsInOwnPhase(c.cfg.kubernetesVersion, c.cfg.featureGates)) {
      const { finishTlsBootstrap } = await import('./kubelet-wait-bootstrap.js');
      await finishTlsBootstrap(ctx, c);
    }
  },
};

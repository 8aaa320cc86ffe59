// The etcd-join phase of join (1.31+, run with ControlPlaneKubeletLocalMode: always 1.35+), and
// the same work for control-plane-join/etcd of the minors without it (§4.4): announce this
// node's etcd member (a learner where the minor does), write its etcd manifest with the existing
// members, then promote it once it has started and wait until the cluster answers with it.
// Workers skip it.

import { HostError } from '../../errors.js';
import type { Phase } from '../../workflow/phase.js';
import { workerSkip, type JoinCluster, type JoinContext } from './context.js';
import { JOIN_FLAGS } from './flags.js';

export const STALE_FLAG = 'replace-stale-member';

/** this node joins the stacked etcd cluster (the shared body of etcd-join and control-plane-join/etcd) */
export async function joinStackedEtcd(ctx: JoinContext, c: JoinCluster): Promise<void> {
  const { host, report } = ctx;
  if (!c.cfg.etcd.local) return report.info('[control-plane-join] Using external etcd - no local stacked instance added');
  const [{ etcdOf }, m, { joinEtcdMember }, versions, { readNodeFacts, buildManifest, writeManifest }] = await Promise.all([
    import('./admin.js'),
    import('../../etcd/members.js'),
    import('../../etcd/join-member.js'),
    import('../../config/versions.js'),
    import('../../manifests/static-pod.js'),
  ]);
  const local = c.cfg.etcd.local;
  const adv = c.cfg.localAPIEndpoint.advertiseAddress;
  const self = { name: c.cfg.nodeRegistration.name, peerURL: m.peerUrl(adv) };
  if (!(await host.exists(local.dataDir))) {
    await host.mkdir(local.dataDir, 0o700);
    report.result('file', `etcd data directory ${local.dataDir} (0700)`);
  }
  const profile = (await import('../../profiles/profiles.js')).profileOfCluster(c.cfg);
  if (profile) {
    const owned = await (await import('../../profiles/write.js')).ownEtcdData(host, profile, local.dataDir);
    if (owned.result) report.result('file', owned.result);
    if (owned.warning) report.warn(owned.warning);
  }
  const etcd = await etcdOf(ctx, c);
  if (!etcd) return report.info(`[etcd] would announce a new etcd member at ${self.peerURL} and write ${ctx.paths.manifest('etcd')} (a dry run does not reach etcd)`);
  const learner = versions.etcdJoinsAsLearner(c.cfg.kubernetesVersion, c.cfg.featureGates);
  const joined = await joinEtcdMember({
    etcd,
    self,
    hasLocalData: await host.exists(`${local.dataDir}/member`),
    replaceStale: ctx.flags[STALE_FLAG] === true,
    learner,
    say: (s) => report.info(s),
    dryRun: host.dryRun,
    etcdCallTimeoutMs: c.cfg.timeouts.etcdAPICallMs,
  });
  report.info('[etcd] Announced new etcd member joining to the existing etcd cluster');
  const members = joined.members.some((x) => x.peerURLs.includes(self.peerURL)) ? joined.members : [...joined.members, { id: '0', name: self.name, peerURLs: [self.peerURL], clientURLs: [], isLearner: learner }];
  const cfg = { ...c.cfg, etcd: { local: { ...local, joinInitialCluster: m.initialCluster(members, self) } } };
  report.info('[etcd] Creating static Pod manifest for "etcd"');
  const facts = versions.factsFor(cfg.kubernetesVersion);
  const { text } = await buildManifest('etcd', cfg, await readNodeFacts(host, cfg, facts, ctx.env), facts);
  const { path, outcome } = await writeManifest(host, ctx.paths.manifestsDir, 'etcd', text);
  report.result('static-pod', `etcd: ${path} (--initial-cluster=${cfg.etcd.local.joinInitialCluster}, --initial-cluster-state=existing)${outcome === 'unchanged' ? ', unchanged' : ''}`);
  if (host.dryRun) return;
  const timeoutMs = c.cfg.timeouts.etcdAPICallMs;
  if (learner) {
    report.info(`[etcd] waiting for the kubelet to start this node's etcd, then promoting its learner (up to ${Math.round(timeoutMs / 1000)}s)`);
    await m.promoteWhenStarted(etcd, self.peerURL, timeoutMs);
    report.result('note', `etcd member ${self.name} (${self.peerURL}) promoted to a voting member`);
  }
  // kubeadm: 8 tries, 5 s apart, of the cluster's health with the new member among the endpoints
  report.info('[etcd] Waiting for the new etcd member to join the cluster. This can take up to 40s');
  const withSelf = etcd.at([...new Set([...etcd.endpoints, m.clientUrl(adv)])]);
  let last = '';
  for (let i = 0; i < 8; i++) {
    const q = await m.quorum(withSelf);
    const mine = await withSelf.at([m.clientUrl(adv)]).statuses();
    if (q.healthy && mine.every((s) => !('error' in s))) {
      report.result('note', `etcd: ${q.answering.length} of ${q.answering.length + q.silent.length} members answer, this node's among them`);
      return;
    }
    last = `${q.answering.length} answer; silent: ${q.silent.join('; ') || 'none'}`;
    await new Promise((r) => setTimeout(r, 5000));
  }
  throw new HostError('ETCD_JOIN_TIMEOUT', `timeout waiting for etcd cluster to be available (${last})`, `look at this node's etcd: crictl ps -a --name etcd; crictl logs <id>; its manifest is ${path}`);
}

export const etcdJoinPhase: Phase<JoinContext> = {
  name: 'etcd-join',
  short: 'Join etcd for control plane nodes',
  flags: [...JOIN_FLAGS, STALE_FLAG],
  skipReason: workerSkip,
  run: async (ctx) => {
    const c = await ctx.cluster();
    const { kubeletConfUsesLocalEndpoint } = await import('../../config/versions.js');
    if (!kubeletConfUsesLocalEndpoint(c.cfg.kubernetesVersion, c.cfg.featureGates)) {
      return ctx.report.info(`Kubernetes 1.${c.cfg.kubernetesVersion.minor} (feature gate ControlPlaneKubeletLocalMode off): control-plane-join/etcd adds the etcd member, after the TLS bootstrap`);
    }
    await joinStackedEtcd(ctx, c);
  },
};

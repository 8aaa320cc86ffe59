// --dry-run: the cluster-side phases reach no server; they say what they would apply and the
// dry-run client records it, and nothing waits for a Node that a dry run never registers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DryRunHost } from '../../src/host/dry-run-host.js';
import { nodePaths } from '../../src/host/paths.js';
import { connect } from '../../src/kube/connect.js';
import { DryRunKubeClient } from '../../src/kube/dry-run-client.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { InitContext } from '../../src/phases/context.js';
import { initPhases } from '../../src/phases/init/index.js';
import { MemoryReporter } from '../../src/report/memory.js';
import { runPhases, selectPhases } from '../../src/workflow/runner.js';
import { testConfig, testRunOptions } from '../helpers/test-config.js';
import { tmpHost } from '../helpers/tmp-host.js';

const ADMIN = `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: Zm9v\n    server: https://172.31.0.2:6443\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    user: kubernetes-admin\n  name: kubernetes-admin@kubernetes\ncurrent-context: kubernetes-admin@kubernetes\n`;

test('dry run: upload-config, mark-control-plane, bootstrap-token and addon only record what they would apply', async (t) => {
  const real = tmpHost(t);
  const cfg = testConfig((c) => (c.bootstrapTokens[0]!.token = 'abcdef.0123456789abcdef'));
  const paths = nodePaths({ certificatesDir: cfg.certificatesDir, kubeconfigDir: '/etc/kubernetes' });
  await real.writeFile(paths.kubeconfig('admin'), ADMIN, 0o600);
  const host = new DryRunHost(real);
  const report = new MemoryReporter();
  let client: Promise<KubeClient> | undefined;
  const ctx: InitContext = { cfg, opts: testRunOptions({ dryRun: true }), paths, host, report, flags: { 'dry-run': true }, state: new Map(), kube: () => (client ??= connect(ctx)) };
  for (const phase of ['upload-config', 'mark-control-plane', 'bootstrap-token', 'addon']) await runPhases(ctx, selectPhases(initPhases, phase, []), report);
  const c = await ctx.kube();
  assert.ok(c instanceof DryRunKubeClient);
  const applied = c.recorded.map((r) => `${r.object.kind} ${'metadata' in r.object ? r.object.metadata.name : r.object.name}`);
  for (const want of ['ConfigMap kubeadm-config', 'ConfigMap kubelet-config', 'Secret bootstrap-token-abcdef', 'ConfigMap cluster-info', 'Deployment coredns', 'DaemonSet kube-proxy', 'DaemonSet kube-flannel-ds']) assert.ok(applied.includes(want), want);
  const results = report.events.flatMap((e) => (e.type === 'result' ? [e.message] : []));
  assert.ok(results.includes('Node node-a would be marked: labels node-role.kubernetes.io/control-plane="", node.kubernetes.io/exclude-from-external-load-balancers=""; taints node-role.kubernetes.io/control-plane:NoSchedule'));
  assert.ok(results.every((r) => /would/.test(r)), results.join('\n'));
  assert.ok(!applied.includes('ClusterRoleBinding kubeadm:cluster-admins'), 'the cluster-admins binding is not shown in a dry run, as in kubeadm');
});

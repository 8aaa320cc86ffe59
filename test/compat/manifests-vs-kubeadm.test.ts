// Our static-pod manifests against the REAL kubeadm of the same version: for each version and
// input, kubeadm writes its manifests in a temp root (--rootfs: it chroots there), we render ours
// for the same configuration and node, and the parsed pods are compared field by field and flag
// by flag. Every remaining difference must be on the allow-list below, with its reason
// (docs/differences.md, "Static-pod manifests"). Needs root (kubeadm's chroot) and the kubeadm
// builds of test/compat/build-kubeadm.sh (made on first run, minutes; cached afterwards).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { factsFor } from '../../src/config/versions.js';
import { RealHost } from '../../src/host/real-host.js';
import { buildManifest, readNodeFacts } from '../../src/manifests/static-pod.js';
import type { TemplateName } from '../../src/manifests/render.js';
import { ALLOWED, allowedReason } from './allowed-differences.js';
import { CONFIG_API, CONFIG_FILE, VERSIONS, configFor, kubeadmBinary, nodeRoot } from './kubeadm-reference.js';
import { diffPods } from './pod-diff.js';
import { MANIFEST_CASES } from '../helpers/manifest-cases.js';

const COMPONENTS: TemplateName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
/** the proxy variables both kubeadm and we see (kubeadm reads its own environment) */
const PROXY_ENV = { HTTPS_PROXY: 'http://proxy.lab.invalid:3128', no_proxy: '10.96.0.0/12,.svc', http_proxy: 'http://proxy.lab.invalid:3128' };

function runKubeadm(bin: string, root: string): Record<string, unknown> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...PROXY_ENV };
  for (const phase of [['control-plane', 'all'], ['etcd', 'local']]) {
    execFileSync(bin, ['init', 'phase', ...phase, '--config', CONFIG_FILE, '--rootfs', root], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  }
  const pods: Record<string, unknown> = {};
  for (const c of COMPONENTS) pods[c] = yaml.load(readFileSync(path.join(root, 'etc/kubernetes/manifests', `${c}.yaml`), 'utf8'));
  return pods;
}

test('the compat suite runs as root (kubeadm --rootfs chroots)', () => {
  assert.equal(process.getuid?.(), 0, 'run `npm run test:compat` as root: kubeadm --rootfs needs chroot');
});

for (const version of VERSIONS) {
  for (const c of MANIFEST_CASES) {
    test(`manifests match kubeadm ${version}: ${c.name}`, { timeout: 30 * 60_000 }, async (t) => {
      const bin = kubeadmBinary(version);
      const cfg = configFor(version, c.edit);
      const root = nodeRoot(cfg, CONFIG_API[version]);
      t.after(() => rmSync(root, { recursive: true, force: true }));
      const theirs = runKubeadm(bin, root);
      const facts = factsFor(cfg.kubernetesVersion);
      const node = await readNodeFacts(new RealHost(root), cfg, facts, { PATH: '/usr/bin', ...PROXY_ENV });
      const unexplained: string[] = [];
      const explained: string[] = [];
      for (const component of COMPONENTS) {
        const ours = (await buildManifest(component, cfg, node, facts)).pod;
        for (const d of diffPods(theirs[component], ours)) {
          const line = `${component} ${d.path}: kubeadm ${JSON.stringify(d.kubeadm)}, ours ${JSON.stringify(d.ours)}`;
          const reason = allowedReason({ version, component, path: d.path });
          (reason ? explained : unexplained).push(reason ? `${line} [allowed: ${reason}]` : line);
        }
      }
      if (explained.length > 0) t.diagnostic(`allowed differences:\n${explained.join('\n')}`);
      assert.deepEqual(unexplained, [], `differences from kubeadm ${version} not on the allow-list:\n${unexplained.join('\n')}`);
    });
  }
}

test('every allow-list entry has a reason and names a version', () => {
  for (const a of ALLOWED) {
    assert.ok(a.reason.length > 20, `allow-list entry ${String(a.path)} needs a reason`);
    assert.ok(a.versions.length > 0);
  }
});

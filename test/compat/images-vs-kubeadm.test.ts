// `config images list` against the REAL kubeadm of each reference version, for that same version
// (a kubeadm names its own CoreDNS and pause and its etcd table's: kubeadm 1.37.2 asked for 1.36.1
// names etcd 3.7.0-0, where kubeadm 1.36 names 3.6.8-0, so mini-kubeadm follows the kubeadm of the
// target's release, config/versions.ts), with the default registry and another one; 1.37's JSON
// and YAML (output.kubeadm.k8s.io Images) too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { runCli } from '../helpers/run-cli.js';
import { kubeadmBinary, type RefVersion } from './kubeadm-reference.js';

const TARGETS: Record<RefVersion, string[]> = { 'v1.37.2': ['v1.37.2'], 'v1.29.15': ['v1.29.15'] };
const REPOS = [[], ['--image-repository', 'registry.example.com:5000/k8s']];

for (const [ref, targets] of Object.entries(TARGETS) as [RefVersion, string[]][]) {
  test(`config images list matches kubeadm ${ref}`, async () => {
    const formats = ref === 'v1.37.2' ? [[], ['-o', 'json'], ['-o', 'yaml']] : [[]];
    for (const version of targets) {
      for (const repo of REPOS) {
        for (const format of formats) {
          const args = ['config', 'images', 'list', '--kubernetes-version', version, ...repo, ...format];
          const want = execFileSync(kubeadmBinary(ref), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
          const r = await runCli(args);
          assert.equal(r.code, 0, r.stderr);
          assert.equal(r.stdout, want, args.join(' '));
        }
      }
    }
  });
}

// A re-run of init after one killed between kubelet-start and the first manifest (a whole init
// starts the kubelet as soon as kubelet.conf exists): preflight must recognise that running
// kubelet as this cluster's (kubelet.conf for this node, signed by this node's CA) and keep it,
// and not a kubelet of another cluster or node. systemctl is a stand-in on PATH.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp-host.js';
import { testConfig } from '../helpers/test-config.js';
import { nodePaths } from '../../src/host/paths.js';
import { findEarlierInit } from '../../src/preflight/earlier-init.js';
import { newNode, openssl, runInitPhases } from './certs-harness.js';
import { standInTools } from '../helpers/stand-in-tools.js';

const paths = nodePaths({ certificatesDir: '/etc/kubernetes/pki', kubeconfigDir: '/etc/kubernetes' });

/** systemctl that says every unit is active */
function activeSystemctl(t: TestContext): void {
  standInTools(t, { systemctl: '#!/bin/sh\nexit 0\n' }, 'inherit');
}

async function nodeWithKubelet(t: TestContext) {
  const node = newNode(t);
  await runInitPhases(node, ['certs/ca', 'kubeconfig/kubelet']);
  await node.real.writeFile(paths.kubeletConfigFile, 'kind: KubeletConfiguration\n', 0o644);
  activeSystemctl(t);
  return node;
}

test("earlier init: a running kubelet on this cluster's kubelet.conf, no manifest yet, is this cluster's", async (t) => {
  const node = await nodeWithKubelet(t);
  const e = await findEarlierInit(node.real, testConfig(), paths);
  assert.equal(e.kubeletOfThisCluster, true);
  assert.equal(e.sameManifests.size, 0);
});

test('earlier init: the same kubelet.conf for another node name, or under another CA, is not', async (t) => {
  const node = await nodeWithKubelet(t);
  const other = testConfig((c) => (c.nodeRegistration.name = 'node-z'));
  assert.equal((await findEarlierInit(node.real, other, paths)).kubeletOfThisCluster, false);
  const dir = tmpDir(t, 'mk-ca-');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k'), '-out', path.join(dir, 'c'), '-days', '1', '-subj', '/CN=kubernetes']);
  await node.real.writeFile(paths.pki('ca.crt'), openssl(['x509', '-in', path.join(dir, 'c')]), 0o644);
  assert.equal((await findEarlierInit(node.real, testConfig(), paths)).kubeletOfThisCluster, false);
});

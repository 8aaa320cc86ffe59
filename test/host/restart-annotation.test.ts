// The one edit `certs renew` makes to a static pod's manifest so that the kubelet replaces it:
// on the manifests `init phase etcd local` and `init phase control-plane all` really write
// (kube-apiserver and etcd carry kubeadm's annotations, the controller-manager and scheduler
// none), the result parses to the same pod plus the annotation, and a second renewal replaces
// the annotation instead of adding another.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { annotateManifest, RENEWED_ANNOTATION } from '../../src/kubelet/restart-static-pods.js';
import { runCli } from '../helpers/run-cli.js';
import { tmpDir } from '../helpers/tmp-host.js';

type Pod = { metadata: { annotations?: Record<string, string> } };

test('annotateManifest: the same pod with one annotation, replaced on the next renewal', async (t) => {
  const root = tmpDir(t, 'mk-annot-');
  for (const phase of [['etcd', 'local'], ['control-plane', 'all']]) {
    const r = await runCli(['init', 'phase', ...phase, '--rootfs', root, '--apiserver-advertise-address', '10.1.1.1', ...(phase[0] === 'etcd' ? ['--node-name', 'n1'] : [])]);
    assert.equal(r.code, 0, r.stderr);
  }
  for (const c of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
    const file = path.join(root, 'etc/kubernetes/manifests', `${c}.yaml`);
    const text = readFileSync(file, 'utf8');
    const once = await annotateManifest(text, '2026-12-05T08:00:00.000Z', file);
    const twice = await annotateManifest(once, '2026-12-06T09:00:00.000Z', file);
    const want = yaml.load(text) as Pod;
    want.metadata.annotations = { ...want.metadata.annotations, [RENEWED_ANNOTATION]: '2026-12-06T09:00:00.000Z' };
    assert.deepEqual(yaml.load(twice), want, c);
    assert.equal(twice.split(RENEWED_ANNOTATION).length, 2, `${c}: one annotation line`);
    // nothing else in the text moved
    assert.equal(twice.split('\n').filter((l) => !l.includes(RENEWED_ANNOTATION) && l !== '  annotations:').join('\n'), text.split('\n').filter((l) => l !== '  annotations:').join('\n'), c);
  }
  await assert.rejects(annotateManifest('apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n', 'x', '/m/x.yaml'), /not laid out as mini-kubeadm and kubeadm write a static pod/);
});

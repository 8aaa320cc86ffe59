// kubeadm's closing text of a control-plane join (kubeadm-join-spec.md §6), byte for byte: the
// text of the spec sheet, typed here with its TABs, against what join prints; external etcd
// puts an empty line where the etcd line is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controlPlaneDoneText, WORKER_DONE_TEXT } from '../../src/commands/join.js';

const SPEC = [
  '',
  'This node has joined the cluster and a new control plane instance was created:',
  '',
  '* Certificate signing request was sent to apiserver and approval was received.',
  '* The Kubelet was informed of the new secure connection details.',
  '* Control plane label and taint were applied to the new node.',
  '* The Kubernetes control plane instances scaled up.',
  '* A new etcd member was added to the local/stacked etcd cluster.',
  '',
  'To start administering your cluster from this node, you need to run the following as a regular user:',
  '',
  '\tmkdir -p $HOME/.kube',
  '\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config',
  '\tsudo chown $(id -u):$(id -g) $HOME/.kube/config',
  '',
  "Run 'kubectl get nodes' to see this node join the cluster.",
  '',
  '',
].join('\n');

test('control-plane join: kubeadm\'s closing text with stacked etcd', () => {
  assert.equal(controlPlaneDoneText(true), SPEC);
  assert.ok(controlPlaneDoneText(true).endsWith('\n\n'));
  assert.notEqual(controlPlaneDoneText(true), WORKER_DONE_TEXT);
});

test('control-plane join: with external etcd the etcd line is an empty line (two before "To start")', () => {
  const external = controlPlaneDoneText(false);
  assert.equal(external, SPEC.replace('* A new etcd member was added to the local/stacked etcd cluster.\n', '\n'));
  assert.match(external, /scaled up\.\n\n\nTo start administering/);
});

// kubelet-start and kubelet-finalize on a temp rootfs: the files kubeadm writes (modes, content
// parsed back), the decisions taken from the node's own files, the service verbs in order
// (a recording systemctl stand-in on PATH: the real one would act on this machine), and the
// kubelet.conf rewrite checked with kubectl.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import yaml from 'js-yaml';
import { tmpDir, tmpHost } from '../helpers/tmp-host.js';
import { testConfig } from '../helpers/test-config.js';
import { nodePaths } from '../../src/host/paths.js';
import { restartKubelet, stopKubelet, writeKubeletFiles } from '../../src/kubelet/kubelet-files.js';
import { enableClientCertRotation } from '../../src/kubelet/cert-rotation.js';
import { parseKubeVersion } from '../../src/config/defaults.js';
import { standInTools, RECORDS } from '../helpers/stand-in-tools.js';

const paths = nodePaths({ certificatesDir: '/etc/kubernetes/pki', kubeconfigDir: '/etc/kubernetes' });

const LAB_CONTAINERD = `version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10.2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    SystemdCgroup = false
`;

/** A PATH holding only recording stand-ins: nothing real is asked or changed. */
const fakePath = (t: Parameters<typeof tmpDir>[0], tools: string[]) => standInTools(t!, Object.fromEntries(tools.map((x) => [x, RECORDS])), 'none');

test('kubelet-start on a cgroup v1 node with the lab\'s containerd: cgroupfs, failCgroupV1 false, files 0644', async (t) => {
  const host = tmpHost(t);
  mkdirSync(host.resolve('/etc/containerd'), { recursive: true });
  writeFileSync(host.resolve('/etc/containerd/config.toml'), LAB_CONTAINERD);
  const fake = fakePath(t, ['systemctl']);
  t.after(fake.restore);
  const cfg = testConfig();

  await stopKubelet(host);
  const written = await writeKubeletFiles(host, cfg, paths, { hostname: 'node-a' });
  const outcome = await restartKubelet(host, paths);

  assert.deepEqual(written.files, ['/var/lib/kubelet/kubeadm-flags.env', '/var/lib/kubelet/instance-config.yaml', '/var/lib/kubelet/config.yaml']);
  for (const f of written.files) assert.equal(statSync(host.resolve(f)).mode & 0o777, 0o644, f);
  assert.equal(statSync(host.resolve('/var/lib/kubelet')).mode & 0o777, 0o700);
  const kc = yaml.load(readFileSync(host.resolve('/var/lib/kubelet/config.yaml'), 'utf8')) as Record<string, any>;
  assert.equal(kc.kind, 'KubeletConfiguration');
  assert.equal(kc.cgroupDriver, 'cgroupfs');
  assert.equal(kc.failCgroupV1, false);
  assert.equal(kc.containerRuntimeEndpoint, 'unix:///var/run/containerd/containerd.sock');
  assert.deepEqual(kc.clusterDNS, ['10.96.0.10']);
  assert.equal(kc.authentication.x509.clientCAFile, '/etc/kubernetes/pki/ca.crt');
  assert.equal(kc.failSwapOn, undefined);
  assert.equal(readFileSync(host.resolve('/var/lib/kubelet/kubeadm-flags.env'), 'utf8'), 'KUBELET_KUBEADM_ARGS=""\n');
  assert.match(written.decisions.failCgroupV1!.reason!, /cgroup v1/);
  assert.match(written.decisions.cgroupDriver.reason!, /SystemdCgroup = false/);

  assert.equal(outcome.kind, 'restarted');
  const calls = fake.calls().filter((l) => !l.includes('is-active'));
  assert.deepEqual(calls, ['systemctl stop kubelet', 'systemctl daemon-reload', 'systemctl restart kubelet']);
});

test('kubelet-start on a cgroup v2 node with swap on and Swap ignored: failSwapOn false, no failCgroupV1; 1.33 has no instance-config.yaml', async (t) => {
  const host = tmpHost(t);
  mkdirSync(host.resolve('/sys/fs/cgroup'), { recursive: true });
  writeFileSync(host.resolve('/sys/fs/cgroup/cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
  mkdirSync(host.resolve('/proc'), { recursive: true });
  writeFileSync(host.resolve('/proc/swaps'), 'Filename\tType\tSize\tUsed\tPriority\n/swapfile file 1048572 0 -2\n');
  const fake = fakePath(t, []);
  t.after(fake.restore);
  const cfg = testConfig((c) => {
    c.kubernetesVersion = parseKubeVersion('v1.33.2')!;
    c.nodeRegistration.ignorePreflightErrors = ['Swap'];
  });
  const written = await writeKubeletFiles(host, cfg, paths, { hostname: 'node-a' });
  assert.deepEqual(written.files, ['/var/lib/kubelet/kubeadm-flags.env', '/var/lib/kubelet/config.yaml']);
  const kc = yaml.load(readFileSync(host.resolve('/var/lib/kubelet/config.yaml'), 'utf8')) as Record<string, any>;
  assert.equal(kc.failSwapOn, false);
  assert.equal(kc.failCgroupV1, undefined);
  assert.equal(kc.containerRuntimeEndpoint, '');
  // no containerd config: containerd's default driver
  assert.equal(kc.cgroupDriver, 'cgroupfs');
  assert.equal(
    readFileSync(host.resolve('/var/lib/kubelet/kubeadm-flags.env'), 'utf8'),
    'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10"\n',
  );
  // no systemctl at all: say how to run the kubelet by hand
  const outcome = await restartKubelet(host, paths);
  assert.equal(outcome.kind, 'no-systemctl');
  assert.match(outcome.kind === 'no-systemctl' ? outcome.how : '', /--kubeconfig=\/etc\/kubernetes\/kubelet\.conf --config=\/var\/lib\/kubelet\/config\.yaml \$KUBELET_KUBEADM_ARGS/);
});

const KUBELET_CONF = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: Q0EK
    server: https://172.31.0.2:6443
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    user: system:node:node-a
  name: system:node:node-a@kubernetes
current-context: system:node:node-a@kubernetes
kind: Config
preferences: {}
users:
- name: system:node:node-a
  user:
    client-certificate-data: Q0VSVAo=
    client-key-data: S0VZCg==
`;

test('kubelet-finalize points kubelet.conf at the rotatable certificate (kubectl reads it back), once', async (t) => {
  const host = tmpHost(t);
  const cfg = testConfig();
  assert.equal((await enableClientCertRotation(host, cfg, paths)).kind, 'no-rotatable-cert');

  await host.writeFile('/etc/kubernetes/kubelet.conf', KUBELET_CONF, 0o600);
  await host.writeFile('/var/lib/kubelet/pki/kubelet-client-current.pem', 'PEM', 0o600);
  const r = await enableClientCertRotation(host, cfg, paths);
  assert.equal(r.kind, 'updated');
  const file = host.resolve('/etc/kubernetes/kubelet.conf');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const view = (q: string) => execFileSync('kubectl', ['config', 'view', '--kubeconfig', file, '--raw', '-o', `jsonpath=${q}`], { encoding: 'utf8' });
  assert.equal(view('{.users[0].user.client-certificate}'), '/var/lib/kubelet/pki/kubelet-client-current.pem');
  assert.equal(view('{.users[0].user.client-key}'), '/var/lib/kubelet/pki/kubelet-client-current.pem');
  assert.equal(view('{.users[0].user.client-certificate-data}'), '');
  assert.equal(view('{.clusters[0].cluster.server}'), 'https://172.31.0.2:6443');
  assert.equal((await enableClientCertRotation(host, cfg, paths)).kind, 'already', 'a second run changes nothing');
});

// A whole `init --rootfs` in which one lane fails while the others wait on its gate: the
// control plane's API server keeps exiting (crictl, journalctl and systemctl stand-ins on PATH
// answer as a node whose kube-apiserver dies on an unknown flag), the kubelet's health endpoint
// and the API server's port are local servers. init must exit 1 naming the phase and the
// component, soon, with the add-on and kubelet-finalize lanes (waiting on the API server) and
// the controller-manager's accounts (tried through super-admin.conf) all ended: before issue 13
// the wait's own clean-up waited on a gate only its failure could close, and init hung for good.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { tmpDir } from '../helpers/tmp-host.js';
import { runCli } from '../helpers/run-cli.js';
import { standInTools } from '../helpers/stand-in-tools.js';

const PODS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

function standIns(t: { after: (fn: () => void) => void }, root: string) {
  const pods = { items: PODS.map((c, i) => ({ id: `p${i}`, metadata: { name: `${c}-node-a`, namespace: 'kube-system' }, state: 'SANDBOX_READY', createdAt: String(1e18 + i) })) };
  const containers = {
    containers: [
      ...PODS.filter((c) => c !== 'kube-apiserver').map((c) => ({ id: `c-${c}`, podSandboxId: `p${PODS.indexOf(c)}`, metadata: { name: c, attempt: 0 }, state: 'CONTAINER_RUNNING', createdAt: '2000000000000000000' })),
      { id: 'api0', podSandboxId: 'p1', metadata: { name: 'kube-apiserver', attempt: 0 }, state: 'CONTAINER_EXITED', createdAt: '2000000000000000001' },
      { id: 'api1', podSandboxId: 'p1', metadata: { name: 'kube-apiserver', attempt: 1 }, state: 'CONTAINER_EXITED', createdAt: '2000000000000000002' },
    ],
  };
  const tools: Record<string, string> = {
    crictl: `#!/bin/sh
# crictl stand-in: kube-apiserver exited twice with exit code 1
for a in "$@"; do last="$a"; done
case " $* " in
  *" pods "*) echo '${JSON.stringify(pods)}' ;;
  *" ps "*) echo '${JSON.stringify(containers)}' ;;
  *" inspect "*) echo '{"status":{"exitCode":1,"reason":"Error"}}' ;;
  *" logs "*) [ "$last" = api1 ] && echo 'Error: unknown flag: --no-such-flag' ;;
  *" version "*) echo 'RuntimeName: containerd' ;;
esac
exit 0
`,
    journalctl: '#!/bin/sh\nexit 0\n',
    systemctl: '#!/bin/sh\n# systemctl stand-in: every unit is active, every verb works\nexit 0\n',
  };
  standInTools(t, tools, 'inherit');
  mkdirSync(path.join(root, 'run/containerd'), { recursive: true });
  writeFileSync(path.join(root, 'run/containerd/containerd.sock'), '');
}

async function listen(t: { after: (fn: () => void) => void }, srv: http.Server | https.Server): Promise<number> {
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => srv.close());
  return (srv.address() as AddressInfo).port;
}

test('a whole init whose API server keeps exiting exits 1 soon, naming wait-control-plane and the component; no lane is left waiting', { timeout: 120_000 }, async (t) => {
  const root = tmpDir(t);
  standIns(t, root);
  const kubeletPort = await listen(t, http.createServer((_q, res) => void res.writeHead(200).end('ok')));
  const dir = tmpDir(t);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem')], { stdio: 'ignore' });
  const tls = { key: readFileSync(path.join(dir, 'k.pem')), cert: readFileSync(path.join(dir, 'c.pem')) };
  let apiCalls = 0;
  const apiPort = await listen(t, https.createServer(tls, (_q, res) => void (apiCalls++, res.writeHead(503).end('not ready'))));
  writeFileSync(
    path.join(root, 'init.yaml'),
    `apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint:
  advertiseAddress: 127.0.0.1
  bindPort: ${apiPort}
nodeRegistration:
  name: node-a
  criSocket: unix:///run/containerd/containerd.sock
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.37.2
networking:
  podSubnet: 10.244.0.0/16
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
healthzBindAddress: 127.0.0.1
healthzPort: ${kubeletPort}
`,
  );
  const r = await runCli(['init', '--rootfs', root, '--config', '/init.yaml', '--ignore-preflight-errors', 'all']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /phase wait-control-plane: kube-apiserver cannot start: its container exited 2 times the same way \(exit code 1, Error\)/);
  assert.match(r.stderr, /unknown flag: --no-such-flag/);
  assert.match(r.stderr, /init stopped at phase wait-control-plane/);
  assert.ok(apiCalls > 0, "the controller-manager's accounts were tried through super-admin.conf (the lane that used to hang)");
  // the lanes waiting on the API server started none of their API phases
  assert.doesNotMatch(r.stdout + r.stderr, /\[upload-config\].*(created|uploaded)/);
});

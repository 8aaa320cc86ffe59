// The controller-manager ServiceAccounts that a whole init makes ahead of kube-controller-manager
// (src/kube/objects/controller-accounts.ts) against the ones the real kube-controller-manager of
// the lab (1.37.2) makes itself, with kubeadm's flags, on an empty cluster: init must make exactly
// those, nothing kubeadm's cluster would not have. Then, with the accounts made ahead, the same
// controller-manager must start its controllers without creating any.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LAB_CACHE, startApiServer, type ApiServer } from '../helpers/api-server.js';
import { controllerAccountNames, controllerAccounts } from '../../src/kube/objects/controller-accounts.js';
import { httpKubeClient } from '../../src/kube/http-client.js';

const KCM = path.join(LAB_CACHE, 'kubernetes@v1.37.2/bin/kube-controller-manager');
const LAB_MINOR = 37;

const kubectlJson = (api: ApiServer, ...args: string[]) => JSON.parse(execFileSync('kubectl', ['--kubeconfig', api.adminKubeconfig, ...args, '-o', 'json'], { encoding: 'utf8' }));
/** the names of the ServiceAccounts in kube-system */
function accounts(api: ApiServer): string[] {
  return kubectlJson(api, '-n', 'kube-system', 'get', 'serviceaccounts').items.map((sa: { metadata: { name: string } }) => sa.metadata.name).sort();
}
/** made by the serviceaccount controller in every namespace, not one of the controllers' own */
const DEFAULT_ACCOUNT = 'default';

/** kube-controller-manager with kubeadm's flags (templates/manifests/kube-controller-manager.yaml), killed when the test ends */
function startControllerManager(t: import('node:test').TestContext, api: ApiServer, tag: string): () => string {
  const kubeconfig = api.clientKubeconfig(`kcm-${tag}.conf`, 'system:kube-controller-manager');
  const f = (n: string) => path.join(api.dir, n);
  const log = openSync(f(`kcm-${tag}.log`), 'a');
  const kcm = spawn(KCM, [
    `--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1', '--secure-port=0', '--leader-elect=false', '--use-service-account-credentials=true',
    '--controllers=*,bootstrapsigner,tokencleaner', '--allocate-node-cidrs=true', '--cluster-cidr=10.244.0.0/16',
    '--service-cluster-ip-range=10.96.0.0/12', `--root-ca-file=${f('ca.crt')}`, `--service-account-private-key-file=${f('sa.key')}`,
    `--cluster-signing-cert-file=${f('ca.crt')}`, `--cluster-signing-key-file=${f('ca.key')}`, `--requestheader-client-ca-file=${f('ca.crt')}`,
  ], { stdio: ['ignore', log, log] });
  t.after(() => void (kcm.exitCode === null && kcm.kill('SIGKILL')));
  return () => readFileSync(f(`kcm-${tag}.log`), 'utf8');
}

/** polls until the set of accounts has not changed for `quietMs` (the controller-manager made all it makes) */
async function settle(api: ApiServer, want: (names: string[]) => boolean, quietMs = 4000, timeoutMs = 90_000): Promise<string[]> {
  const end = Date.now() + timeoutMs;
  let last = '', since = Date.now();
  for (;;) {
    const now = accounts(api);
    const key = now.join(',');
    if (key !== last) (last = key), (since = Date.now());
    if (want(now) && Date.now() - since >= quietMs) return now;
    if (Date.now() > end) throw new Error(`ServiceAccounts did not settle: ${key}\n${api.logTail()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test('controller-manager ServiceAccounts: the same names as the real kube-controller-manager 1.37 makes', { timeout: 300_000, skip: existsSync(KCM) ? false : `${KCM} is missing (bash test/e2e/lib/build.sh)` }, async (t) => {
  const ours = controllerAccountNames(LAB_MINOR);

  await t.test('on an empty cluster, kube-controller-manager makes exactly these', async (t) => {
    const api = await startApiServer(t);
    startControllerManager(t, api, 'alone');
    // wait until the last of ours is there and nothing new came for a while
    const made = await settle(api, (n) => ours.every((name) => n.includes(name)));
    const byKcm = made.filter((n) => n !== DEFAULT_ACCOUNT);
    assert.deepEqual(ours.filter((n) => !byKcm.includes(n)), [], 'names init would make that kube-controller-manager does not');
    assert.deepEqual(byKcm.filter((n) => !ours.includes(n)), [], `names kube-controller-manager makes that the list misses (add them for 1.${LAB_MINOR})`);
  });

  await t.test('made ahead, kube-controller-manager uses them and starts its controllers', async (t) => {
    const api = await startApiServer(t);
    const client = await httpKubeClient({ kubeconfig: readFileSync(api.adminKubeconfig, 'utf8'), kubeconfigPath: api.adminKubeconfig, callTimeoutMs: 20_000 });
    const results = await Promise.all(controllerAccounts(LAB_MINOR).map((o) => client.create(o)));
    assert.deepEqual([...new Set(results)], ['created']);
    const log = startControllerManager(t, api, 'ahead');
    const after = await settle(api, (n) => n.includes(DEFAULT_ACCOUNT) && /Starting daemon sets controller/.test(log()));
    assert.deepEqual(after, [...ours, DEFAULT_ACCOUNT].sort(), 'kube-controller-manager made accounts beyond the ones made ahead');
  });
});

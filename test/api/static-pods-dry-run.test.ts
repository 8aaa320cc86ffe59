// Every static-pod manifest we render (etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler), for 1.29 and 1.37 and each manifest case (defaults; extraArgs, extraVolumes,
// extraEnvs; ranges; addresses, names and dirs), is accepted by a real kube-apiserver (lab build
// cache) in a server-side dry run: POST .../namespaces/kube-system/pods?dryRun=All, with strict
// field validation, so schema, validation and admission all see the pod and nothing is stored.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import yaml from 'js-yaml';
import { startApiServer } from '../helpers/api-server.js';
import { MANIFEST_CASES } from '../helpers/manifest-cases.js';
import { testConfig } from '../helpers/test-config.js';
import { tmpHost } from '../helpers/tmp-host.js';
import { parseKubeVersion } from '../../src/config/defaults.js';
import { factsFor } from '../../src/config/versions.js';
import { buildManifest, readNodeFacts } from '../../src/manifests/static-pod.js';
import type { TemplateName } from '../../src/manifests/render.js';

const VERSIONS = ['v1.29.15', 'v1.37.2'];
const COMPONENTS: TemplateName[] = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
/** made on the node so every conditional CA-bundle mount is rendered */
const CA_DIRS = ['/etc/ca-certificates', '/usr/share/ca-certificates', '/etc/pki/ca-trust', '/etc/pki/tls/certs', '/usr/local/share/ca-certificates'];
/** proxy variables in the environment, so the pods carry them */
const PROXY_ENV = { HTTPS_PROXY: 'http://proxy.lab.invalid:3128', no_proxy: '10.96.0.0/12,.svc' };

interface Answer {
  status: number;
  body: Record<string, unknown>;
  warnings: string[];
}

type Client = (method: 'GET' | 'POST', path: string, obj?: unknown) => Promise<Answer>;

/** A client with the admin kubeconfig's certificate (system:masters). */
function adminClient(url: string, kubeconfig: string): Client {
  const kc = yaml.load(kubeconfig) as {
    clusters: { cluster: { 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const tls = { ca: b64(kc.clusters[0]!.cluster['certificate-authority-data']), cert: b64(kc.users[0]!.user['client-certificate-data']), key: b64(kc.users[0]!.user['client-key-data']) };
  return (method, path, obj) =>
      new Promise((resolve, reject) => {
        const req = https.request(`${url}${path}`, { ...tls, method, headers: { 'content-type': 'application/json' }, timeout: 20_000 }, (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => {
            const w = res.headers.warning;
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>, warnings: w === undefined ? [] : Array.isArray(w) ? w : [w] });
          });
        });
        req.on('error', reject);
        req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 20 s`)));
        req.end(obj === undefined ? undefined : JSON.stringify(obj));
      });
}

test('every rendered static-pod manifest passes a server-side dry run', { timeout: 5 * 60_000 }, async (t) => {
  const api = await startApiServer(t);
  const client = adminClient(api.url, readFileSync(api.adminKubeconfig, 'utf8'));
  // the controller-manager would make kube-system's default ServiceAccount; admission needs it
  const sa = await client('POST', '/api/v1/namespaces/kube-system/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'kube-system' } });
  assert.ok(sa.status === 201 || sa.status === 409, `default ServiceAccount: ${sa.status} ${JSON.stringify(sa.body)}`);

  const host = tmpHost(t);
  for (const d of CA_DIRS) await host.mkdir(d, 0o755);
  for (const version of VERSIONS) {
    for (const c of MANIFEST_CASES) {
      await t.test(`${version}: ${c.name}`, async () => {
        const cfg = testConfig((cfg) => {
          cfg.kubernetesVersion = parseKubeVersion(version)!;
          c.edit(cfg);
        });
        const facts = factsFor(cfg.kubernetesVersion);
        const node = await readNodeFacts(host, cfg, facts, PROXY_ENV);
        for (const component of COMPONENTS) {
          const { pod } = await buildManifest(component, cfg, node, facts);
          const r = await client('POST', '/api/v1/namespaces/kube-system/pods?dryRun=All&fieldValidation=Strict', pod);
          assert.equal(r.status, 201, `${version} ${c.name}: ${component} refused: ${JSON.stringify(r.body.message ?? r.body)}`);
          assert.equal((r.body.metadata as { name?: string } | undefined)?.name, pod.metadata.name);
          assert.deepEqual(r.warnings, [], `${version} ${c.name}: ${component}: the API server warned`);
        }
      });
    }
  }
  // the check can fail: an unknown field and an invalid name are refused
  const cfg = testConfig();
  const { pod } = await buildManifest('kube-scheduler', cfg, await readNodeFacts(host, cfg, factsFor(cfg.kubernetesVersion), {}), factsFor(cfg.kubernetesVersion));
  const bad = (edit: (container: Record<string, unknown>) => void) => {
    const copy = structuredClone(pod) as unknown as { spec: { containers: Record<string, unknown>[] } };
    edit(copy.spec.containers[0]!);
    return client('POST', '/api/v1/namespaces/kube-system/pods?dryRun=All&fieldValidation=Strict', copy);
  };
  assert.equal((await bad((c) => (c.imagePullPolicyy = 'Never'))).status, 400);
  assert.equal((await bad((c) => (c.name = 'Not_A_DNS_Label'))).status, 422);
  // a dry run stores nothing
  const list = await client('GET', '/api/v1/namespaces/kube-system/pods');
  assert.deepEqual(list.body.items, []);
});

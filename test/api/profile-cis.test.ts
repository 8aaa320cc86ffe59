// The CIS profile's API server flags and files (written by the profile's own writer) on a real
// kube-apiserver 1.37 + etcd: it starts with them, stores Secrets encrypted with the generated
// key (read raw from etcd with etcdctl), writes the audit log, and runs EventRateLimit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startApiServer, LAB_CACHE } from '../helpers/api-server.js';
import { RealHost } from '../../src/host/real-host.js';
import { AUDIT_LOG_DIR, CIS_DIR, cisApiServerArgs, profileNamed } from '../../src/profiles/profiles.js';
import { writeProfileFiles } from '../../src/profiles/write.js';

const ETCDCTL = path.join(LAB_CACHE, 'etcd@v3.7.2/bin/etcdctl');

test('a real kube-apiserver accepts the CIS profile: Secrets encrypted at rest, audit log, EventRateLimit', { timeout: 240_000 }, async (t) => {
  const profile = profileNamed('cis')!;
  let root = '';
  const api = await startApiServer(t, {
    extraArgs: async (dir) => {
      // the files as init writes them, under a directory standing for the node's "/"
      root = path.join(dir, 'node');
      await writeProfileFiles(new RealHost(root), profile);
      return cisApiServerArgs(root + CIS_DIR, root + AUDIT_LOG_DIR).map((a) => `--${a.name}=${a.value}`);
    },
  });
  for (const f of profile.files) assert.equal(statSync(root + f.path).mode & 0o777, 0o600, f.path);
  const kubectl = (...args: string[]) => execFileSync('kubectl', ['--kubeconfig', api.adminKubeconfig, ...args], { encoding: 'utf8' });
  kubectl('create', 'secret', 'generic', 'cis-probe', '-n', 'default', '--from-literal=password=plain-text-canary');
  assert.match(kubectl('get', 'secret', 'cis-probe', '-n', 'default', '-o', 'jsonpath={.data.password}'), new RegExp(Buffer.from('plain-text-canary').toString('base64')));

  const raw = execFileSync(ETCDCTL, [`--endpoints=http://127.0.0.1:${api.etcdClientPort}`, 'get', '/registry/secrets/default/cis-probe', '--print-value-only']);
  assert.ok(raw.subarray(0, 30).toString('latin1').startsWith('k8s:enc:aescbc:v1:key1:'), `stored value starts with ${JSON.stringify(raw.subarray(0, 30).toString('latin1'))}`);
  assert.ok(!raw.includes(Buffer.from('plain-text-canary')), 'the Secret value is not stored in clear');

  const audit = readFileSync(path.join(root + AUDIT_LOG_DIR, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { level: string; objectRef?: { resource?: string; name?: string }; verb: string; requestObject?: unknown });
  const created = audit.find((e) => e.objectRef?.resource === 'secrets' && e.objectRef.name === 'cis-probe' && e.verb === 'create');
  assert.ok(created, 'the audit log holds the Secret\'s creation');
  assert.equal(created.level, 'Metadata');
  assert.equal(created.requestObject, undefined, 'a Secret\'s body is never in the audit log');
  assert.match(api.logTail() + readFileSync(path.join(api.dir, 'kube-apiserver.log'), 'utf8'), /EventRateLimit/, 'the API server loaded the EventRateLimit admission plugin');
});

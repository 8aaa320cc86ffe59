// A kubeconfig's credentials as TLS options, checked against a real TLS server that demands a
// client certificate signed by an openssl-made CA (inline data, files by absolute and relative
// path, a bearer token), and the kubeconfigs that cannot be used, each with its reason.

import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { kubeconfigTarget, KubeconfigProblem } from '../../src/kube/kubeconfig-tls.js';
import { httpKubeClient } from '../../src/kube/http-client.js';
import { HostError } from '../../src/errors.js';
import { tmpDir } from '../helpers/tmp-host.js';

interface Pki {
  dir: string;
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** a CA, a server cert for 127.0.0.1 and a client cert CN=kubernetes-admin, made by openssl */
function pki(t: TestContext): Pki {
  const dir = tmpDir(t);
  const ossl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: 'ignore' });
  ossl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
  for (const [name, subj, ext] of [['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1'], ['client', '/O=kubeadm:cluster-admins/CN=kubernetes-admin', 'extendedKeyUsage=clientAuth']] as const) {
    ossl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj);
    execFileSync('sh', ['-c', `printf '%s\\n' '${ext}' > ${name}.ext && openssl x509 -req -in ${name}.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out ${name}.crt -days 1 -extfile ${name}.ext`], { cwd: dir, stdio: 'ignore' });
  }
  const r = (f: string) => readFileSync(path.join(dir, f));
  return { dir, ca: r('ca.crt'), cert: r('client.crt'), key: r('client.key') };
}

/** answers 200 with the client certificate's CN (or the bearer token) it was given */
async function server(t: TestContext, p: Pki): Promise<string> {
  const r = (f: string) => readFileSync(path.join(p.dir, f));
  const s = https.createServer({ key: r('server.key'), cert: r('server.crt'), ca: p.ca, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as import('node:tls').TLSSocket).getPeerCertificate();
    const who = (req.socket as import('node:tls').TLSSocket).authorized ? `cert:${peer.subject.CN}` : `token:${req.headers.authorization ?? 'none'}`;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: who, namespace: 'kube-system' } }));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => s.close(() => resolve())));
  return `https://127.0.0.1:${(s.address() as net.AddressInfo).port}`;
}

const b64 = (b: Buffer) => b.toString('base64');
function kubeconfig(server: string, cluster: string, user: string): string {
  return `apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n${cluster}    server: ${server}\n  name: k\ncontexts:\n- context:\n    cluster: k\n    user: admin\n  name: admin@k\ncurrent-context: admin@k\nusers:\n- name: admin\n  user:\n${user}`;
}

const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'kube-system' };

test('credentials reach a real TLS server: inline data, files by absolute and relative path, a token', async (t) => {
  const p = pki(t);
  const url = await server(t, p);
  const files = new Map([['/etc/kubernetes/pki/ca.crt', p.ca], ['/etc/kubernetes/pki/admin.crt', p.cert], ['/etc/kubernetes/admin.key', p.key]]);
  const readFile = async (f: string) => files.get(f);
  const cases: { name: string; cluster: string; user: string; want: string }[] = [
    { name: 'inline data (what kubeadm writes)', cluster: `    certificate-authority-data: ${b64(p.ca)}\n`, user: `    client-certificate-data: ${b64(p.cert)}\n    client-key-data: ${b64(p.key)}\n`, want: 'cert:kubernetes-admin' },
    { name: 'files, one relative to the kubeconfig', cluster: '    certificate-authority: /etc/kubernetes/pki/ca.crt\n', user: '    client-certificate: pki/admin.crt\n    client-key: /etc/kubernetes/admin.key\n', want: 'cert:kubernetes-admin' },
    { name: 'a bearer token', cluster: `    certificate-authority-data: ${b64(p.ca)}\n`, user: '    token: abc.def\n', want: 'token:Bearer abc.def' },
  ];
  for (const c of cases) {
    const client = await httpKubeClient({ kubeconfig: kubeconfig(url, c.cluster, c.user), kubeconfigPath: '/etc/kubernetes/admin.conf', callTimeoutMs: 5000, readFile });
    assert.equal((await client.get(ref))?.metadata.name, c.want, c.name);
  }
});

test('a server certificate from another CA is refused', async (t) => {
  const p = pki(t);
  const other = pki(t);
  const url = await server(t, p);
  const client = await httpKubeClient({ kubeconfig: kubeconfig(url, `    certificate-authority-data: ${b64(other.ca)}\n`, '    token: x\n'), kubeconfigPath: '/etc/kubernetes/admin.conf', callTimeoutMs: 2000 });
  await assert.rejects(client.get(ref), /certificate/i);
});

const unusable: { name: string; text: string; want: RegExp }[] = [
  { name: 'not YAML', text: 'clusters: [', want: /not YAML/ },
  { name: 'no cluster', text: 'apiVersion: v1\nkind: Config\n', want: /no current cluster/ },
  { name: 'an exec plugin', text: kubeconfig('https://x', '', '    exec:\n      command: aws\n'), want: /"exec"/ },
  { name: 'a file that is not there', text: kubeconfig('https://x', '    certificate-authority: /nope/ca.crt\n', '    token: x\n'), want: /\/nope\/ca\.crt cannot be read/ },
];
for (const u of unusable) {
  test(`unusable kubeconfig: ${u.name}`, async () => {
    await assert.rejects(kubeconfigTarget(u.text, '/etc/kubernetes/admin.conf', async () => undefined), (e: unknown) => e instanceof KubeconfigProblem && u.want.test(e.message));
    await assert.rejects(httpKubeClient({ kubeconfig: u.text, kubeconfigPath: '/etc/kubernetes/admin.conf', callTimeoutMs: 100, readFile: async () => undefined }), (e: unknown) => e instanceof HostError && e.code === 'KUBECONFIG_INVALID' && /admin\.conf/.test(e.message));
  });
}

// What kubeadm finds out about a node (host name, advertise address, CRI socket), read from a
// fake /proc and fake sockets under a temp --rootfs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { RealHost } from '../../src/host/real-host.js';
import { detectAdvertiseAddress, detectCriSocket, detectNodeName } from '../../src/config/detect.js';
import { fakeNodeRoot, type FakeNode } from '../helpers/config-fake-node.js';

const hdr = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT';
const fib = (...addrs: string[]) => `Local:\n  +-- 0.0.0.0/0 3 0 5\n${addrs.map((a) => `     |-- ${a}\n        /32 host LOCAL\n`).join('')}`;

const addressCases: { name: string; node: FakeNode; want: string | undefined }[] = [
  { name: 'default route on eth0', node: {}, want: '192.168.56.11' },
  {
    name: 'two interfaces, the default route on the second',
    node: {
      route: [hdr, 'eth0\t0000000A\t00000000\t0001\t0\t0\t0\t000000FF\t0\t0\t0', 'eth1\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0', 'eth1\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0', ''].join('\n'),
      fibTrie: fib('10.0.0.5', '172.17.0.9', '127.0.0.1'),
    },
    want: '172.17.0.9',
  },
  {
    name: 'two default routes: the lower metric wins',
    node: {
      route: [hdr, 'eth0\t00000000\t0100000A\t0003\t0\t0\t600\t00000000\t0\t0\t0', 'eth0\t0000000A\t00000000\t0001\t0\t0\t600\t000000FF\t0\t0\t0', 'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0', 'wlan0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0', ''].join('\n'),
      fibTrie: fib('10.0.0.5', '192.168.1.20'),
    },
    want: '192.168.1.20',
  },
  {
    name: 'a /32 address without a connected route (cloud VMs)',
    node: { route: [hdr, 'ens4\t00000000\t0100800A\t0003\t0\t0\t0\t00000000\t0\t0\t0', 'ens4\t0100800A\t00000000\t0005\t0\t0\t0\tFFFFFFFF\t0\t0\t0', ''].join('\n'), fibTrie: fib('127.0.0.1', '10.128.0.7') },
    want: '10.128.0.7',
  },
  {
    name: 'IPv6 only: the global address of the IPv6 default-route interface',
    node: {
      route: `${hdr}\n`,
      fibTrie: fib('127.0.0.1'),
      ipv6Route: '00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00450003     eth0\n',
      ifInet6: 'fe8000000000000000fc00fffe000001 04 40 20 80     eth0\nfd000000000000000000000000000002 04 40 00 82     eth0\n',
    },
    want: 'fd00::2',
  },
  { name: 'no default route at all', node: { route: `${hdr}\n`, fibTrie: fib('127.0.0.1') }, want: undefined },
];
for (const c of addressCases) {
  test(`advertise address: ${c.name}`, async (t) => {
    const d = await detectAdvertiseAddress(new RealHost(fakeNodeRoot(t, c.node)));
    if (c.want === undefined) {
      assert.equal(d.ok, false);
      if (!d.ok) assert.match(d.why, /default route/);
    } else {
      assert.ok(d.ok, d.ok ? '' : d.why);
      if (d.ok) assert.equal(d.value, c.want);
    }
  });
}

test('node name: the host name, lower-cased', async (t) => {
  const d = await detectNodeName(new RealHost(fakeNodeRoot(t, { hostname: 'CP-1.Example.COM' })));
  assert.ok(d.ok);
  if (d.ok) assert.equal(d.value, 'cp-1.example.com');
});

const criCases: { name: string; sockets: string[]; want: string | RegExp }[] = [
  { name: 'none: containerd\'s default', sockets: [], want: 'unix:///var/run/containerd/containerd.sock' },
  { name: 'only CRI-O', sockets: ['/var/run/crio/crio.sock'], want: 'unix:///var/run/crio/crio.sock' },
  { name: 'only cri-dockerd, under /run', sockets: ['/run/cri-dockerd.sock'], want: 'unix:///var/run/cri-dockerd.sock' },
  { name: 'containerd and CRI-O: an error naming both', sockets: ['/run/containerd/containerd.sock', '/var/run/crio/crio.sock'], want: /containerd\.sock, unix:\/\/\/var\/run\/crio\/crio\.sock/ },
];
for (const c of criCases) {
  test(`CRI socket: ${c.name}`, async (t) => {
    const d = await detectCriSocket(new RealHost(fakeNodeRoot(t, { sockets: c.sockets })));
    if (typeof c.want === 'string') {
      assert.ok(d.ok);
      if (d.ok) assert.equal(d.value, c.want);
    } else {
      assert.equal(d.ok, false);
      if (!d.ok) assert.match(d.why, c.want);
    }
  });
}

test('on this machine, the detected address is the one `ip` shows on the default-route interface', async () => {
  const dev = /\bdev (\S+)/.exec(execFileSync('ip', ['-4', '-o', 'route', 'show', 'default'], { encoding: 'utf8' }))?.[1];
  assert.ok(dev, 'this machine has an IPv4 default route');
  const addrs = [...execFileSync('ip', ['-4', '-o', 'addr', 'show', 'dev', dev], { encoding: 'utf8' }).matchAll(/inet (\S+)\//g)].map((m) => m[1]);
  const d = await detectAdvertiseAddress(new RealHost('/'));
  assert.ok(d.ok, d.ok ? '' : d.why);
  if (d.ok) assert.ok(addrs.includes(d.value), `${d.value} is one of ${addrs.join(', ')} on ${dev}`);
});

// Which API answers the calls retry until their deadline: the server not up yet, 5xx, 429, and a
// Service create refused for a cluster IP that an interrupted create left taken (the API server
// frees it 60 s later); other refusals fail at once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiStatusError, isTransient } from '../../src/kube/retry.js';

test('isTransient: what goes away by itself, and what does not', () => {
  const held = 'Service "kube-dns" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated';
  const cases: { name: string; e: unknown; want: boolean }[] = [
    { name: 'connection refused', e: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), want: true },
    { name: '503', e: new ApiStatusError(503, 'ServiceUnavailable', 'not ready'), want: true },
    { name: '429', e: new ApiStatusError(429, 'TooManyRequests', 'slow down'), want: true },
    { name: '422, cluster IP held (an interrupted create)', e: new ApiStatusError(422, 'Invalid', held), want: true },
    { name: '422, another invalid field', e: new ApiStatusError(422, 'Invalid', 'Service "kube-dns" is invalid: spec.ports[0].port: Invalid value: 0'), want: false },
    { name: '403', e: new ApiStatusError(403, 'Forbidden', 'no'), want: false },
    { name: '404', e: new ApiStatusError(404, 'NotFound', 'gone'), want: false },
  ];
  for (const c of cases) assert.equal(isTransient(c.e), c.want, c.name);
});

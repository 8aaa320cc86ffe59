// The controller-manager's controller ServiceAccounts per minor (src/kube/objects/controller-accounts.ts);
// test/api/controller-accounts.test.ts compares 1.37's with the real kube-controller-manager.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerAccountNames, controllerAccounts } from '../../src/kube/objects/controller-accounts.js';

test('controller accounts: the names that depend on the minor come and go with it', () => {
  const has = (minor: number, name: string) => controllerAccountNames(minor).includes(name);
  // the service controller made its account without a cloud provider up to 1.30 only
  assert.ok(has(29, 'service-controller') && has(30, 'service-controller') && !has(32, 'service-controller'));
  // 1.31 depends on the patch release: left to the controller-manager
  assert.ok(!has(31, 'service-controller'));
  assert.ok(!has(29, 'validatingadmissionpolicy-status-controller') && has(30, 'validatingadmissionpolicy-status-controller'));
  assert.ok(!has(36, 'podcertificaterequestcleaner') && has(37, 'podcertificaterequestcleaner'));
  assert.ok(has(36, 'device-taint-eviction-controller') && !has(35, 'device-taint-eviction-controller'));
  for (let minor = 29; minor <= 37; minor++) {
    const names = controllerAccountNames(minor);
    assert.equal(new Set(names).size, names.length, `1.${minor}: a name twice`);
    assert.ok(names.includes('daemon-set-controller') && names.includes('bootstrap-signer') && names.includes('token-cleaner'), `1.${minor}`);
  }
});

test('controller accounts: plain ServiceAccounts in kube-system, as the controller-manager makes them', () => {
  for (const o of controllerAccounts(37)) {
    assert.deepEqual(Object.keys(o).sort(), ['apiVersion', 'kind', 'metadata']);
    assert.deepEqual(Object.keys(o.metadata).sort(), ['name', 'namespace']);
    assert.equal(o.metadata.namespace, 'kube-system');
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterStatus } from './cluster-admin.js';
import type { StatusSnapshot } from './admin-app.js';

const worker = (gateway: string, requests: number, ready = true) =>
  ({ gateway, ready, in_flight: 1, requests, retries: 2 }) as unknown as StatusSnapshot;

test('when every worker answers then the instance status sums their counters and is ready', () => {
  const s = clusterStatus('gw-1', 2, [worker('gw-1/w2', 30), worker('gw-1/w1', 12)]);
  assert.equal(s.requests, 42);
  assert.equal(s.in_flight, 2);
  assert.equal(s.retries, 4);
  assert.equal(s.ready, true);
  assert.deepEqual(
    s.workers.map((w) => w.gateway),
    ['gw-1/w1', 'gw-1/w2'],
    'in worker order',
  );
});

test('when a worker is missing or not ready then the instance is not ready', () => {
  assert.equal(clusterStatus('gw-1', 2, [worker('gw-1/w1', 1)]).ready, false);
  assert.equal(clusterStatus('gw-1', 2, [worker('gw-1/w1', 1), worker('gw-1/w2', 1, false)]).ready, false);
  assert.equal(clusterStatus('gw-1', 2, []).workers_answering, 0);
});

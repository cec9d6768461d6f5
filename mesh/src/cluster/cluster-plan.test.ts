// The cluster profile's spread and the split-brain arithmetic, without touching the network.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveProfile } from '../profile.js';
import { clusterPlanFor, hostIndexOf } from './cluster-plan.js';
import { inHost } from './cluster-components.js';
import { netPlan } from './network-namespaces.js';
import { splitBrainWindowS } from './split-brain-probe.js';

describe('cluster plan', () => {
  test('when infrastructure is placed then each replicated set spreads over distinct hosts', () => {
    const hosts = (names: string[]) => names.map((n) => hostIndexOf(n));
    assert.deepEqual(hosts(['consul-1', 'consul-2', 'consul-3']), [0, 1, 2]);
    assert.deepEqual(hosts(['sentinel-1', 'sentinel-2', 'sentinel-3']), [0, 1, 2]);
    assert.deepEqual(hosts(['gateway-1', 'gateway-2', 'gateway-3']), [0, 1, 2]);
    assert.deepEqual(hosts(['api-1', 'api-2', 'api-3']), [0, 1, 2]);
    assert.equal(new Set(hosts(['redis-1', 'redis-2'])).size, 2);
    assert.equal(new Set(hosts(['pg-1', 'pg-2'])).size, 2);
    assert.equal(new Set(hosts(['worker-1', 'worker-2'])).size, 2);
    assert.equal(new Set(hosts(['beat-1', 'beat-2'])).size, 2);
    assert.equal(hostIndexOf('smtp'), null, 'the SMTP sink stands outside the cluster');
  });

  test('when the cluster profiles resolve then they get their own /24, namespaces and a gateway per host', () => {
    const c = resolveProfile({ MESH_PROFILE: 'cluster' });
    assert.equal(c.base, 29500);
    assert.equal(c.scale.gateway, 3);
    assert.deepEqual(
      c.cluster!.net.hosts.map((h) => `${h.ns}=${h.addr}`),
      ['host-a=10.77.0.11', 'host-b=10.77.0.12', 'host-c=10.77.0.13'],
    );
    const t = clusterPlanFor('cluster-test')!;
    assert.deepEqual(
      t.net.hosts.map((h) => h.ns),
      ['ct-host-a', 'ct-host-b', 'ct-host-c'],
    );
    assert.equal(t.net.bridgeAddr, '10.77.1.1');
    assert.equal(resolveProfile({ MESH_PROFILE: 'dev' }).cluster, undefined);
    assert.throws(() => netPlan('192.168.1'), /10\.77\.x\.0\/24/);
  });

  test('when a component runs in a cluster then it is wrapped in ip netns exec, and a postgres one drops to its user by setpriv', () => {
    const c = resolveProfile({ MESH_PROFILE: 'cluster' });
    const base = {
      kind: 'pg' as const,
      command: '/usr/bin/patroni',
      args: ['x.yml'],
      env: {},
      cwd: '/',
      port: 1,
      logFile: '/dev/null',
      stopTimeoutMs: 1,
    };
    const pg = inHost(c, { ...base, name: 'pg-1', user: { uid: 105, gid: 106 } });
    assert.equal(pg.command, 'ip');
    assert.deepEqual(pg.args, [
      'netns',
      'exec',
      'host-b',
      'setpriv',
      '--reuid=105',
      '--regid=106',
      '--clear-groups',
      '/usr/bin/patroni',
      'x.yml',
    ]);
    assert.equal(pg.user, undefined);
    const dev = inHost(resolveProfile({ MESH_PROFILE: 'dev' }), { ...base, name: 'pg-1' });
    assert.equal(dev.command, '/usr/bin/patroni', 'single host: unchanged');
    const smtp = inHost(c, { ...base, kind: 'smtp', name: 'smtp' });
    assert.equal(smtp.command, '/usr/bin/patroni', 'the sink stays in the root namespace');
  });

  test('when two nodes acknowledge writes in the same 250 ms then that counts toward the split-brain window', () => {
    assert.equal(
      splitBrainWindowS(
        new Map([
          ['a', [0, 100, 200]],
          ['b', [1000, 1100]],
        ]),
      ),
      0,
    );
    assert.equal(
      splitBrainWindowS(
        new Map([
          ['a', [0, 300, 600]],
          ['b', [50, 310, 2000]],
        ]),
      ),
      0.5,
    );
    assert.equal(splitBrainWindowS(new Map([['a', [10]]])), 0);
  });
});

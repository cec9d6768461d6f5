// Smoke test of the cluster profile: its own small cluster (profile cluster-test, 10.77.1.0/24, hosts
// ct-host-a/b/c) comes up, a request entering host-a's gateway is served by an API on another host, one short
// partition drill runs, and the cluster goes down leaving no process, namespace, link or address behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { waitFor } from '@mutiroes/platform';
import { Mesh } from '../mesh.js';
import { addrOf, resolveProfile } from '../profile.js';
import { consulService } from '../infra-health.js';
import { leftovers, teardownNetwork } from './network-namespaces.js';
import { formatPartitionTable, runPartitionDrill } from './partition-drill-runner.js';

// Smaller than `make cluster-up` (2-core CI): 3 Consul servers, Redis pair, 3 Sentinels, 2 Patroni nodes,
// 3 API (one per host: one cut, one may flap on a loaded box), 1 worker (host-b), 1 gateway (host-a).
const profile = resolveProfile({
  MESH_PROFILE: 'cluster-test',
  MESH_PORT_BASE: '30500',
  ...(process.env['MESH_RUN_ROOT'] ? { MESH_RUN_ROOT: process.env['MESH_RUN_ROOT'] } : {}),
  MESH_API: '3',
  MESH_WORKERS: '1',
  MESH_BEATS: '0',
  MESH_GATEWAYS: '1',
});
const mesh = new Mesh(profile);
const net = profile.cluster!.net;
const say = (l: string) => process.stdout.write(`# [cluster-test] ${l}\n`);

before(async () => {
  const up = await mesh.up({ progress: say });
  assert.equal(up.ok, true, 'the cluster came up');
});

after(async () => {
  // Whatever happened above: stop every process by pid, then remove the hosts' network.
  await mesh.down(say).catch((e: unknown) => say(`down: ${e instanceof Error ? e.message : String(e)}`));
  try {
    teardownNetwork(net);
  } catch (e) {
    say(`teardown: ${e instanceof Error ? e.message : String(e)}`);
  }
});

describe('cluster profile on simulated hosts (smoke)', () => {
  test('when the cluster is up then every component registered and advertises its own host address, none 127.0.0.1', async () => {
    const hostAddrs = new Set(net.hosts.map((h) => h.addr));
    for (const service of ['api', 'worker', 'gateway', 'pgha', 'redis-sentinel']) {
      const entries = await consulService(profile, service);
      assert.ok(entries.length > 0, `${service} registered`);
      for (const e of entries)
        assert.ok(
          hostAddrs.has(e.Service.Address),
          `${service} ${e.Service.ID} advertises ${e.Service.Address}`,
        );
    }
    const members = (await (
      await fetch(`http://${addrOf(profile, 'consul-1')}:${profile.ports.consul[0]!.http}/v1/agent/members`, {
        headers: { 'x-consul-token': mesh.consulToken },
      })
    ).json()) as { Name: string; Addr: string }[];
    assert.deepEqual(
      members.map((m) => m.Addr).sort(),
      [...hostAddrs].sort(),
      'one Consul server per host, on its address',
    );
  });

  test('when requests enter the gateway on host-a then API instances on other hosts serve some of them', async () => {
    const hostA = net.hosts[0]!;
    const gw = `http://${addrOf(profile, 'gateway-1')}:${profile.ports.gateway(1)}`;
    assert.equal(addrOf(profile, 'gateway-1'), hostA.addr);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = randomUUID();
      ids.push(id);
      const res = await fetch(`${gw}/api/events/?page_size=1`, { headers: { 'x-request-id': id } });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    // The gateway's access log names the upstream that served each request (written asynchronously).
    const served = new Map<string, string>();
    await waitFor(
      () => {
        for (const l of fs.readFileSync(mesh.logFile('gateway-1'), 'utf8').split('\n')) {
          if (!l.includes('"message":"access"')) continue;
          const e = JSON.parse(l) as { request_id?: string; upstream_addr?: string };
          if (e.request_id && ids.includes(e.request_id) && e.upstream_addr)
            served.set(e.request_id, e.upstream_addr.split(':')[0]!);
        }
        return served.size === ids.length;
      },
      { timeoutMs: 10_000, intervalMs: 100, description: 'every request in the access log' },
    );
    const remote = [...served.values()].filter((a) => a !== hostA.addr);
    assert.ok(
      remote.length > 0,
      `some requests served from another host (served by ${[...new Set(served.values())].join(', ')})`,
    );
    assert.ok(
      remote.every((a) => net.hosts.some((h) => h.addr === a)),
      'only by the cluster hosts',
    );
  });

  test('when host-a cannot reach the API on host-b (short asymmetric partition) then no client request fails', async () => {
    const r = await runPartitionDrill(mesh, 'partition-asymmetric', {
      scale: 0.3,
      ratePerSec: 20,
      resultsDir: 'test-results',
      say: (l) => say(`[drill] ${l}`),
    });
    process.stdout.write(formatPartitionTable([r]).replace(/^/gm, '# ') + '\n');
    assert.ok(r.writes_acknowledged > 0, 'the load wrote something');
    assert.equal(r.writes_acknowledged_missing, 0, 'acknowledged writes missing');
    assert.equal(r.jobs_never_processed, 0, 'acknowledged jobs never processed');
    assert.equal(r.jobs_processed_twice, 0, 'jobs processed twice');
    assert.deepEqual(r.failed_by_status, {}, 'failed client requests');
    assert.equal(
      r.facts['cut_api_passing_in_consul_throughout'],
      true,
      'the cut API kept passing its Consul checks',
    );
  });

  test('when the cluster goes down then no namespace, link or address of it is left', async () => {
    await mesh.down(say);
    assert.deepEqual(leftovers(net), []);
    assert.deepEqual(await mesh.listeningPorts(), []);
  });
});

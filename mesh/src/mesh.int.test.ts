// The foundation's promises, checked against the real processes of the running mesh (profile test).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { Redis } from 'ioredis';
import { waitFor } from '@mutiroes/platform';
import { connectMesh, type Mesh } from './mesh.js';
import { consulService } from './infra-health.js';

let mesh: Mesh;

async function pgClient(port: number): Promise<pg.Client> {
  const c = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'mutiroes',
    password: mesh.secrets.dbPassword,
    database: 'mutiroes',
  });
  await c.connect();
  return c;
}

before(async () => {
  mesh = await connectMesh();
  await mesh.waitHealthy({ timeoutMs: 120_000 });
});

describe('local mesh infrastructure', () => {
  test('when the mesh is up then Consul has a leader and 3 voters', async () => {
    const http = mesh.ports.consul[0]!.http;
    const leader = (await (await fetch(`http://127.0.0.1:${http}/v1/status/leader`)).json()) as string;
    assert.match(leader, /^127\.0\.0\.1:\d+$/);
    const raft = (await (
      await fetch(`http://127.0.0.1:${http}/v1/operator/raft/configuration`, {
        headers: { 'x-consul-token': mesh.consulToken },
      })
    ).json()) as { Servers: { Voter: boolean; Leader: boolean }[] };
    assert.equal(raft.Servers.length, 3);
    assert.equal(raft.Servers.filter((s) => s.Voter).length, 3);
    assert.equal(raft.Servers.filter((s) => s.Leader).length, 1);
  });

  test('when the first Consul server is asked for /ui/ then the web UI answers', async () => {
    const res = await fetch(`http://127.0.0.1:${mesh.ports.consul[0]!.http}/ui/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await res.text(), /Consul/);
  });

  test('when Sentinel is asked then it names a master whose replica is in sync', async () => {
    const answers = await Promise.all(
      mesh.ports.sentinel.map(async (port) => {
        const s = new Redis({ host: '127.0.0.1', port, password: mesh.secrets.redisPassword });
        try {
          return (await s.call('SENTINEL', 'get-master-addr-by-name', 'mutiroes')) as [string, string];
        } finally {
          s.disconnect();
        }
      }),
    );
    assert.equal(new Set(answers.map((a) => a.join(':'))).size, 1, 'all 3 sentinels agree on the master');
    const [host, port] = answers[0]!;
    const master = new Redis({ host, port: Number(port), password: mesh.secrets.redisPassword });
    const replicaPort = mesh.ports.redis.find((p) => p !== Number(port))!;
    const replica = new Redis({ host: '127.0.0.1', port: replicaPort, password: mesh.secrets.redisPassword });
    try {
      assert.match(await master.info('replication'), /role:master/);
      const info = await replica.info('replication');
      assert.match(info, /role:slave/);
      assert.match(info, /master_link_status:up/);
      const key = `mesh-test:${randomUUID()}`;
      await master.set(key, 'v', 'EX', 60);
      assert.equal(await master.wait(1, 2000), 1, 'the write reached the replica');
      assert.equal(await replica.get(key), 'v');
    } finally {
      master.disconnect();
      replica.disconnect();
    }
  });

  test('when Consul lists redis-sentinel then the 3 sentinels are passing there', async () => {
    const entries = await consulService(mesh.profile, 'redis-sentinel');
    assert.deepEqual(entries.map((e) => e.Service.Port).sort(), [...mesh.ports.sentinel].sort());
  });

  test('when Consul lists pgha then exactly one primary and one replica pass', async () => {
    const entries = await consulService(mesh.profile, 'pgha');
    assert.equal(entries.filter((e) => e.Service.Tags?.includes('primary')).length, 1);
    assert.equal(entries.filter((e) => e.Service.Tags?.includes('replica')).length, 1);
  });

  test('when a row is written on the primary then it is read on the replica', async () => {
    const entries = await consulService(mesh.profile, 'pgha');
    const primary = entries.find((e) => e.Service.Tags?.includes('primary'))!;
    const replica = entries.find((e) => e.Service.Tags?.includes('replica'))!;
    const w = await pgClient(primary.Service.Port);
    const r = await pgClient(replica.Service.Port);
    try {
      await w.query(
        'create table if not exists mesh_probe (id text primary key, at timestamptz default now())',
      );
      const id = randomUUID();
      await w.query('insert into mesh_probe (id) values ($1)', [id]);
      // synchronous_mode: the commit waited for the standby's flush; replay follows within moments.
      const seen = await waitFor(
        async () => (await r.query('select id from mesh_probe where id = $1', [id])).rowCount === 1,
        {
          timeoutMs: 5000,
          intervalMs: 20,
          description: 'the row on the replica',
        },
      );
      assert.equal(seen, true);
      const inRecovery = await r.query<{ r: boolean }>('select pg_is_in_recovery() as r');
      assert.equal(inRecovery.rows[0]!.r, true, 'the read really came from a standby');
    } finally {
      await w.end();
      await r.end();
    }
  });
});

describe('down then up', () => {
  after(async () => {
    await mesh.waitHealthy({ timeoutMs: 120_000 });
  });

  test('when the mesh is taken down then no port is left, and after up the data is still there', async () => {
    const id = randomUUID();
    const primary = await mesh.pgPrimary();
    const w = await pgClient(primary.port);
    await w.query(
      'create table if not exists mesh_probe (id text primary key, at timestamptz default now())',
    );
    await w.query('insert into mesh_probe (id) values ($1)', [id]);
    await w.end();
    const redis = await mesh.redisMasterClient();
    await redis.set(`mesh-keep:${id}`, 'kept');
    await redis.wait(1, 2000);
    redis.disconnect();

    await mesh.down();
    assert.deepEqual(await mesh.listeningPorts(), []);

    const r = await mesh.up({ infraOnly: true });
    assert.equal(r.ok, true);
    await mesh.waitHealthy({ timeoutMs: 120_000 });
    const p2 = await mesh.pgPrimary();
    const c = await pgClient(p2.port);
    const rows = await c.query('select id from mesh_probe where id = $1', [id]);
    await c.end();
    assert.equal(rows.rowCount, 1);
    const redis2 = await mesh.redisMasterClient();
    assert.equal(await redis2.get(`mesh-keep:${id}`), 'kept');
    redis2.disconnect();
  });
});

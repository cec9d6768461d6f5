// createPostgres when Consul cannot name a usable primary (the state right after a whole-Consul restart:
// every check critical, role tags stale — Patroni registers with EnableTagOverride) and while the primary
// itself restarts. Real Consul (registrations this file controls, pointing at the real Patroni nodes) and
// real Postgres; the `pgha` registrations Patroni owns are never touched.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { sleep, waitFor } from '@mutiroes/platform';
import { ConsulRegistry } from '../consul-registry.js';
import { createPostgres, type PostgresClients } from './postgres-client.js';
import { testLogger } from '../testing/test-logger.fixture.js';

const svc = `regtest-pg-${process.pid}`;
const table = `regtest_restart_${process.pid}`;

interface Member {
  id: string;
  port: number;
  tags: string[];
  status: 'passing' | 'critical';
}

async function consulPut(mesh: Mesh, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`http://${mesh.consulHttpAddrs[0]}${path}`, {
    method: 'PUT',
    headers: { 'x-consul-token': mesh.consulToken },
    body: body === undefined ? null : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`consul PUT ${path} → ${res.status} ${await res.text()}`);
}

/** Registers `svc` members as Consul would list them after a restart (tags and check status as given). */
async function registerMembers(mesh: Mesh, members: Member[]): Promise<void> {
  // A re-registration keeps an existing check's status: start from none.
  await deregisterMembers(mesh);
  for (const m of members)
    await consulPut(mesh, '/v1/agent/service/register', {
      ID: `${svc}/${m.id}`,
      Name: svc,
      Address: '127.0.0.1',
      Port: m.port,
      Tags: m.tags,
      Check: { CheckID: `${svc}/${m.id}:ttl`, TTL: '10m', Status: m.status },
    });
  // Wait until Consul answers with exactly what was registered (the watch and lookups read it).
  await waitFor(
    async () => {
      const r = await fetch(`http://${mesh.consulHttpAddrs[0]}/v1/health/service/${svc}`, {
        headers: { 'x-consul-token': mesh.consulToken },
      });
      const list = (await r.json()) as Array<{
        Service: { ID: string; Tags: string[] };
        Checks: Array<{ CheckID: string; Status: string }>;
      }>;
      return members.every((m) =>
        list.some(
          (e) =>
            e.Service.ID === `${svc}/${m.id}` &&
            JSON.stringify(e.Service.Tags) === JSON.stringify(m.tags) &&
            e.Checks.find((c) => c.CheckID === `${svc}/${m.id}:ttl`)?.Status === m.status,
        ),
      );
    },
    { timeoutMs: 10_000, description: `consul lists the ${svc} registrations` },
  );
}

async function deregisterMembers(mesh: Mesh): Promise<void> {
  for (const id of ['a', 'b'])
    await consulPut(mesh, `/v1/agent/service/deregister/${encodeURIComponent(`${svc}/${id}`)}`).catch(
      () => undefined,
    );
}

describe('createPostgres when Consul cannot name the primary (real Consul and Patroni)', () => {
  let mesh: Mesh;
  let registry: ConsulRegistry;
  let primaryPort = 0;
  let replicaPort = 0;
  const opened: PostgresClients[] = [];

  async function client(opts: { service?: string; replicaReads?: boolean } = {}): Promise<PostgresClients> {
    const pg = await createPostgres({
      registry,
      service: opts.service ?? svc,
      database: mesh.env['DB_NAME']!,
      username: mesh.env['DB_USER']!,
      password: mesh.env['DB_PASSWORD']!,
      logger: testLogger('pg-discovery'),
      replicaReads: opts.replicaReads ?? false,
      primaryWaitMs: 8_000,
    });
    opened.push(pg);
    return pg;
  }

  const inRecovery = async (pg: PostgresClients) =>
    (
      await pg.sequelize.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r', { type: QueryTypes.SELECT })
    )[0]!.r;

  before(async () => {
    mesh = await connectMesh();
    await mesh.waitHealthy({ timeoutMs: 90_000 });
    registry = new ConsulRegistry({
      consulAddr: mesh.env['CONSUL_HTTP_ADDR']!,
      logger: testLogger('pg-discovery'),
    });
    primaryPort = (await mesh.pgPrimary()).port;
    replicaPort = mesh.ports.pg.map((p) => p.postgres).find((p) => p !== primaryPort)!;
  });

  after(async () => {
    for (const pg of opened) await pg.close().catch(() => undefined);
    await deregisterMembers(mesh);
    await registry.close();
    await mesh.waitHealthy({ timeoutMs: 120_000 });
  });

  test('when Consul tags the replica primary (stale tag) and the real primary is critical then writes still reach the real primary', async () => {
    await registerMembers(mesh, [
      { id: 'a', port: replicaPort, tags: ['primary'], status: 'passing' },
      { id: 'b', port: primaryPort, tags: ['replica'], status: 'critical' },
    ]);
    const pg = await client();
    assert.equal(await inRecovery(pg), false, 'the write connection is on a node that accepts writes');
    assert.equal(pg.lastVerifiedPrimary()?.port, primaryPort, 'the verified primary is the real one');
    await deregisterMembers(mesh);
  });

  test('when every registration is critical (right after a Consul restart) then a new client finds the primary among them', async () => {
    await registerMembers(mesh, [
      { id: 'a', port: replicaPort, tags: ['replica'], status: 'critical' },
      { id: 'b', port: primaryPort, tags: ['primary'], status: 'critical' },
    ]);
    const pg = await client();
    assert.equal(await inRecovery(pg), false);
    assert.equal(pg.lastVerifiedPrimary()?.port, primaryPort);
    await deregisterMembers(mesh);
  });

  test('when no registered member accepts writes then opening a connection fails after the bounded wait', async () => {
    await registerMembers(mesh, [{ id: 'a', port: replicaPort, tags: ['primary'], status: 'passing' }]);
    const pg = await createPostgres({
      registry,
      service: svc,
      database: mesh.env['DB_NAME']!,
      username: mesh.env['DB_USER']!,
      password: mesh.env['DB_PASSWORD']!,
      logger: testLogger('pg-discovery'),
      primaryWaitMs: 1_500,
    });
    opened.push(pg);
    const t0 = performance.now();
    await assert.rejects(() => inRecovery(pg), /in recovery|no usable postgres primary/);
    const waited = performance.now() - t0;
    assert.ok(waited >= 1_000 && waited < 8_000, `gave up after the wait (${waited.toFixed(0)} ms)`);
    await deregisterMembers(mesh);
  });

  test('when the primary Postgres restarts (Patroni restart, no failover) then no write fails for want of a connection', async () => {
    const pg = await client({ service: 'pgha' });
    await pg.sequelize.query(`CREATE TABLE IF NOT EXISTS ${table} (id integer PRIMARY KEY)`);
    const primary = await mesh.pgPrimary();
    const rest = mesh.ports.pg.find((p) => p.postgres === primary.port)!.rest;
    const startedBefore = (
      (await (await fetch(`http://127.0.0.1:${rest}/patroni`)).json()) as { postmaster_start_time: string }
    ).postmaster_start_time;

    const acked: number[] = [];
    const connectFailures: string[] = [];
    const inFlightFailures: string[] = [];
    let longest = 0;
    let restartDone = false;
    let okAfterRestart = 0;
    const restart = (async () => {
      await sleep(1_000);
      const r = await fetch(`http://127.0.0.1:${rest}/restart`, {
        method: 'POST',
        headers: { authorization: mesh.patroniAuthorization },
        body: '{}',
        signal: AbortSignal.timeout(60_000),
      });
      restartDone = true;
      return `${r.status} ${await r.text()}`;
    })();
    const t0 = performance.now();
    for (let id = 1; !(restartDone && okAfterRestart >= 20); id++) {
      if (performance.now() - t0 > 60_000) assert.fail('the restart did not finish within 60 s');
      const t = performance.now();
      try {
        await pg.sequelize.query(`INSERT INTO ${table} (id) VALUES (:id)`, { replacements: { id } });
        acked.push(id);
        if (restartDone) okAfterRestart += 1;
      } catch (e) {
        const msg = (e as Error).message;
        // A statement in flight on a connection the shutdown terminates fails (57P01), as it must; what
        // must not fail is opening a new connection while the primary is briefly not there.
        if (
          /terminat|Connection terminated|ECONNRESET|shutting down|administrator command/i.test(msg) &&
          !/ECONNREFUSED|starting up|no usable/i.test(msg)
        )
          inFlightFailures.push(msg);
        else connectFailures.push(msg);
      }
      longest = Math.max(longest, performance.now() - t);
      await sleep(50);
    }
    const restartAnswer = await restart;
    const startedAfter = (
      (await (await fetch(`http://127.0.0.1:${rest}/patroni`)).json()) as { postmaster_start_time: string }
    ).postmaster_start_time;
    const rows = await pg.sequelize.query<{ id: number }>(`SELECT id FROM ${table}`, {
      type: QueryTypes.SELECT,
    });
    const present = new Set(rows.map((r) => r.id));
    console.log(
      `measure: primary restart (${restartAnswer.trim()}): ${acked.length} writes acked, longest write ${(longest / 1000).toFixed(2)} s, ` +
        `${inFlightFailures.length} in-flight statement(s) terminated, ${connectFailures.length} connection failure(s)`,
    );
    await pg.sequelize.query(`DROP TABLE IF EXISTS ${table}`);
    assert.notEqual(startedAfter, startedBefore, 'postgres really restarted');
    assert.ok(longest > 300, 'some write overlapped the restart and waited for the primary');
    assert.deepEqual(connectFailures, [], 'no write failed because no connection could be opened');
    assert.ok(
      inFlightFailures.length <= 2,
      `in-flight statements terminated: ${inFlightFailures.join(' | ')}`,
    );
    assert.deepEqual(
      acked.filter((id) => !present.has(id)),
      [],
      'acknowledged writes kept',
    );
  });
});

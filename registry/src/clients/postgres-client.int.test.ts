// Sequelize following the Patroni primary through Consul while the primary is killed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QueryTypes } from 'sequelize';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { sleep, waitFor } from '@mutiroes/platform';
import { ConsulRegistry } from '../consul-registry.js';
import { createPostgres, type PostgresClients } from './postgres-client.js';
import { queryPrepared } from './postgres-prepared.js';
import { testLogger } from '../testing/test-logger.fixture.js';

const table = `regtest_writes_${process.pid}`;

describe('Postgres client through Consul (real Patroni failover)', () => {
  let mesh: Mesh;
  let registry: ConsulRegistry;
  let pg: PostgresClients;

  before(async () => {
    mesh = await connectMesh();
    registry = new ConsulRegistry({ consulAddr: mesh.env['CONSUL_HTTP_ADDR']!, logger: testLogger('pg') });
    pg = await createPostgres({
      registry,
      database: mesh.env['DB_NAME']!,
      username: mesh.env['DB_USER']!,
      password: mesh.env['DB_PASSWORD']!,
      logger: testLogger('pg'),
      replicaReads: true,
    });
    await pg.sequelize.query(
      `CREATE TABLE IF NOT EXISTS ${table} (id integer PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())`,
    );
  });
  after(async () => {
    await mesh.waitHealthy({ timeoutMs: 90_000 });
    await waitFor(() => pg.sequelize.query(`DROP TABLE IF EXISTS ${table}`).then(() => true), {
      timeoutMs: 20_000,
      description: 'drop table',
    });
    await pg.close();
    await registry.close();
  });

  test('when connected then writes go to the primary and the reader to a replica', async () => {
    const [w] = await pg.sequelize.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r', {
      type: QueryTypes.SELECT,
    });
    assert.equal(w!.r, false);
    const [r] = await pg.reader.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r', {
      type: QueryTypes.SELECT,
    });
    assert.equal(r!.r, true, 'reads go to the replica');
    assert.equal((await pg.primary()).port, (await mesh.pgPrimary()).port);
  });

  test('when a hot read runs prepared then Postgres holds the named statement and errors keep the Sequelize shape', async () => {
    const text = 'SELECT $1::int + 1 AS n, pg_is_in_recovery() AS r';
    const rows = await pg.reader.transaction(async (tx) => {
      const first = await queryPrepared<{ n: number; r: boolean }>(pg.reader, 'test.plus', text, [41], tx);
      const again = await queryPrepared<{ n: number; r: boolean }>(pg.reader, 'test.plus', text, [1], tx);
      const held = await pg.reader.query<{ name: string; statement: string }>(
        'SELECT name, statement FROM pg_prepared_statements',
        { type: QueryTypes.SELECT, transaction: tx },
      );
      return { first, again, held };
    });
    assert.deepEqual(rows.first, [{ n: 42, r: true }], 'runs on the reader (a replica)');
    assert.deepEqual(rows.again, [{ n: 2, r: true }]);
    const mine = rows.held.filter((h) => h.statement === text);
    assert.equal(mine.length, 1, 'one named statement, reused by the second call');
    assert.match(mine[0]!.name, /^test\.plus:/);
    // Through the pool (no transaction) too; a bad query is a DatabaseError carrying the pg code.
    assert.deepEqual(await queryPrepared(pg.sequelize, 'test.plus', text, [0]), [{ n: 1, r: false }]);
    await assert.rejects(
      queryPrepared(pg.sequelize, 'test.bad', 'SELECT * FROM no_such_table_here WHERE id = $1', [1]),
      (e: Error & { original?: { code?: string } }) =>
        e.name === 'SequelizeDatabaseError' && e.original?.code === '42P01',
    );
  });

  test('when the primary is killed then inserts every 50 ms resume on the promoted node with no acknowledged row lost', async () => {
    const acked: number[] = [];
    const errors = new Map<string, number>();
    let lastOkBeforeKill = 0;
    let firstOkAfterKill = 0;
    let killedAt = 0;
    let okAfter = 0;
    const old = await mesh.pgPrimary();
    const start = performance.now();
    for (let id = 1; ; id++) {
      const tick = performance.now();
      if (!killedAt && tick - start > 3_000) {
        killedAt = performance.now();
        // SIGKILL; restarted late enough that Patroni promotes the replica (the old one rejoins as replica).
        await mesh.kill(old.name, { restartDelayMs: 20_000 });
      }
      try {
        await pg.sequelize.query(`INSERT INTO ${table} (id) VALUES (:id)`, { replacements: { id } });
        acked.push(id);
        const now = performance.now();
        if (!killedAt) lastOkBeforeKill = now;
        else {
          if (!firstOkAfterKill) firstOkAfterKill = now;
          okAfter += 1;
        }
      } catch (e) {
        const msg = (e as Error).message.replace(/\d+/g, 'N').slice(0, 80);
        errors.set(msg, (errors.get(msg) ?? 0) + 1);
      }
      if (okAfter >= 40) break;
      if (performance.now() - start > 60_000)
        assert.fail(`writes did not resume within 60 s; errors: ${JSON.stringify([...errors])}`);
      await sleep(Math.max(0, 50 - (performance.now() - tick)));
    }
    const now = await mesh.pgPrimary();
    const rows = await pg.sequelize.query<{ id: number }>(`SELECT id FROM ${table}`, {
      type: QueryTypes.SELECT,
    });
    const present = new Set(rows.map((r) => r.id));
    const lost = acked.filter((id) => !present.has(id));
    const outage = firstOkAfterKill - lastOkBeforeKill;
    console.log(
      `measure: postgres primary ${old.name} killed: write outage ${(outage / 1000).toFixed(2)} s, acked ${acked.length}, lost ${lost.length}, ` +
        `failed attempts ${[...errors.values()].reduce((a, b) => a + b, 0)} (${[...errors].map(([m, n]) => `${n}× ${m}`).join('; ')}), now on ${now.name}`,
    );
    assert.notEqual(now.name, old.name, 'the replica was promoted');
    assert.equal((await pg.primary()).port, now.port, 'new connections go to the promoted node');
    assert.deepEqual(lost, []);
  });
});

// Several migrators at once on a fresh database (as when 3 API instances boot together): each migration runs once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryTypes, Sequelize } from 'sequelize';
import { createLogger } from '@mutiroes/platform';
import { ConsulRegistry, createPostgres, type PostgresClients } from '@mutiroes/registry';
import { listMigrations, runMigrations } from './migrator.js';

const env = process.env;
const log = createLogger({ service: 'migrator-test', level: 'warn' });
const dbName = `mig_test_${process.pid}_${Date.now().toString(36)}`;
let registry: ConsulRegistry;
let admin: PostgresClients;
const opened: PostgresClients[] = [];

before(async () => {
  registry = new ConsulRegistry({ consulAddr: env['CONSUL_HTTP_ADDR']!, logger: log });
  admin = await createPostgres({
    registry,
    database: 'postgres',
    username: env['DB_SUPERUSER']!,
    password: env['DB_SUPERUSER_PASSWORD']!,
    logger: log,
  });
  await admin.sequelize.query(`CREATE DATABASE ${dbName} OWNER ${env['DB_USER']}`);
  // The mesh bootstrap creates these as superuser in the real database; do the same here.
  const su = await createPostgres({
    registry,
    database: dbName,
    username: env['DB_SUPERUSER']!,
    password: env['DB_SUPERUSER_PASSWORD']!,
    logger: log,
  });
  for (const ext of ['cube', 'earthdistance', 'pg_trgm'])
    await su.sequelize.query(`CREATE EXTENSION IF NOT EXISTS ${ext}`);
  await su.close();
});

after(async () => {
  await Promise.allSettled(opened.map((p) => p.close()));
  if (admin) {
    await admin.sequelize.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      { bind: [dbName] },
    );
    await admin.sequelize.query(`DROP DATABASE IF EXISTS ${dbName}`);
    await admin.close();
  }
  await registry?.close();
});

describe('runMigrations', () => {
  test('when three migrators start at once on an empty database then every migration is applied exactly once', async () => {
    const files = await listMigrations();
    const clients = await Promise.all(
      [0, 1, 2].map(() =>
        createPostgres({
          registry,
          database: dbName,
          username: env['DB_USER']!,
          password: env['DB_PASSWORD']!,
          logger: log,
        }),
      ),
    );
    opened.push(...clients);
    const results = await Promise.all(clients.map((c) => runMigrations(c.sequelize, log)));
    const applied = results.flatMap((r) => r.applied);
    assert.equal(applied.length, files.length, 'each migration applied by exactly one migrator');
    assert.deepEqual(
      [...applied].sort(),
      files.map((f) => f.version),
    );
    const seq = clients[0]!.sequelize as Sequelize;
    const rows = await seq.query<{ version: string }>(
      'SELECT version FROM schema_migrations ORDER BY version',
      { type: QueryTypes.SELECT },
    );
    assert.deepEqual(
      rows.map((r) => r.version),
      files.map((f) => f.version),
    );
    const again = await runMigrations(seq, log);
    assert.deepEqual(again.applied, []);
    assert.equal(again.alreadyApplied, files.length);
  });
});

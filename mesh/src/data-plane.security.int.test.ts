// Attacks on the data plane: Redis, Sentinel, Patroni's REST API and Postgres without credentials.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';
import { connectMesh, type Mesh } from './mesh.js';
import { dirs } from './run-dir.js';

let mesh: Mesh;

/**
 * What a client without the password gets from `port`: 'answered' when the command ran, else every error it
 * saw (ioredis opens with HELLO, which Redis refuses with NOAUTH before any command).
 */
async function withoutPassword(port: number, command: (r: Redis) => Promise<unknown>): Promise<string> {
  const errors: string[] = [];
  const r = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableReadyCheck: false,
  });
  r.on('error', (e: Error) => errors.push(e.message));
  try {
    await r.connect();
    await command(r);
    return 'answered';
  } catch (e) {
    errors.push((e as Error).message);
  } finally {
    r.disconnect();
  }
  return errors.join(' | ');
}

before(async () => {
  mesh = await connectMesh();
  await mesh.waitHealthy({ timeoutMs: 120_000 });
});

describe('data plane authentication', () => {
  test('when a client talks to Redis (master or replica) without the password then it gets NOAUTH', async () => {
    for (const port of mesh.ports.redis) {
      assert.match(await withoutPassword(port, (r) => r.set('attack', 'x')), /NOAUTH/, `redis :${port} SET`);
      assert.match(await withoutPassword(port, (r) => r.get('attack')), /NOAUTH/, `redis :${port} GET`);
    }
  });

  test('when a client asks a Sentinel without the password then it gets NOAUTH', async () => {
    for (const port of mesh.ports.sentinel) {
      const answer = await withoutPassword(port, (s) =>
        s.call('SENTINEL', 'get-master-addr-by-name', 'mutiroes'),
      );
      assert.match(answer, /NOAUTH/, `sentinel :${port}`);
    }
  });

  test('when Patroni REST gets a POST without credentials then 401, and with the operator credentials it is accepted', async () => {
    for (const { rest } of mesh.ports.pg) {
      const res = await fetch(`http://127.0.0.1:${rest}/reload`, {
        method: 'POST',
        signal: AbortSignal.timeout(3000),
      });
      assert.equal(res.status, 401, `patroni :${rest}`);
      const patch = await fetch(`http://127.0.0.1:${rest}/config`, {
        method: 'PATCH',
        body: '{}',
        signal: AbortSignal.timeout(3000),
      });
      assert.equal(patch.status, 401, `patroni :${rest} PATCH /config`);
    }
    const rest = mesh.ports.pg[0]!.rest;
    const ok = await fetch(`http://127.0.0.1:${rest}/reload`, {
      method: 'POST',
      headers: { authorization: mesh.patroniAuthorization },
      signal: AbortSignal.timeout(3000),
    });
    assert.equal(ok.status, 202);
  });

  test('when a local process connects to Postgres over the Unix socket without a password then it is refused', async () => {
    const primary = await mesh.pgPrimary();
    const c = new pg.Client({
      host: dirs(mesh.profile).pgSocket,
      port: primary.port,
      user: 'postgres',
      database: 'postgres',
      connectionTimeoutMillis: 3000,
    });
    c.on('error', () => {});
    await assert.rejects(c.connect());
    await c.end().catch(() => undefined);
  });

  test('when the Postgres socket directory is listed then only its owner may enter it (0700)', () => {
    assert.equal((fs.statSync(dirs(mesh.profile).pgSocket).mode & 0o777).toString(8), '700');
  });

  test('when the app role connects with the wrong password then it is refused (scram-sha-256)', async () => {
    const primary = await mesh.pgPrimary();
    const c = new pg.Client({
      host: '127.0.0.1',
      port: primary.port,
      user: 'mutiroes',
      password: 'wrong',
      database: 'mutiroes',
      connectionTimeoutMillis: 3000,
    });
    c.on('error', () => {});
    await assert.rejects(c.connect(), /password authentication failed/);
    await c.end().catch(() => undefined);
  });
});

// Contract tests of Idempotency-Key (POST/PATCH): replay, body mismatch, a repeat while the first request is
// still in progress, validation and scoping. A real API on port 0 against the mesh's Postgres.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { waitFor } from '@mutiroes/platform';
import {
  countUsers,
  registrationBody,
  startApi,
  STRONG_PASSWORD,
  type ApiHarness,
} from './test-support/api-harness.js';
import { requestHash } from './idempotency.middleware.js';

let h: ApiHarness;

before(async () => {
  h = await startApi({ PASSWORD_SCRYPT_N: '1024' });
});
after(async () => {
  await h?.close();
});

const registration = registrationBody;
const users = (username: string) => countUsers(h, username);
const welcomeJobs = (userId: number) =>
  h.count('outbox', "job_name = 'send_welcome_email' AND (data->>'user_id')::int = $1", [userId]);

describe('Idempotency-Key', () => {
  test('when an anonymous POST is repeated with the same key and body then the stored response is replayed and nothing is written twice', async () => {
    const key = randomUUID();
    const username = h.unique('idem');
    const first = await h.call('POST', '/api/users/register/', {
      body: registration(username),
      headers: { 'Idempotency-Key': key },
    });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    // Same body, keys in another order: same request.
    const { password_confirm, ...rest } = registration(username);
    const again = await h.call('POST', '/api/users/register/', {
      body: { password_confirm, ...rest },
      headers: { 'Idempotency-Key': key },
    });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.match(again.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(again.body, first.body);
    assert.equal(await users(username), 1);
    assert.equal(await welcomeJobs(first.body.id), 1, 'one welcome job, not two');
    // Without the key the same request is a new one: the username is taken.
    const plain = await h.call('POST', '/api/users/register/', { body: registration(username) });
    assert.equal(plain.status, 400);
  });

  test('when a 4xx response is repeated with the same key then the same 4xx is replayed', async () => {
    const key = randomUUID();
    const body = { ...registration(h.unique('idem4xx')), password_confirm: 'different-Password-1!' };
    const first = await h.call('POST', '/api/users/register/', { body, headers: { 'Idempotency-Key': key } });
    assert.equal(first.status, 400);
    const again = await h.call('POST', '/api/users/register/', { body, headers: { 'Idempotency-Key': key } });
    assert.equal(again.status, 400);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(again.body, first.body);
  });

  test('when the same key comes with another body then 422 with a detail and nothing is written', async () => {
    const key = randomUUID();
    const a = h.unique('idemA');
    const b = h.unique('idemB');
    const first = await h.call('POST', '/api/users/register/', {
      body: registration(a),
      headers: { 'Idempotency-Key': key },
    });
    assert.equal(first.status, 201);
    const other = await h.call('POST', '/api/users/register/', {
      body: registration(b),
      headers: { 'Idempotency-Key': key },
    });
    assert.equal(other.status, 422);
    assert.equal(typeof other.body.detail, 'string');
    assert.equal(await users(b), 0);
  });

  test('when a repeat arrives while the first request is still in progress then 409 with Retry-After 1, then the replay', async () => {
    const key = randomUUID();
    const username = h.unique('idemBusy');
    // Hold the first request inside its write: a lock on users blocks its INSERT until released.
    const sequelize = h.api.deps.db.sequelize;
    const tx = await sequelize.transaction();
    let first: Promise<Awaited<ReturnType<ApiHarness['call']>>>;
    try {
      await sequelize.query('LOCK TABLE users IN EXCLUSIVE MODE', { transaction: tx });
      first = h.call('POST', '/api/users/register/', {
        body: registration(username),
        headers: { 'Idempotency-Key': key },
      });
      await waitFor(
        async () => (await h.count('idempotency_keys', "key = $1 AND status = 'processing'", [key])) === 1,
        { timeoutMs: 10_000, intervalMs: 20, description: 'the first request claimed the key' },
      );
      const busy = await h.call('POST', '/api/users/register/', {
        body: registration(username),
        headers: { 'Idempotency-Key': key },
      });
      assert.equal(busy.status, 409);
      assert.equal(busy.headers.get('retry-after'), '1');
      assert.equal(typeof busy.body.detail, 'string');
    } finally {
      await tx.commit();
    }
    const done = await first!;
    assert.equal(done.status, 201, done.text);
    const replay = await h.call('POST', '/api/users/register/', {
      body: registration(username),
      headers: { 'Idempotency-Key': key },
    });
    assert.equal(replay.status, 201);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.body, done.body);
    assert.equal(await users(username), 1);
  });

  test('when eight identical requests race then exactly one runs; the others get 409 or the replay', async () => {
    const key = randomUUID();
    const username = h.unique('idemRace');
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        h.call('POST', '/api/users/register/', {
          body: registration(username),
          headers: { 'Idempotency-Key': key },
        }),
      ),
    );
    const ran = results.filter((r) => r.status === 201 && !r.headers.get('idempotent-replayed'));
    assert.equal(ran.length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results) {
      assert.ok(
        r.status === 409 ||
          (r.status === 201 && r.headers.get('idempotent-replayed') === 'true') ||
          r === ran[0],
        `unexpected ${r.status}`,
      );
    }
    assert.equal(await users(username), 1);
  });

  test('when the first request died holding the key then a repeat after the lease runs it', async () => {
    const key = randomUUID();
    const username = h.unique('idemLease');
    const body = registration(username);
    // What a crashed instance leaves behind: a `processing` row whose lease has expired, nothing written.
    await h.sql(
      `INSERT INTO idempotency_keys (scope, key, request_hash, status, lease_token, locked_until)
       SELECT scope, $1, $2, 'processing', gen_random_uuid(), now() - interval '1 second'
         FROM (SELECT 'ip:127.0.0.1 POST /api/users/register/' AS scope) s RETURNING id`,
      [key, requestHash(body)],
    );
    const retried = await h.call('POST', '/api/users/register/', {
      body,
      headers: { 'Idempotency-Key': key },
    });
    assert.equal(retried.status, 201, retried.text);
    assert.equal(retried.headers.get('idempotent-replayed'), null, 'ran, not replayed');
    assert.equal(await users(username), 1);
    const [row] = await h.sql<{ status: string; response_status: number }>(
      'SELECT status, response_status FROM idempotency_keys WHERE key = $1',
      [key],
    );
    assert.deepEqual({ ...row }, { status: 'completed', response_status: 201 });
  });

  test('when the key is longer than 200 characters then 400 names the header; on GET it is ignored', async () => {
    const r = await h.call('POST', '/api/users/register/', {
      body: registration(h.unique('idemLong')),
      headers: { 'Idempotency-Key': 'k'.repeat(201) },
    });
    assert.equal(r.status, 400);
    assert.ok(Array.isArray(r.body['Idempotency-Key']), r.text);
    const ok = await h.call('POST', '/api/users/register/', {
      body: registration(h.unique('idemMax')),
      // Unique per run: a key binds for 24 h.
      headers: { 'Idempotency-Key': randomUUID().padEnd(200, 'k') },
    });
    assert.equal(ok.status, 201);
    const get = await h.call('GET', '/api/users/badges/', {
      headers: { 'Idempotency-Key': 'k'.repeat(300) },
    });
    assert.equal(get.status, 200);
  });

  test('when the same key is used on another path or by another user then it is a different request', async () => {
    const key = randomUUID();
    const username = h.unique('idemScope');
    const reg = await h.call('POST', '/api/users/register/', {
      body: registration(username),
      headers: { 'Idempotency-Key': key },
    });
    assert.equal(reg.status, 201);
    const login = await h.call('POST', '/api/token/', {
      body: { username, password: STRONG_PASSWORD },
      headers: { 'Idempotency-Key': key },
    });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.headers.get('idempotent-replayed'), null);
    // Authenticated scope: the same key on the same path by two users gives each their own response.
    const patch = (token: string, city: string) =>
      h.call('PATCH', '/api/users/profile/', { token, body: { city }, headers: { 'Idempotency-Key': key } });
    const otherName = h.unique('idemScope2');
    assert.equal(
      (await h.call('POST', '/api/users/register/', { body: registration(otherName) })).status,
      201,
    );
    const otherLogin = await h.call('POST', '/api/token/', {
      body: { username: otherName, password: STRONG_PASSWORD },
    });
    const p1 = await patch(login.body.access, 'Olinda');
    const p2 = await patch(otherLogin.body.access, 'Recife');
    assert.equal(p1.status, 200, p1.text);
    assert.equal(p2.status, 200, p2.text);
    assert.equal(p2.headers.get('idempotent-replayed'), null);
    assert.equal(p2.body.city, 'Recife');
    const p1again = await patch(login.body.access, 'Olinda');
    assert.equal(p1again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(p1again.body, p1.body);
  });
});

// Attacks on the API (the real API on port 0 against the mesh's Postgres and Redis): a replayed login, password
// guessing on one account, an old password hash, participants with private profiles, someone else's private event,
// and a check-in days before the event.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PasswordHasher } from '../../domain/users/password-hasher.js';
import { startEventsApi, type EventsApi, type TestUser } from './events/test-support/events-api.js';

const PASSWORD = 'Mangue-Vivo-2024!';
const DAY = 86_400_000;
let api: EventsApi;
let org: TestUser;
let categoryId: number;
/** A cheap hash (N=2^10) for users made here; a login upgrades it to the API's cost. */
let weakHash = '';

/** A user who can log in with PASSWORD (inserted directly, so registration's own hashing is not paid). */
async function loginUser(tag: string): Promise<{ id: number; email: string }> {
  const username = api.unique(tag);
  const email = `${username}@example.test`;
  const [row] = await api.sql<{ id: number }>(
    `INSERT INTO users (username, email, first_name, last_name, password_hash) VALUES ($1, $2, 'Ana', 'Lima', $3) RETURNING id`,
    [username, email, weakHash],
  );
  return { id: row!.id, email };
}

const login = (email: string, password: string, headers: Record<string, string> = {}) =>
  api.call('POST', '/api/token/', { body: { email, password }, headers });

async function createEvent(over: Record<string, unknown> = {}): Promise<{ id: number }> {
  const start = new Date(Date.now() + 3 * DAY);
  const r = await api.call('POST', '/api/events/', {
    token: org.token,
    body: {
      title: 'Mutirão no mangue',
      description: 'Retirada de lixo do mangue',
      category: categoryId,
      address: 'Rua da Praia, 10',
      city: 'Santos',
      state: 'SP',
      start_date: start.toISOString(),
      end_date: new Date(start.getTime() + 4 * 3_600_000).toISOString(),
      max_participants: 10,
      status: 'published',
      ...over,
    },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

before(async () => {
  api = await startEventsApi();
  org = await api.user({ name: 'org' });
  categoryId = (await api.call('GET', '/api/events/categories/')).body[0].id;
  weakHash = await new PasswordHasher(1024).hash(PASSWORD);
});
after(async () => {
  await api?.close();
});

describe('login attacks', () => {
  test('when a login is repeated with the same Idempotency-Key then it is not replayed and no token is stored', async () => {
    const u = await loginUser('replay');
    const key = `login-${randomUUID()}`;
    const first = await login(u.email, PASSWORD, { 'Idempotency-Key': key });
    assert.equal(first.status, 200);
    const second = await login(u.email, PASSWORD, { 'Idempotency-Key': key });
    assert.equal(second.status, 200);
    assert.equal(
      second.headers.get('idempotent-replayed'),
      null,
      'the second login was a replay of the first',
    );
    assert.notEqual(second.body.refresh, first.body.refresh, 'the same refresh token was handed out twice');
    const stored = await api.count('idempotency_keys', `key = $1 OR response_body LIKE '%' || $2 || '%'`, [
      key,
      first.body.access,
    ]);
    assert.equal(stored, 0, 'a token (or the login key) was stored in idempotency_keys');
  });

  test('when one account gets wrong passwords then after 5 it must wait, doubling, with 429 Retry-After in pt-BR, even with the right password', async () => {
    const u = await loginUser('guess');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(u.email, `wrong-${i}`)).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401]);
    const locked = await login(u.email.toUpperCase(), PASSWORD);
    assert.equal(locked.status, 429, JSON.stringify(locked.body));
    const retryAfter = Number(locked.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 2, `Retry-After ${retryAfter}`);
    assert.match(JSON.stringify(locked.body), /Muitas tentativas de login/);
    // An unknown account name answers alike (the lock does not reveal which accounts exist).
    const ghost = `ghost-${randomUUID()}@example.test`;
    for (let i = 0; i < 6; i++) await login(ghost, `wrong-${i}`);
    assert.equal((await login(ghost, PASSWORD)).status, 429);
  });

  test('when a user whose hash has an old cost logs in then the hash is upgraded to N=2^17 and the login still works', async () => {
    const u = await loginUser('rehash');
    assert.equal((await login(u.email, PASSWORD)).status, 200);
    const [row] = await api.sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [
      u.id,
    ]);
    assert.match(row!.password_hash, /^scrypt\$131072\$8\$1\$/);
    assert.equal((await login(u.email, PASSWORD)).status, 200, 'the upgraded hash verifies');
  });
});

describe('privacy attacks', () => {
  test('when anyone but the organiser looks at an event then participants with a private profile have no name', async () => {
    const e = await createEvent();
    const priv = await api.user({ name: 'hidden' });
    const pub = await api.user({ name: 'shown' });
    await api.sql('UPDATE user_profiles SET is_public_profile = false WHERE user_id = $1 RETURNING id', [
      priv.id,
    ]);
    for (const v of [priv, pub])
      assert.equal((await api.call('POST', `/api/events/${e.id}/join/`, { token: v.token })).status, 201);
    const stranger = await api.user({ name: 'stranger' });
    for (const [who, token] of [
      ['anonymous', undefined],
      ['another user', stranger.token],
    ] as const) {
      for (const path of [`/api/events/${e.id}/`, `/api/events/${e.id}/participants/`]) {
        const r = await api.call('GET', path, token ? { token } : {});
        assert.equal(r.status, 200);
        assert.ok(!r.text.includes(priv.username), `${who} saw the private participant's name at ${path}`);
        assert.ok(r.text.includes(pub.username), `${who} should still see the public participant at ${path}`);
      }
    }
    const byOrganiser = await api.call('GET', `/api/events/${e.id}/participants/`, { token: org.token });
    assert.ok(byOrganiser.text.includes(priv.username), 'the organiser sees who is coming');
  });

  test("when a user tries to change or delete someone else's private event then the answer is 404, as if it did not exist", async () => {
    const e = await createEvent({ is_public: false });
    const intruder = await api.user({ name: 'intruder' });
    assert.equal((await api.call('GET', `/api/events/${e.id}/`, { token: intruder.token })).status, 404);
    const patch = await api.call('PATCH', `/api/events/${e.id}/`, {
      token: intruder.token,
      body: { title: 'x' },
    });
    assert.equal(patch.status, 404, JSON.stringify(patch.body));
    assert.equal((await api.call('DELETE', `/api/events/${e.id}/`, { token: intruder.token })).status, 404);
    const missing = await api.call('PATCH', `/api/events/999999999/`, {
      token: intruder.token,
      body: { title: 'x' },
    });
    assert.equal(missing.status, 404);
    assert.deepEqual(patch.body, missing.body, 'the private event answers exactly like a missing one');
  });

  test('when a confirmed participant checks in days before the event then it is refused and nothing is written', async () => {
    const e = await createEvent();
    const v = await api.user({ name: 'early' });
    assert.equal((await api.call('POST', `/api/events/${e.id}/join/`, { token: v.token })).status, 201);
    const r = await api.call('POST', `/api/events/${e.id}/check_in/`, { token: v.token });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(JSON.stringify(r.body), /check-in só é possível/);
    assert.equal(await api.count('event_participants', 'event_id = $1 AND checked_in', [e.id]), 0);
  });
});

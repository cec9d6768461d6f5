// Idempotency-Key when the database connection dies mid-request (the primary demoted or restarted): the
// 503 must not leave the key `processing`, or every retry of it (the gateway's, the client's) answers 409
// for the whole 30 s lease. A real API on port 0 against the mesh's Postgres; the lost answers are injected
// at the query boundary (the statement runs, its answer is replaced by the error a dying connection gives).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { waitFor } from '@mutiroes/platform';
import { countUsers, registrationBody, startApi, type ApiHarness } from './test-support/api-harness.js';

let h: ApiHarness;
type Query = (sql: unknown, ...rest: unknown[]) => Promise<unknown>;
let original: Query;
/** Per SQL pattern: what to do the next time it runs (then forgotten). */
const faults: Array<{ match: RegExp; run: boolean }> = [];

function connectionLost(): Error {
  return Object.assign(new Error('Connection terminated unexpectedly'), { name: 'SequelizeDatabaseError' });
}

before(async () => {
  h = await startApi({ PASSWORD_SCRYPT_N: '1024' });
  const seq = h.api.deps.db.sequelize as unknown as { query: Query };
  original = seq.query.bind(seq);
  seq.query = async (sql, ...rest) => {
    const text = typeof sql === 'string' ? sql : String((sql as { query?: string })?.query ?? '');
    const i = faults.findIndex((f) => f.match.test(text));
    if (i < 0) return original(sql, ...rest);
    const [f] = faults.splice(i, 1);
    // `run`: the statement commits on the server, the client never hears back.
    if (f!.run) await original(sql, ...rest);
    throw connectionLost();
  };
});
after(async () => {
  await h?.close();
});

const registration = registrationBody;
const users = (username: string) => countUsers(h, username);

/** Retries like the gateway does (409 + Retry-After is "wait"), for at most `ms`; returns the last answer. */
async function retryUntilDone(body: unknown, key: string, ms: number) {
  let last = { status: 0, text: '' };
  await waitFor(
    async () => {
      const r = await h.call('POST', '/api/users/register/', { body, headers: { 'Idempotency-Key': key } });
      last = { status: r.status, text: r.text };
      return r.status !== 409 && r.status !== 503;
    },
    { timeoutMs: ms, intervalMs: 200, description: `a retry of key ${key} that is not 409/503` },
  ).catch(() => undefined);
  return last;
}

/** The first request meets the injected faults (503); a retry of the same key must then register once. */
async function expect503ThenRegisteredOnce(username: string): Promise<void> {
  const key = randomUUID();
  const first = await h.call('POST', '/api/users/register/', {
    body: registration(username),
    headers: { 'Idempotency-Key': key },
  });
  assert.equal(first.status, 503, first.text);
  const retry = await retryUntilDone(registration(username), key, 5_000);
  assert.equal(retry.status, 201, `retry answered ${retry.status} ${retry.text}`);
  assert.equal(await users(username), 1);
}

describe('Idempotency-Key when the database connection dies mid-request', () => {
  test('when the key claim commits but its answer is lost then the request is 503 and a retry runs at once, not 409 for the lease', async () => {
    faults.push({ match: /INSERT INTO idempotency_keys/, run: true });
    await expect503ThenRegisteredOnce(h.unique('idemlost'));
  });

  test('when the write fails and the first release of the key meets a dead connection then the release is retried', async () => {
    faults.push({ match: /INSERT INTO users \(/, run: false });
    faults.push({ match: /DELETE FROM idempotency_keys WHERE id/, run: false });
    await expect503ThenRegisteredOnce(h.unique('idemrel'));
    assert.equal(faults.length, 0, 'both faults were hit');
  });
});

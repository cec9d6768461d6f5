// Postgres primary killed under a stream of registrations: the API answers 503 (never 500) during the
// Patroni failover, writes resume on the promoted node by themselves, and no acknowledged write is lost.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  connectTestMesh,
  startApi,
  STRONG_PASSWORD,
  type ApiHarness,
  type MeshControl,
} from '../entry-points/http/test-support/api-harness.js';

let h: ApiHarness;
let mesh: MeshControl;

before(async () => {
  mesh = await connectTestMesh();
  await mesh.waitHealthy({ timeoutMs: 120_000 });
  h = await startApi();
});
after(async () => {
  await mesh.waitHealthy({ timeoutMs: 120_000 });
  await h?.close();
});

describe('database failover', () => {
  test('when the primary is killed mid-stream then 503s with Retry-After, no 500, writes resume and every 201 is durable', async () => {
    const acked: string[] = [];
    const statuses = new Map<number, number>();
    let killedAt = 0;
    let failures = 0;
    let okAfterFailure = 0;
    const deadline = Date.now() + 90_000;
    const victim = await mesh.pgPrimary();
    while (Date.now() < deadline && okAfterFailure < 5) {
      if (!killedAt && acked.length >= 5) {
        await mesh.kill(victim.name, { signal: 'SIGKILL' });
        killedAt = Date.now();
      }
      const username = h.unique('fo');
      const r = await h.call('POST', '/api/users/register/', {
        body: {
          username,
          email: `${username}@example.test`,
          password: STRONG_PASSWORD,
          password_confirm: STRONG_PASSWORD,
        },
      });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.status === 201) {
        acked.push(username);
        if (failures > 0) okAfterFailure++;
      } else {
        assert.equal(r.status, 503, `during failover: ${r.status} ${r.text}`);
        assert.ok(r.headers.get('retry-after'));
        failures++;
        // Back off like a client honouring Retry-After would, a little (keeps the log small).
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    assert.ok(killedAt > 0, 'the primary was killed');
    assert.ok(failures > 0, 'the outage was observed');
    assert.equal(okAfterFailure, 5, `writes resumed (statuses ${JSON.stringify([...statuses])})`);
    const [row] = await h.sql<{ n: string }>(
      'SELECT count(*) AS n FROM users WHERE username = ANY($1::text[])',
      [acked],
    );
    assert.equal(Number(row!.n), acked.length, 'every acknowledged registration survived the failover');
  });
});

// Postgres primary killed under a stream of registrations: during the Patroni failover a request either waits
// for the new primary (new connections wait up to primaryWaitMs) or gets 503 with Retry-After — never a 500 —,
// writes resume by themselves, and no acknowledged write is lost.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  connectTestMesh,
  registrationBody,
  startApi,
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
  test('when the primary is killed mid-stream then requests wait or get 503 with Retry-After, no 500, writes resume and every 201 is durable', async () => {
    const acked: string[] = [];
    const statuses = new Map<number, number>();
    let killedAt = 0;
    let failures = 0;
    let okAfterKill = 0;
    let slowestAfterKillMs = 0;
    const deadline = Date.now() + 90_000;
    const victim = await mesh.pgPrimary();
    while (Date.now() < deadline && okAfterKill < 5) {
      if (!killedAt && acked.length >= 5) {
        await mesh.kill(victim.name, { signal: 'SIGKILL' });
        killedAt = Date.now();
      }
      const username = h.unique('fo');
      const t0 = Date.now();
      const r = await h.call('POST', '/api/users/register/', {
        body: registrationBody(username),
      });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (killedAt) slowestAfterKillMs = Math.max(slowestAfterKillMs, Date.now() - t0);
      if (r.status === 201) {
        acked.push(username);
        if (killedAt) okAfterKill++;
      } else {
        assert.equal(r.status, 503, `during failover: ${r.status} ${r.text}`);
        assert.ok(r.headers.get('retry-after'));
        failures++;
        // Back off like a client honouring Retry-After would, a little (keeps the log small).
        await new Promise((res) => setTimeout(res, 50));
      }
    }
    assert.ok(killedAt > 0, 'the primary was killed');
    console.log(
      `# primary ${victim.name} killed: ${failures} × 503, slowest request after the kill ${slowestAfterKillMs} ms, statuses ${JSON.stringify([...statuses])}`,
    );
    // The outage was met: a request refused (503) or one that waited for the new primary.
    assert.ok(
      failures > 0 || slowestAfterKillMs > 1000,
      `the outage was observed (503s ${failures}, slowest ${slowestAfterKillMs} ms)`,
    );
    assert.equal(okAfterKill, 5, `writes resumed (statuses ${JSON.stringify([...statuses])})`);
    const [row] = await h.sql<{ n: string }>(
      'SELECT count(*) AS n FROM users WHERE username = ANY($1::text[])',
      [acked],
    );
    assert.equal(Number(row!.n), acked.length, 'every acknowledged registration survived the failover');
  });
});

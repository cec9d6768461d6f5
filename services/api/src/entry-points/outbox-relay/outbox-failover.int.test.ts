// Drill `drill-redis` as a test: the Redis master is SIGKILLed (and restarted by the supervisor 3 s later)
// while users register. Every acknowledged registration must get exactly one welcome e-mail from a real
// worker: the relay marks a row enqueued only after `WAIT 1` saw a replica hold the job.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@mutiroes/platform';
import {
  connectTestMesh,
  ensureWorker,
  registrationBody,
  startApi,
  type ApiHarness,
  type MeshControl,
} from '../http/test-support/api-harness.js';

let h: ApiHarness;
let mesh: MeshControl;
let startedWorker: string | null = null;

before(async () => {
  mesh = await connectTestMesh();
  await mesh.waitHealthy({ timeoutMs: 120_000 });
  h = await startApi({ PASSWORD_SCRYPT_N: '1024' });
});
const workerRunning = async () => {
  startedWorker ??= await ensureWorker(mesh);
};
let paused: number | null = null;
after(async () => {
  if (paused) process.kill(paused, 'SIGCONT');
  await mesh.waitHealthy({ timeoutMs: 120_000 });
  if (startedWorker) await mesh.stop(startedWorker);
  await h?.close();
});

type Mail = { to: string[] };
async function mailCounts(emails: string[]): Promise<Array<{ email: string; n: number }>> {
  const mails = (await (await fetch(`${process.env['SMTP_SINK_URL']!}/messages`)).json()) as Mail[];
  const counts = new Map<string, number>();
  for (const m of mails) for (const t of m.to) counts.set(t, (counts.get(t) ?? 0) + 1);
  return emails.map((email) => ({
    email,
    n: [...counts].filter(([t]) => t.includes(email)).reduce((s, [, n]) => s + n, 0),
  }));
}

async function expectOneMailEach(emails: string[], label: string): Promise<void> {
  let last: Array<{ email: string; n: number }> = [];
  await waitFor(
    async () => {
      last = await mailCounts(emails);
      return last.every((c) => c.n >= 1);
    },
    {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: 'a welcome e-mail for every acknowledged registration',
    },
  ).catch(() => undefined);
  const missing = last.filter((c) => c.n === 0).map((c) => c.email);
  const duplicated = last.filter((c) => c.n > 1).map((c) => c.email);
  console.log(
    `${label}: ${emails.length} acknowledged, ${missing.length} without e-mail, ${duplicated.length} duplicated`,
  );
  assert.deepEqual(missing, [], 'acknowledged registrations without a welcome e-mail');
  assert.deepEqual(duplicated, [], 'registrations with more than one welcome e-mail');
}

const registerOne = async (prefix: string) => {
  const username = h.unique(prefix);
  const email = `${username}@example.test`;
  const r = await h.call('POST', '/api/users/register/', {
    body: registrationBody(username),
  });
  assert.equal(r.status, 201, r.text);
  return { id: r.body.id as number, email };
};

describe('outbox across a Redis failover', () => {
  test('when the replica cannot acknowledge and the master then dies then the saved jobs stay pending and reach the promoted replica', async () => {
    // Deterministic version of the race: the replica is paused (SIGSTOP), so jobs saved on the master are
    // not replicated; the master is then SIGKILLed. Marking those rows enqueued would lose them.
    const master = await mesh.redisMaster();
    const replica = (await mesh.status()).find(
      (c) => c.kind === 'redis' && c.name !== master.name && c.running,
    );
    assert.ok(replica?.pid, 'a running Redis replica');
    process.kill(replica.pid, 'SIGSTOP');
    paused = replica.pid;
    const users = [];
    for (let i = 0; i < 5; i++) users.push(await registerOne('unreplicated'));
    const ids = users.map((u) => u.id);
    const where = "job_name = 'send_welcome_email' AND (data->>'user_id')::int = ANY($1::int[])";
    await waitFor(async () => (await h.count('outbox', `${where} AND attempts >= 1`, [ids])) === ids.length, {
      timeoutMs: 20_000,
      intervalMs: 100,
      description: 'a relay attempt on every row',
    });
    const rows = await h.sql<{ enqueued_at: Date | null; last_error: string | null }>(
      `SELECT enqueued_at, last_error FROM outbox WHERE ${where}`,
      [ids],
    );
    assert.deepEqual(
      rows.map((r) => r.enqueued_at),
      ids.map(() => null),
      'saved on the master only: not marked enqueued',
    );
    assert.match(rows[0]!.last_error ?? '', /not replicated/);

    await mesh.kill(master.name, { signal: 'SIGKILL', restart: true, restartDelayMs: 3000 });
    process.kill(replica.pid, 'SIGCONT');
    paused = null;
    await mesh.waitHealthy({ timeoutMs: 120_000 });
    await waitFor(async () => (await h.count('outbox', `${where} AND enqueued_at IS NULL`, [ids])) === 0, {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'rows relayed to the new master',
    });
    await workerRunning();
    await expectOneMailEach(
      users.map((u) => u.email),
      'paused replica, master killed',
    );
  });

  test('when the Redis master is SIGKILLed under a registration loop then every acknowledged registration gets exactly one welcome e-mail', async () => {
    await workerRunning();
    const acknowledged: Array<{ id: number; email: string }> = [];
    let otherStatuses = 0;
    let stop = false;
    const register = async () => {
      while (!stop) {
        const username = h.unique('failover');
        const email = `${username}@example.test`;
        const r = await h
          .call('POST', '/api/users/register/', {
            body: registrationBody(username),
          })
          .catch(() => null);
        if (r?.status === 201) acknowledged.push({ id: r.body.id, email });
        else otherStatuses++;
      }
    };
    const loops = [register(), register(), register()];
    await waitFor(() => acknowledged.length >= 10, {
      timeoutMs: 30_000,
      description: '10 registrations before the kill',
    });
    const master = await mesh.redisMaster();
    const beforeKill = acknowledged.length;
    await mesh.kill(master.name, { signal: 'SIGKILL', restart: true, restartDelayMs: 3000 });
    // Keep registering through the failover until the new master has taken jobs for a while.
    await waitFor(
      async () => {
        const m = await mesh.redisMaster().catch(() => null);
        return m && m.name !== master.name ? m : null;
      },
      { timeoutMs: 60_000, intervalMs: 250, description: 'Sentinel promotes the replica' },
    );
    const atPromotion = acknowledged.length;
    await waitFor(() => acknowledged.length >= atPromotion + 15, {
      timeoutMs: 60_000,
      description: '15 registrations after the promotion',
    });
    stop = true;
    await Promise.all(loops);
    assert.ok(acknowledged.length > beforeKill + 15, 'registrations went on during the failover');

    const ids = acknowledged.map((a) => a.id);
    // Every row leaves the outbox (replica-acknowledged once the mesh has a replica again).
    await waitFor(
      async () =>
        (await h.count(
          'outbox',
          "job_name = 'send_welcome_email' AND (data->>'user_id')::int = ANY($1::int[]) AND enqueued_at IS NULL",
          [ids],
        )) === 0,
      { timeoutMs: 120_000, intervalMs: 250, description: 'all welcome rows relayed' },
    );
    assert.equal(
      await h.count(
        'outbox',
        "job_name = 'send_welcome_email' AND (data->>'user_id')::int = ANY($1::int[])",
        [ids],
      ),
      ids.length,
      'one outbox row per acknowledged registration',
    );

    console.log(
      `failover loop: ${acknowledged.length} acknowledged (${beforeKill} before the kill), ${otherStatuses} not acknowledged`,
    );
    await expectOneMailEach(
      acknowledged.map((a) => a.email),
      'master SIGKILLed under load',
    );
  });
});

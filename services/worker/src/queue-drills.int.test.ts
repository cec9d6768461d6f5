// Failure drills against the mesh: the Redis master SIGKILLed while 2,000 jobs are produced and processed,
// and a worker SIGKILLed in the middle of a bulk e-mail job. Both leave the mesh healthy (waitHealthy).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import BeeQueue from 'bee-queue';
import { sleep, waitFor } from '@mutiroes/platform';
import { withJobPolicy } from '@mutiroes/contracts';
import {
  closeProducers,
  createEvent,
  createUser,
  enqueue,
  openFixture,
  sinkMessages,
  spawnService,
  stopChild,
  waitStarted,
  type Child,
  type Fixture,
} from './test-support/mesh-fixture.js';

const run = randomBytes(3).toString('hex');
let f: Fixture;
const workers: Child[] = [];
/** Workers the launcher runs: stopped during the drills so the victims are this file's processes, restarted after. */
let launched: string[] = [];
/** The drain limit is not what these drills test: generous, so a loaded machine still finishes the job in flight. */
const DRILL_WORKER_ENV = { DRAIN_TIMEOUT_MS: '90000' };

before(async () => {
  f = await openFixture();
  await f.mesh.waitHealthy({ timeoutMs: 120_000 });
  launched = (await f.mesh.status()).filter((c) => c.kind === 'worker' && c.running).map((c) => c.name);
  for (const name of launched) await f.mesh.stop(name);
  for (const n of [1, 2])
    workers.push(spawnService('worker', `worker-d${n}-${run}`, f.env, DRILL_WORKER_ENV));
  await Promise.all(workers.map((w) => waitStarted(w, /worker started/)));
});

after(async () => {
  await Promise.all(workers.map((w) => stopChild(w)));
  await closeProducers();
  for (const name of launched)
    await f.mesh.start(name).catch((e) => console.error(`could not restart ${name}: ${e}`));
  await f?.mesh
    .waitHealthy({ timeoutMs: 120_000 })
    .catch((e) => console.error(`mesh not healthy after the drills: ${e}`));
  await f?.close();
});

describe('queue drills', () => {
  test('when the Redis master is killed while 2,000 jobs are produced then no acknowledged job is lost or run twice and processing resumes', async () => {
    const N = 2000,
      KILL_AT = 700;
    const q = new BeeQueue('beat_probe', {
      prefix: 'bq',
      redis: f.redis as never,
      isWorker: false,
      getEvents: false,
      sendEvents: false,
      storeJobs: false,
    });
    q.on('error', () => undefined);
    const ackedAt: number[] = [];
    let saveErrors = 0;
    let killedAt = 0;
    let master = '';
    const started = Date.now();
    for (let i = 0; i < N; i++) {
      const key = `redis-drill-${run}-${i}`;
      for (;;) {
        try {
          // The same job id on retry: a save that did land before the error is not duplicated.
          await Promise.race([
            withJobPolicy(q.createJob({ tick_key: key }), 'beat_probe')
              .setId(key)
              .save(),
            sleep(3000).then(() => {
              throw new Error('save timed out');
            }),
          ]);
          break;
        } catch {
          saveErrors++;
          await sleep(200);
        }
      }
      ackedAt.push(Date.now());
      if (i === KILL_AT) {
        const m = await f.mesh.redisMaster();
        master = m.name;
        killedAt = Date.now();
        await f.mesh.kill(m.name, { signal: 'SIGKILL' });
      }
      await sleep(5); // ~150 jobs/s with the save round trip
    }
    const producedIn = (Date.now() - started) / 1000;
    const runs = await waitFor(
      async () => {
        const r = await f.sql<{ tick_key: string; n: string; first: Date; last: Date }>(
          `SELECT tick_key, count(*) AS n, min(ran_at) AS first, max(ran_at) AS last FROM beat_probe_runs WHERE tick_key LIKE $1 GROUP BY tick_key`,
          [`redis-drill-${run}-%`],
        );
        return r.length >= N && r;
      },
      { timeoutMs: 180_000, intervalMs: 1000, description: 'all 2,000 jobs processed' },
    );
    await q.close(1000);

    const producerOutage = Math.max(...ackedAt.slice(1).map((t, i) => t - ackedAt[i]!)) / 1000;
    const times = (
      await f.sql<{ ran_at: Date }>(
        `SELECT ran_at FROM beat_probe_runs WHERE tick_key LIKE $1 ORDER BY ran_at`,
        [`redis-drill-${run}-%`],
      )
    ).map((r) => new Date(r.ran_at).getTime());
    const gaps = times
      .slice(1)
      .map((t, i) => ({ gap: t - times[i]!, at: times[i]! }))
      .filter((g) => g.at >= killedAt - 1000);
    const pause = Math.max(...gaps.map((g) => g.gap)) / 1000;
    const duplicated = runs.filter((r) => r.n !== '1');
    console.log(
      `redis drill: master ${master} SIGKILLed after ${KILL_AT} acks; ${N} acked in ${producedIn.toFixed(1)} s, ${saveErrors} save retries, ` +
        `producer outage ${producerOutage.toFixed(2)} s, processing pause ${pause.toFixed(2)} s, lost 0 of ${N}, run twice ${duplicated.length}`,
    );
    assert.equal(runs.length, N, 'an acknowledged job was lost');
    assert.deepEqual(
      duplicated.map((d) => d.tick_key),
      [],
      'a job ran twice',
    );
    assert.ok(pause < 30, `processing paused ${pause} s`);
    await f.mesh.waitHealthy({ timeoutMs: 120_000 });
  });

  test('when a worker is SIGKILLed in the middle of a bulk reminder then another worker finishes it and each participant gets one reminder', async () => {
    const org = await createUser(f, `kill_org_${run}`);
    const ev = await createEvent(f, org.id, `kill-${run}`, 10 * 3_600_000);
    const P = 120;
    const emails: string[] = [];
    for (let i = 0; i < P; i++) {
      const u = await createUser(f, `kill_${run}_${i}`);
      emails.push(u.email);
      await f.sql(
        `INSERT INTO event_participants (event_id, user_id, status) VALUES ($1, $2, 'confirmed') RETURNING id`,
        [ev, u.id],
      );
    }
    const subject = `Lembrete: Mutirão kill-${run} começa em breve`;
    const reminders = async () => (await sinkMessages(f.env)).filter((m) => m.subject === subject);
    const jobId = `outbox:kill-${run}`;
    await enqueue(f, 'send_bulk_event_reminders', jobId, { event_id: ev, request_id: `req-kill-${run}` });
    const first = await waitFor(
      async (): Promise<{ worker: string } | false> => {
        const a = await f.redis.lrange(`mutiroes:jobmeta:send_bulk_event_reminders:${jobId}`, 0, 0);
        if (!a[0] || (await reminders()).length < 15) return false;
        return JSON.parse(a[0]) as { worker: string };
      },
      { timeoutMs: 30_000, intervalMs: 50, description: 'the bulk job to be half-way' },
    );
    const victim = workers.find((w) => w.name === first.worker)!;
    assert.ok(victim, `job started on ${first.worker}, not one of this test's workers`);
    const sentAtKill = (await reminders()).length;
    victim.proc.kill('SIGKILL');
    await victim.exited;
    const killedAt = Date.now();
    assert.ok(sentAtKill < P, 'the job finished before the kill');

    const all = await waitFor(
      async () => {
        const l = await reminders();
        return new Set(l.flatMap((m) => m.to)).size >= P && l;
      },
      { timeoutMs: 120_000, intervalMs: 500, description: 'every participant reminded' },
    );
    const attempts = (await f.redis.lrange(`mutiroes:jobmeta:send_bulk_event_reminders:${jobId}`, 0, -1)).map(
      (a) => JSON.parse(a) as { worker: string; outcome: string },
    );
    const survivor = workers.find((w) => w !== victim)!;
    const perRecipient = new Map<string, { count: number; ids: Set<string> }>();
    for (const m of all)
      for (const to of m.to) {
        const e = perRecipient.get(to) ?? { count: 0, ids: new Set<string>() };
        e.count++;
        e.ids.add(m.headers['message-id'] ?? m.id);
        perRecipient.set(to, e);
      }
    const resent = [...perRecipient.values()].filter((e) => e.count > 1).length;
    console.log(
      `worker kill drill: ${victim.name} SIGKILLed after ${sentAtKill}/${P} reminders; finished by ${survivor.name} ` +
        `${((Date.now() - killedAt) / 1000).toFixed(1)} s later; attempts ${attempts.map((a) => `${a.worker}:${a.outcome}`).join(', ')}; ` +
        `recipients with a re-sent copy of the in-flight message: ${resent}`,
    );
    assert.ok(
      attempts.some((a) => a.worker === survivor.name),
      'the job did not run again on the other worker',
    );
    assert.equal(perRecipient.size, P);
    // One distinct reminder per participant (deterministic Message-ID); at most the message in flight at the kill re-sent.
    assert.deepEqual(
      [...perRecipient.entries()].filter(([, e]) => e.ids.size !== 1).map(([to]) => to),
      [],
    );
    assert.ok(resent <= 1, `${resent} recipients got a second copy`);
    // Every ledger row ends 'sent'. The message in flight at the kill may have reached the SMTP server before its
    // row was marked: that row stays 'sending' under the dead worker's lease (20 s), the survivor finishes the
    // others and retries the job for it once the lease has lapsed — so the count is polled, not read once.
    const sentRows = async () =>
      Number(
        (
          await f.sql<{ n: string }>(
            `SELECT count(*) AS n FROM email_deliveries WHERE template = 'event_reminder' AND ref LIKE $1 AND status = 'sent'`,
            [`event:${ev}:%`],
          )
        )[0]!.n,
      );
    await waitFor(async () => (await sentRows()) >= P, {
      timeoutMs: 90_000,
      intervalMs: 500,
      description: 'every reminder marked sent in the ledger',
    }).catch(async (e: unknown) => {
      assert.equal(await sentRows(), P); // names the count when the wait times out
      throw e;
    });
    assert.equal(await sentRows(), P);
    // Restore: a replacement worker for the rest of the file.
    const replacement = spawnService('worker', `${victim.name}-r`, f.env, DRILL_WORKER_ENV);
    workers.splice(workers.indexOf(victim), 1, replacement);
    await waitStarted(replacement, /worker started/);
  });
  test('when a worker gets SIGTERM in the middle of a job then it deregisters, finishes the job in flight and exits 0', async () => {
    const org = await createUser(f, `term_org_${run}`);
    const ev = await createEvent(f, org.id, `term-${run}`, 10 * 3_600_000);
    const P = 40;
    for (let i = 0; i < P; i++) {
      const u = await createUser(f, `term_${run}_${i}`);
      await f.sql(
        `INSERT INTO event_participants (event_id, user_id, status) VALUES ($1, $2, 'confirmed') RETURNING id`,
        [ev, u.id],
      );
    }
    const subject = `Lembrete: Mutirão term-${run} começa em breve`;
    const reminders = async () => (await sinkMessages(f.env)).filter((m) => m.subject === subject);
    const jobId = `outbox:term-${run}`;
    await enqueue(f, 'send_bulk_event_reminders', jobId, { event_id: ev });
    const first = await waitFor(
      async (): Promise<{ worker: string } | false> => {
        const a = await f.redis.lrange(`mutiroes:jobmeta:send_bulk_event_reminders:${jobId}`, 0, 0);
        if (!a[0] || (await reminders()).length < 3) return false;
        return JSON.parse(a[0]) as { worker: string };
      },
      { timeoutMs: 30_000, intervalMs: 20, description: 'the job to be running' },
    );
    const w = workers.find((x) => x.name === first.worker)!;
    assert.ok(w, `job started on ${first.worker}`);
    assert.ok((await reminders()).length < P, 'the job finished before SIGTERM');
    w.proc.kill('SIGTERM');
    const code = await w.exited;
    assert.equal(code, 0);
    const attempts = (await f.redis.lrange(`mutiroes:jobmeta:send_bulk_event_reminders:${jobId}`, 0, -1)).map(
      (a) => JSON.parse(a) as { worker: string; outcome: string },
    );
    assert.deepEqual(
      attempts.map((a) => `${a.worker}:${a.outcome}`),
      [`${w.name}:succeeded`],
    );
    assert.equal(new Set((await reminders()).flatMap((m) => m.to)).size, P);
    assert.ok(
      !(await f.registry.lookup('worker')).some((i) => i.id === w.name),
      'still registered in Consul',
    );
    assert.ok(w.output.some((l) => l.includes('deregistered from consul')));
    const replacement = spawnService('worker', `${w.name}-t`, f.env, DRILL_WORKER_ENV);
    workers.splice(workers.indexOf(w), 1, replacement);
    await waitStarted(replacement, /worker started/);
  });
});

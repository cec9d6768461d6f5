// QueueRunner against the mesh's Redis and Postgres, on its own key prefix: a timeout aborts the work for real
// (the SQL is cancelled by statement_timeout), and a job that stalls too often is dead-lettered.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import BeeQueue from 'bee-queue';
import { waitFor } from '@mutiroes/platform';
import { JobDatabase } from '../../data-access/job-database.js';
import { DeadLetterRepository } from '../../data-access/dead-letter.repository.js';
import { QueueTelemetryRepository, keys } from '../../data-access/queue-telemetry.repository.js';
import type { JobDeps } from '../../domain/job-context.js';
import { jobHandlers, type Handler } from './job-handlers.js';
import { QueueRunner } from './queue-runner.js';
import { log, openFixture, type Fixture } from '../../test-support/mesh-fixture.js';

const run = randomBytes(3).toString('hex');
const prefix = `bqtest${run}`;
let f: Fixture;
let runner: QueueRunner | undefined;
let producer: BeeQueue;

before(async () => {
  f = await openFixture();
  producer = new BeeQueue('beat_probe', { prefix, redis: f.redis as never, isWorker: false, getEvents: false, sendEvents: false, storeJobs: false });
  producer.on('error', () => undefined);
});

after(async () => {
  await runner?.close(2000);
  await producer?.close(1000);
  await f.redis.zrem(keys.failedOrder('beat_probe'), `timeout-${run}`, `stall-${run}`);
  const ks = await f.redis.keys(`${prefix}:*`);
  if (ks.length) await f.redis.del(...ks);
  await f?.close();
});

function startRunner(handler: Handler, opts: { timeoutMs?: number; maxStalls?: number; stallIntervalMs?: number } = {}): Promise<void> {
  const db = new JobDatabase(f.pg.sequelize);
  const telemetry = new QueueTelemetryRepository(f.redis);
  runner = new QueueRunner({
    redis: f.redis, instanceId: `runner-${run}`, queues: ['beat_probe'], handlers: { ...jobHandlers, beat_probe: handler },
    deps: { db, instanceId: `runner-${run}` } as unknown as JobDeps, telemetry, deadLetters: new DeadLetterRepository(db), log,
    concurrency: 2, stallIntervalMs: opts.stallIntervalMs ?? 5000, maxStalls: opts.maxStalls ?? 3, failedKeep: 100, succeededKeep: 100, prefix,
    policies: { beat_probe: { retries: 0, backoffMs: 100, timeoutMs: opts.timeoutMs ?? 10_000 } },
  });
  return runner.start();
}

describe('queue runner', () => {
  test('when a job exceeds its timeout then its signal fires, its SQL is cancelled by the server and the job fails', async () => {
    let sawAbort = false;
    let sqlError = '';
    await startRunner(async (deps, ctx) => {
      ctx.signal.addEventListener('abort', () => { sawAbort = true; });
      try {
        await deps.db.transaction({ signal: ctx.signal, deadline: ctx.deadline }, (tx) => tx.select(`SELECT pg_sleep(30) AS "timeout_probe_${run}"`));
      } catch (e) {
        sqlError = (e as Error).message;
        throw e;
      }
    }, { timeoutMs: 1500 });
    const t0 = Date.now();
    await producer.createJob({ tick_key: `timeout-${run}` }).setId(`timeout-${run}`).save();
    await waitFor(async () => (await f.redis.sismember(`${prefix}:beat_probe:failed`, `timeout-${run}`)) === 1, { timeoutMs: 10_000, description: 'the job to fail' });
    const took = Date.now() - t0;
    const stored = JSON.parse((await f.redis.hget(`${prefix}:beat_probe:jobs`, `timeout-${run}`))!) as { options: { stacktraces: string[] } };
    assert.match(stored.options.stacktraces[0]!, /timed out after 1500 ms/);
    assert.ok(took < 6000, `failed after ${took} ms`);
    assert.equal(sawAbort, true);
    // The server cancelled the statement itself (statement_timeout = remaining attempt time): nothing left running.
    await waitFor(() => sqlError !== '', { timeoutMs: 5000, description: 'the SQL to end' });
    assert.match(sqlError, /statement timeout|canceling statement/);
    const still = await f.sql(`SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND state = 'active' AND query NOT LIKE '%pg_stat_activity%'`, [`%timeout_probe_${run}%`]);
    assert.equal(still.length, 0);
    await runner!.close(2000);
    runner = undefined;
  });

  test('when a job stalls more often than allowed then it goes to the dead-letter list and table instead of looping', async () => {
    const id = `stall-${run}`;
    let ran = 0;
    // A consumer that took the job and died: the job sits in `active` and nobody renews it.
    await producer.createJob({ tick_key: id }).setId(id).save();
    await f.redis.rpoplpush(`${prefix}:beat_probe:waiting`, `${prefix}:beat_probe:active`);
    await startRunner(async () => { ran++; }, { maxStalls: 0, stallIntervalMs: 1000 });
    await waitFor(async () => (await f.redis.zscore(keys.dead('beat_probe'), id)) !== null, { timeoutMs: 15_000, description: 'the job to be dead-lettered' });
    // The dead-letter record is written before bee-queue marks the attempt failed.
    await waitFor(async () => (await f.redis.sismember(`${prefix}:beat_probe:failed`, id)) === 1, { timeoutMs: 5000, description: 'the job in the failed set' });
    assert.equal(ran, 0, 'a dead-lettered job must not run');
    const rows = await f.sql<{ reason: string; stalls: number }>(`SELECT reason, stalls FROM job_dead_letters WHERE queue = 'beat_probe' AND job_id = $1`, [id]);
    assert.equal(rows.length, 1);
    assert.match(rows[0]!.reason, /stalled 1 times: dead-lettered/);
    await f.redis.zrem(keys.dead('beat_probe'), id);
    await f.redis.zrem(keys.failedOrder('beat_probe'), id);
  });
});

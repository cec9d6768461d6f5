// QueueRunner against the mesh's Redis and Postgres, on its own key prefix: a timeout aborts the work for real
// (the SQL is cancelled by statement_timeout), and a job that stalls too often is dead-lettered.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import BeeQueue from 'bee-queue';
import { waitFor } from '@mutiroes/platform';
import { JobDatabase } from '../../data-access/job-database.js';
import { DeadLetterRepository } from '../../data-access/dead-letter.repository.js';
import { QueueTelemetryRepository, telemetryKeys } from '../../data-access/queue-telemetry.repository.js';
import type { JobDeps } from '../../domain/job-context.js';
import { jobHandlers, type Handler } from './job-handlers.js';
import { QueueRunner } from './queue-runner.js';
import { log, openFixture, type Fixture } from '../../test-support/mesh-fixture.js';

const run = randomBytes(3).toString('hex');
const prefix = `bqtest${run}`;
const keys = telemetryKeys(`mutiroes-test-${run}:`);
let f: Fixture;
let producer: BeeQueue;
// Every runner a test starts, closed after each test whether it passed or not: a runner left open by a failed
// test would keep consuming this prefix (with that test's handler and timeout) and poll a closed Redis.
const runners: QueueRunner[] = [];
async function closeRunners(): Promise<void> {
  await Promise.allSettled(runners.splice(0).map((r) => r.close(2000)));
}
// Timeouts that are not the thing under test are generous (the suite runs on a loaded 2-core machine); waits are
// polls whose deadlines derive from the configured intervals, with a floor for a slow machine.
const LOAD_FLOOR_MS = 20_000;
const within = (ms: number): number => Math.max(LOAD_FLOOR_MS, ms);

before(async () => {
  f = await openFixture();
  producer = new BeeQueue('beat_probe', {
    prefix,
    redis: f.redis as never,
    isWorker: false,
    getEvents: false,
    sendEvents: false,
    storeJobs: false,
  });
  producer.on('error', () => undefined);
});

afterEach(closeRunners);

after(async () => {
  await closeRunners();
  await producer?.close(1000);
  const ks = [...(await f.redis.keys(`${prefix}:*`)), ...(await f.redis.keys(`mutiroes-test-${run}:*`))];
  if (ks.length) await f.redis.del(...ks);
  await f?.close();
});

const TRIM_INTERVAL_MS = 500;

// Retries and backoff travel with the job (set by the producer, as the outbox relay does from the contract).
let jobPolicy = { retries: 0, backoffMs: 100 };
function createJob(data: { tick_key: string }): BeeQueue.Job<{ tick_key: string }> {
  return producer.createJob(data).retries(jobPolicy.retries).backoff('exponential', jobPolicy.backoffMs);
}

function startRunner(
  handler: Handler,
  opts: {
    timeoutMs?: number;
    maxStalls?: number;
    stallIntervalMs?: number;
    failedKeep?: number;
    retries?: number;
    backoffMs?: number;
  } = {},
): Promise<void> {
  const db = new JobDatabase(f.pg.sequelize);
  const telemetry = new QueueTelemetryRepository(f.redis, keys);
  const runner = new QueueRunner({
    redis: f.redis,
    instanceId: `runner-${run}`,
    queues: ['beat_probe'],
    handlers: { ...jobHandlers, beat_probe: handler },
    deps: { db, instanceId: `runner-${run}` } as unknown as JobDeps,
    telemetry,
    deadLetters: new DeadLetterRepository(db),
    log,
    concurrency: 2,
    stallIntervalMs: opts.stallIntervalMs ?? 5000,
    maxStalls: opts.maxStalls ?? 3,
    failedKeep: opts.failedKeep ?? 100,
    succeededKeep: 3,
    prefix,
    trimIntervalMs: TRIM_INTERVAL_MS,
    timeoutsMs: { beat_probe: opts.timeoutMs ?? 60_000 },
  });
  runners.push(runner);
  jobPolicy = { retries: opts.retries ?? 0, backoffMs: opts.backoffMs ?? 100 };
  return runner.start();
}

const JOB_TIMEOUT_MS = 1500;
const SQL_SLEEP_MS = 30_000;

describe('queue runner', () => {
  test('when a job exceeds its timeout then its signal fires, its SQL is cancelled by the server and the job fails', async () => {
    let sawAbort = false;
    let sqlError = '';
    await startRunner(
      async (deps, ctx) => {
        ctx.signal.addEventListener('abort', () => {
          sawAbort = true;
        });
        try {
          await deps.db.transaction({ signal: ctx.signal, deadline: ctx.deadline }, (tx) =>
            tx.select(`SELECT pg_sleep(30) AS "timeout_probe_${run}"`),
          );
        } catch (e) {
          sqlError = (e as Error).message;
          throw e;
        }
      },
      { timeoutMs: JOB_TIMEOUT_MS },
    );
    const t0 = Date.now();
    await createJob({ tick_key: `timeout-${run}` })
      .setId(`timeout-${run}`)
      .save();
    // The SQL sleeps 30 s: every deadline below stays well under that, so passing proves the work was cut short.
    await waitFor(
      async () => (await f.redis.sismember(`${prefix}:beat_probe:failed`, `timeout-${run}`)) === 1,
      { timeoutMs: SQL_SLEEP_MS / 2, description: 'the job to fail' },
    );
    const took = Date.now() - t0;
    const stored = JSON.parse((await f.redis.hget(`${prefix}:beat_probe:jobs`, `timeout-${run}`))!) as {
      options: { stacktraces: string[]; retries: number };
    };
    // Whichever fired first (our timer or the server's statement_timeout), the job failed for good on its timeout.
    assert.equal(stored.options.stacktraces.length, 1);
    assert.match(stored.options.stacktraces[0]!, new RegExp(`timed out after ${JOB_TIMEOUT_MS} ms`));
    assert.ok(took >= JOB_TIMEOUT_MS - 100 && took < SQL_SLEEP_MS / 2, `failed after ${took} ms`);
    assert.equal(sawAbort, true, 'the handler signal fired');
    // The server cancelled the statement itself (statement_timeout = remaining attempt time): nothing left running.
    await waitFor(() => sqlError !== '', { timeoutMs: SQL_SLEEP_MS / 2, description: 'the SQL to end' });
    assert.match(sqlError, /statement timeout|canceling statement/);
    await waitFor(
      async () =>
        (
          await f.sql(
            `SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND state = 'active' AND query NOT LIKE '%pg_stat_activity%'`,
            [`%timeout_probe_${run}%`],
          )
        ).length === 0,
      { timeoutMs: SQL_SLEEP_MS / 2, description: 'no probe statement left running on the server' },
    );
  });

  test('when a job stalls more often than allowed then it goes to the dead-letter list and table instead of looping', async () => {
    const id = `stall-${run}`;
    let ran = 0;
    // A consumer that took the job and died: the job sits in `active` and nobody renews it.
    await createJob({ tick_key: id }).setId(id).save();
    await f.redis.rpoplpush(`${prefix}:beat_probe:waiting`, `${prefix}:beat_probe:active`);
    const stallIntervalMs = 1000;
    await startRunner(
      async () => {
        ran++;
      },
      { maxStalls: 0, stallIntervalMs },
    );
    // Detection takes two stall checks (mark, then find unrenewed) plus a pick-up: allow many intervals.
    await waitFor(async () => (await f.redis.zscore(keys.dead('beat_probe'), id)) !== null, {
      timeoutMs: within(stallIntervalMs * 20),
      description: 'the job to be dead-lettered',
    });
    // The dead-letter record is written before bee-queue marks the attempt failed.
    await waitFor(async () => (await f.redis.sismember(`${prefix}:beat_probe:failed`, id)) === 1, {
      timeoutMs: within(stallIntervalMs * 10),
      description: 'the job in the failed set',
    });
    assert.equal(ran, 0, 'a dead-lettered job must not run');
    const rows = await f.sql<{ reason: string; stalls: number }>(
      `SELECT reason, stalls FROM job_dead_letters WHERE queue = 'beat_probe' AND job_id = $1`,
      [id],
    );
    assert.equal(rows.length, 1);
    assert.match(rows[0]!.reason, /stalled 1 times: dead-lettered/);
  });

  test('when a job fails then it is retried with exponential backoff through the delayed set, and finished jobs stay bounded', async () => {
    const seen: number[] = [];
    const backoffMs = 100;
    await startRunner(
      async (_d, ctx) => {
        seen.push(Date.now());
        if (ctx.data.tick_key.startsWith('flaky') && ctx.attempt < 3)
          throw new Error(`attempt ${ctx.attempt} fails`);
        if (ctx.data.tick_key.startsWith('bad')) throw new Error('always fails');
      },
      { failedKeep: 2, retries: 2, backoffMs },
    );
    await createJob({ tick_key: `flaky-${run}` })
      .setId(`flaky-${run}`)
      .save();
    await waitFor(
      async () =>
        (await f.redis.lrange(keys.recent('beat_probe'), 0, -1)).some((r) => r.includes(`flaky-${run}`)),
      { timeoutMs: within(backoffMs * 3 * 20), description: 'the flaky job to succeed' },
    );
    assert.equal(seen.length, 3);
    // Backoff 100 ms then 200 ms (exponential), through the delayed set re-activated by the worker.
    assert.ok(
      seen[1]! - seen[0]! >= backoffMs - 10 && seen[2]! - seen[1]! >= 2 * backoffMs - 10,
      `gaps ${seen[1]! - seen[0]!} ms, ${seen[2]! - seen[1]!} ms`,
    );
    assert.equal(
      await f.redis.hexists(`${prefix}:beat_probe:jobs`, `flaky-${run}`),
      0,
      'a succeeded job is removed from Redis',
    );
    for (let i = 0; i < 5; i++)
      await createJob({ tick_key: `bad-${i}` })
        .setId(`bad-${run}-${i}`)
        .save();
    await waitFor(async () => Number(await f.redis.get(keys.failedTotal('beat_probe'))) >= 5, {
      timeoutMs: within(backoffMs * 3 * 5 * 20),
      description: 'five final failures',
    });
    // Only the newest `failedKeep` (2) failed jobs are kept; 5 successes keep only `succeededKeep` (3) summaries.
    await waitFor(async () => (await f.redis.scard(`${prefix}:beat_probe:failed`)) === 2, {
      timeoutMs: within(TRIM_INTERVAL_MS * 20),
      description: 'the failed list trimmed to 2',
    });
    assert.equal(await f.redis.hlen(`${prefix}:beat_probe:jobs`), 2);
    for (let i = 0; i < 5; i++)
      await createJob({ tick_key: `ok-${i}` })
        .setId(`ok-${run}-${i}`)
        .save();
    await waitFor(async () => Number(await f.redis.get(keys.succeededTotal('beat_probe'))) >= 6, {
      timeoutMs: LOAD_FLOOR_MS,
      description: 'six successes',
    });
    assert.equal(await f.redis.llen(keys.recent('beat_probe')), 3);
  });
});

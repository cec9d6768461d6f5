// Moves committed outbox rows to bee-queue. Runs in every API instance; rows are claimed with
// FOR UPDATE SKIP LOCKED so instances never enqueue the same row concurrently, and the bee-queue
// jobId `outbox:<id>` makes a repeated enqueue (crash between enqueue and mark) a no-op.
import Queue from 'bee-queue';
import type { RedisClient as Redis } from '@mutiroes/registry';
import type { Sequelize, Transaction } from 'sequelize';
import { currentRequestId, requestContext, withTimeout, type Logger } from '@mutiroes/platform';
import { isJobName, withJobPolicy } from '@mutiroes/contracts';
import { JOB_NAME_RE, OutboxRepository, type OutboxRow } from '../../data-access/outbox/outbox.repository.js';
import type { ApiOutbox } from '../../deps.js';

export interface OutboxRelayOptions {
  sequelize: Sequelize;
  /** The registry's Sentinel-aware, bee-queue-compatible client (ioredis subclass named RedisClient). */
  redis: Redis;
  log: Logger;
  pollMs: number;
  batchSize?: number;
  /** Max time one Redis enqueue may take before the batch is given up and retried later. */
  enqueueTimeoutMs?: number;
  /**
   * `WAIT 1 <ms>` after each saved batch: rows are marked enqueued only once a replica holds the jobs
   * (Redis replication is asynchronous; a master killed before replicating loses acknowledged writes).
   */
  replicaAckTimeoutMs?: number;
  /**
   * How long the master may report `connected_slaves:0` before a single-node ack is accepted (logged as
   * degraded durability), so one lone Redis node does not stall the outbox forever.
   */
  singleNodeGraceMs?: number;
}

export interface OutboxRelay {
  start(): void;
  /** Runs a pass now (also called after a commit that wrote outbox rows). */
  kick(): void;
  /** One pass; resolves with the number of rows enqueued. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
  /** The producer queue for `jobName` (shared; created on first use). */
  queue(jobName: string): Queue;
}

/** One locked batch: how many rows went to Redis, and whether the batch stopped on a failure. */
interface BatchResult {
  enqueued: number;
  failed: boolean;
}

export function createOutboxRelay(o: OutboxRelayOptions): OutboxRelay {
  const repo = new OutboxRepository(o.sequelize);
  const queues = new Map<string, Queue>();
  const batch = o.batchSize ?? 100;
  const timeoutMs = o.enqueueTimeoutMs ?? 2000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  let again = false;
  let stopped = true;
  let lastPurge = 0;
  let failing = false;
  let lastPassError = 0;
  const ackTimeoutMs = o.replicaAckTimeoutMs ?? 1000;
  const singleNodeGraceMs = o.singleNodeGraceMs ?? 30_000;
  // Incremented on every (re)connection: WAIT only counts the writes of ITS connection, so a WAIT that
  // ran on a new connection (ioredis resends after a reconnect) would vouch for nothing.
  let connectionEpoch = 0;
  const onReady = () => {
    connectionEpoch++;
  };
  o.redis.on('ready', onReady);
  let noReplicaSince: number | null = null;
  let lastDegradedLog = 0;

  const queue = (name: string): Queue => {
    let q = queues.get(name);
    if (!q) {
      // bee-queue handed a shared client that is not ready waits for 'ready' and, on the first 'error'
      // meanwhile, DISCONNECTS it for good (lib/redis.js createClient) — that would kill the instance's
      // Redis client. So a Queue is only ever built on a ready client (checked in the same tick).
      if (o.redis.status !== 'ready') throw new Error(`redis not ready (${o.redis.status})`);
      q = new Queue(name, {
        redis: o.redis as unknown as Queue.QueueSettings['redis'],
        isWorker: false,
        getEvents: false,
        sendEvents: false,
        storeJobs: false,
        activateDelayedJobs: false,
      });
      q.on('error', (e: Error) => o.log.debug('outbox queue error', { queue: name, error: e.message }));
      queues.set(name, q);
    }
    return q;
  };

  const resetQueue = (name: string) => {
    const q = queues.get(name);
    if (!q) return;
    queues.delete(name);
    q.close(0).catch(() => undefined);
  };

  const enqueue = async (row: OutboxRow): Promise<void> => {
    // Known down: fail fast instead of piling commands into ioredis' offline queue for the timeout.
    if (o.redis.status !== 'ready') throw new Error(`redis not ready (${o.redis.status})`);
    const data = {
      ...row.data,
      request_id: row.data['request_id'] ?? row.request_id ?? undefined,
      outbox_id: Number(row.id),
    };
    // Retries and backoff: the job contract's policy for this job (a name off the contract gets none).
    const created = queue(row.job_name).createJob(data).setId(`outbox:${row.id}`);
    const job = isJobName(row.job_name) ? withJobPolicy(created, row.job_name) : created;
    await withTimeout(job.save(), timeoutMs, `enqueue of outbox row ${row.id}`);
  };

  /**
   * After a batch was saved on `epoch`'s connection: resolves when at least one replica acknowledged it
   * (or the master has had no replica for longer than the grace period); throws otherwise, so the rows
   * stay pending and are saved again (a no-op for jobs still present: jobId `outbox:<id>`).
   */
  const confirmReplicated = async (epoch: number, count: number): Promise<void> => {
    const acked = await withTimeout(o.redis.wait(1, ackTimeoutMs), ackTimeoutMs + 2000, 'WAIT for a replica');
    if (connectionEpoch !== epoch) throw new Error('redis reconnected during the batch; saving again');
    if (acked >= 1) {
      if (noReplicaSince !== null) o.log.info('outbox relay: a Redis replica acknowledges writes again');
      noReplicaSince = null;
      return;
    }
    const info = await withTimeout(o.redis.info('replication'), ackTimeoutMs + 2000, 'INFO replication');
    if (connectionEpoch !== epoch) throw new Error('redis reconnected during the batch; saving again');
    const role = /^role:(\S+)/m.exec(info)?.[1];
    const slaves = Number(/^connected_slaves:(\d+)/m.exec(info)?.[1] ?? NaN);
    if (role !== 'master') throw new Error(`redis answered as ${role ?? 'unknown role'}, not master`);
    if (slaves > 0) {
      noReplicaSince = null;
      throw new Error(`no replica acknowledged within ${ackTimeoutMs} ms (${slaves} connected)`);
    }
    const now = Date.now();
    noReplicaSince ??= now;
    if (now - noReplicaSince < singleNodeGraceMs) {
      throw new Error(
        `no Redis replica connected for ${now - noReplicaSince} ms; waiting before single-node acks`,
      );
    }
    if (now - lastDegradedLog > 30_000) {
      lastDegradedLog = now;
      o.log.warn(
        'outbox relay: Redis master has no replica; accepting single-node acks (degraded durability)',
        {
          no_replica_for_ms: now - noReplicaSince,
          jobs: count,
        },
      );
    }
  };

  /** Locks up to `batch` pending rows, enqueues them in order, marks what went through (in `tx`). */
  const relayBatch = async (tx: Transaction): Promise<BatchResult> => {
    const rows = await repo.lockPending(tx, batch);
    if (!rows.length) return { enqueued: 0, failed: false };
    let done: string[] = [];
    let failure: { ids: string[]; error: string } | null = null;
    const epoch = connectionEpoch;
    for (const row of rows) {
      try {
        await enqueue(row);
        done.push(row.id);
      } catch (e) {
        // Keep order and stop at the first failure: Redis is most likely down for all of them.
        failure = { ids: [row.id], error: e instanceof Error ? e.message : String(e) };
        // A bee-queue Queue whose start-up (script loading) failed while Redis was away stays broken
        // for good: drop it, the next pass builds a fresh one on the (shared, reconnecting) client.
        resetQueue(row.job_name);
        break;
      }
    }
    if (done.length) {
      try {
        await confirmReplicated(epoch, done.length);
      } catch (e) {
        // Saved on the master but not known to survive its loss: all of them stay pending.
        const error = `not replicated: ${e instanceof Error ? e.message : String(e)}`;
        failure = { ids: [...done, ...(failure?.ids ?? [])], error };
        done = [];
      }
    }
    await repo.markEnqueued(tx, done);
    if (failure) {
      await repo.markFailed(tx, failure.ids, failure.error);
      if (!failing)
        o.log.warn('outbox relay cannot enqueue; rows stay pending', {
          error: failure.error,
          pending_from: failure.ids[0],
        });
      failing = true;
    } else if (failing) {
      failing = false;
      o.log.info('outbox relay enqueuing again');
    }
    if (done.length) o.log.debug('outbox rows enqueued', { count: done.length });
    return { enqueued: done.length, failed: failure !== null };
  };

  const pass = async (): Promise<number> => {
    let total = 0;
    if (!(await repo.hasPending())) return 0;
    for (;;) {
      const r = await o.sequelize.transaction(relayBatch);
      total += r.enqueued;
      // A failure, an empty or a short batch: nothing more to do in this pass.
      if (r.failed || r.enqueued < batch) break;
    }
    if (Date.now() - lastPurge > 600_000) {
      lastPurge = Date.now();
      repo.purgeEnqueued(7).catch((e: unknown) => o.log.warn('outbox purge failed', { error: String(e) }));
    }
    return total;
  };

  const runOnce = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = pass()
      .catch((e: unknown) => {
        // During a database failover every pass fails for a few seconds: one line per 5 s is enough.
        if (Date.now() - lastPassError > 5_000) {
          lastPassError = Date.now();
          o.log.warn('outbox relay pass failed (rows stay pending)', {
            error: e instanceof Error ? e.message : String(e),
          });
        }
        return 0;
      })
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          void runOnce();
        }
      });
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runOnce().finally(schedule);
    }, o.pollMs);
    timer.unref();
  };

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    kick() {
      // Called from a request's afterCommit: run outside its context so relay lines carry no request id.
      if (!stopped) requestContext.exit(() => void runOnce());
    },
    runOnce,
    async stop() {
      stopped = true;
      o.redis.off('ready', onReady);
      clearTimeout(timer);
      if (running) await running.catch(() => 0);
      await Promise.allSettled([...queues.values()].map((q) => q.close(1000)));
      queues.clear();
    },
    queue,
  };
}

/** The ApiOutbox given to use cases: inserts in the caller's transaction and kicks the relay after commit. */
export function createOutbox(sequelize: Sequelize, relay: Pick<OutboxRelay, 'kick'> | null): ApiOutbox {
  const repo = new OutboxRepository(sequelize);
  return {
    async enqueue(tx, jobName, data) {
      if (!JOB_NAME_RE.test(jobName)) throw new Error(`invalid job name ${jobName}`);
      const requestId =
        (typeof data['request_id'] === 'string' ? data['request_id'] : undefined) ??
        currentRequestId() ??
        null;
      const id = await repo.insert(tx, jobName, { ...data, request_id: requestId ?? undefined }, requestId);
      if (relay) tx.afterCommit(() => relay.kick());
      return id;
    },
  };
}

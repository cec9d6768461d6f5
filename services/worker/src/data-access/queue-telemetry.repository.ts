// Redis keys the status page reads besides bee-queue's own: heartbeats, counters, bounded recent/failed/dead
// lists, per-job attempt records and 10-second throughput buckets.
import type { RedisClient as Redis } from '@mutiroes/registry';

export const KEY_PREFIX = 'mutiroes:';
export const BUCKET_MS = 10_000;
const BUCKET_TTL_S = 2 * 3600;
const JOBMETA_TTL_S = 7 * 24 * 3600;

export interface WorkerHeartbeat {
  instance: string;
  host: string;
  pid: number;
  port: number;
  queues: string[];
  concurrency: number;
  active_jobs: Array<{
    queue: string;
    job_id: string;
    started_at: string;
    request_id?: string | undefined;
    attempt: number;
  }>;
  started_at: string;
  beat_at: string;
  ttl_ms: number;
  processed: number;
  failed: number;
}

export interface AttemptRecord {
  worker: string;
  attempt: number;
  started_at: string;
  finished_at?: string;
  duration_ms?: number;
  outcome: 'running' | 'succeeded' | 'failed' | 'retrying' | 'dead_lettered';
  error?: string;
}

export interface RecentJob {
  id: string;
  queue: string;
  data: unknown;
  result: unknown;
  finished_at: string;
  created_at: string | null;
  attempts: number;
  worker: string;
  duration_ms: number;
}

export function telemetryKeys(ns = KEY_PREFIX) {
  return {
    worker: (instance: string) => `${ns}workers:${instance}`,
    workersPattern: `${ns}workers:*`,
    succeededTotal: (q: string) => `${ns}q:${q}:succeeded-total`,
    failedTotal: (q: string) => `${ns}q:${q}:failed-total`,
    recent: (q: string) => `${ns}q:${q}:recent`,
    failedOrder: (q: string) => `${ns}q:${q}:failed-order`,
    dead: (q: string) => `${ns}q:${q}:dead`,
    stalls: (q: string) => `${ns}q:${q}:stalls`,
    jobMeta: (q: string, id: string) => `${ns}jobmeta:${q}:${id}`,
    bucket: (t: number) => `${ns}stats:${Math.floor(t / BUCKET_MS) * BUCKET_MS}`,
    beatState: `${KEY_PREFIX}beat:state`,
    beatInstancesPattern: `${KEY_PREFIX}beat:instances:*`,
  };
}
export type TelemetryKeys = ReturnType<typeof telemetryKeys>;
/** The keys every worker and the status page use. */
export const keys: TelemetryKeys = telemetryKeys();

export class QueueTelemetryRepository {
  /** `k` = the key namespace (tests isolate themselves with their own). */
  constructor(
    private readonly redis: Redis,
    readonly k: TelemetryKeys = keys,
  ) {}

  async heartbeat(hb: WorkerHeartbeat): Promise<void> {
    await this.redis.set(this.k.worker(hb.instance), JSON.stringify(hb), 'PX', hb.ttl_ms);
  }

  async removeHeartbeat(instance: string): Promise<void> {
    await this.redis.del(this.k.worker(instance));
  }

  async workers(): Promise<WorkerHeartbeat[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', this.k.workersPattern, 'COUNT', 200);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    if (found.length === 0) return [];
    const values = await this.redis.mget(...found);
    return values
      .filter((v): v is string => !!v)
      .map((v) => JSON.parse(v) as WorkerHeartbeat)
      .sort((a, b) => a.instance.localeCompare(b.instance));
  }

  async attemptStarted(queue: string, jobId: string, rec: AttemptRecord): Promise<number> {
    const k = this.k.jobMeta(queue, jobId);
    const res = await this.redis.multi().rpush(k, JSON.stringify(rec)).expire(k, JOBMETA_TTL_S).exec();
    return Number(res?.[0]?.[1] ?? 1);
  }

  async attemptFinished(queue: string, jobId: string, index: number, rec: AttemptRecord): Promise<void> {
    const k = this.k.jobMeta(queue, jobId);
    await this.redis.multi().lset(k, index, JSON.stringify(rec)).expire(k, JOBMETA_TTL_S).exec();
  }

  async attempts(queue: string, jobId: string): Promise<AttemptRecord[]> {
    const rows = await this.redis.lrange(this.k.jobMeta(queue, jobId), 0, -1);
    return rows.map((r) => JSON.parse(r) as AttemptRecord);
  }

  async recordSucceeded(job: RecentJob, keep: number): Promise<void> {
    const now = Date.now();
    await this.redis
      .multi()
      .incr(this.k.succeededTotal(job.queue))
      .lpush(this.k.recent(job.queue), JSON.stringify(job))
      .ltrim(this.k.recent(job.queue), 0, keep - 1)
      .hdel(this.k.stalls(job.queue), job.id)
      .hincrby(this.k.bucket(now), `${job.queue}:succeeded`, 1)
      .expire(this.k.bucket(now), BUCKET_TTL_S)
      .exec();
  }

  /** A final failure: kept in bee-queue's failed set, ordered here so the oldest beyond `keep` can be dropped. */
  async recordFailed(queue: string, jobId: string): Promise<void> {
    const now = Date.now();
    await this.redis
      .multi()
      .incr(this.k.failedTotal(queue))
      .zadd(this.k.failedOrder(queue), now, jobId)
      .hdel(this.k.stalls(queue), jobId)
      .hincrby(this.k.bucket(now), `${queue}:failed`, 1)
      .expire(this.k.bucket(now), BUCKET_TTL_S)
      .exec();
  }

  async recordRetrying(queue: string): Promise<void> {
    const now = Date.now();
    await this.redis
      .multi()
      .hincrby(this.k.bucket(now), `${queue}:retried`, 1)
      .expire(this.k.bucket(now), BUCKET_TTL_S)
      .exec();
  }

  /** Failed job ids beyond the newest `keep`, oldest first (to be removed from bee-queue). */
  async failedOverflow(queue: string, keep: number): Promise<string[]> {
    const n = await this.redis.zcard(this.k.failedOrder(queue));
    if (n <= keep) return [];
    return this.redis.zrange(this.k.failedOrder(queue), '0', String(n - keep - 1));
  }

  async forgetFailed(queue: string, jobIds: string[]): Promise<void> {
    if (jobIds.length)
      await this.redis
        .multi()
        .zrem(this.k.failedOrder(queue), ...jobIds)
        .zrem(this.k.dead(queue), ...jobIds)
        .exec();
  }

  async incrementStalls(queue: string, jobId: string): Promise<number> {
    return this.redis.hincrby(this.k.stalls(queue), jobId, 1);
  }

  async stalls(queue: string, jobId: string): Promise<number> {
    return Number((await this.redis.hget(this.k.stalls(queue), jobId)) ?? 0);
  }

  async deadLetter(queue: string, jobId: string): Promise<void> {
    await this.redis
      .multi()
      .zadd(this.k.dead(queue), Date.now(), jobId)
      .hdel(this.k.stalls(queue), jobId)
      .exec();
  }

  async deadIds(queue: string, start: number, stop: number): Promise<string[]> {
    return this.redis.zrevrange(this.k.dead(queue), start, stop);
  }

  async recent(queue: string, start: number, stop: number): Promise<RecentJob[]> {
    return (await this.redis.lrange(this.k.recent(queue), start, stop)).map(
      (r) => JSON.parse(r) as RecentJob,
    );
  }

  /** Per-queue counts in one round trip (bee-queue's checkHealth returns ioredis [err, value] pairs). */
  async counts(prefix: string, queues: string[]): Promise<Record<string, QueueCounts>> {
    const m = this.redis.multi();
    for (const q of queues) {
      const k = (s: string) => `${prefix}:${q}:${s}`;
      m.llen(k('waiting'))
        .llen(k('active'))
        .zcard(k('delayed'))
        .scard(k('failed'))
        .get(this.k.succeededTotal(q))
        .zcard(this.k.dead(q))
        .get(this.k.failedTotal(q));
    }
    const res = (await m.exec()) ?? [];
    const out: Record<string, QueueCounts> = {};
    queues.forEach((q, i) => {
      const v = (j: number) => Number(res[i * 7 + j]?.[1] ?? 0);
      out[q] = {
        waiting: v(0),
        active: v(1),
        delayed: v(2),
        failed: v(3),
        succeeded: v(4),
        dead: v(5),
        failed_total: v(6),
      };
    });
    return out;
  }

  /** Throughput buckets (10 s) over the last `minutes`, oldest first. */
  async throughput(
    queues: string[],
    minutes: number,
  ): Promise<Array<{ t: number; succeeded: number; failed: number; retried: number }>> {
    const now = Date.now();
    const n = Math.ceil((minutes * 60_000) / BUCKET_MS);
    const first = Math.floor(now / BUCKET_MS) * BUCKET_MS - (n - 1) * BUCKET_MS;
    const p = this.redis.pipeline();
    for (let i = 0; i < n; i++) p.hgetall(this.k.bucket(first + i * BUCKET_MS));
    const res = (await p.exec()) ?? [];
    return res.map(([, h], i) => {
      const hash = (h ?? {}) as Record<string, string>;
      const sum = (kind: string) => queues.reduce((a, q) => a + Number(hash[`${q}:${kind}`] ?? 0), 0);
      return {
        t: first + i * BUCKET_MS,
        succeeded: sum('succeeded'),
        failed: sum('failed'),
        retried: sum('retried'),
      };
    });
  }
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  succeeded: number;
  dead: number;
  failed_total: number;
}

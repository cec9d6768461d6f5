// Reads and admin actions on bee-queue's stored jobs (waiting/active/delayed/failed), plus the worker's own
// bounded lists (recent successes, dead letters) — what the status page pages through.
import type BeeQueue from 'bee-queue';
import { isJobName, jobPolicies } from '@mutiroes/contracts';
import type { RedisClient as Redis } from '@mutiroes/registry';
import type { AttemptRecord, QueueTelemetryRepository } from './queue-telemetry.repository.js';

export const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'succeeded', 'dead'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobView {
  id: string;
  queue: string;
  state: JobState | 'unknown';
  data: unknown;
  request_id: string | null;
  created_at: string | null;
  delay_until: string | null;
  retries_left: number | null;
  errors: string[];
  result?: unknown;
  finished_at?: string | null;
  attempts: AttemptRecord[];
}

interface StoredJob {
  data?: Record<string, unknown>;
  options?: Record<string, unknown>;
  status?: string;
}

export class JobStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly queues: Map<string, BeeQueue>,
    private readonly telemetry: QueueTelemetryRepository,
  ) {}

  private k(queue: string, s: string): string {
    return `${this.prefix}:${queue}:${s}`;
  }

  has(queue: string): boolean {
    return this.queues.has(queue);
  }

  async list(
    queue: string,
    state: JobState,
    page: number,
    size: number,
  ): Promise<{ total: number; jobs: JobView[] }> {
    const start = (page - 1) * size;
    const stop = start + size - 1;
    let ids: string[];
    let total: number;
    switch (state) {
      case 'waiting':
      case 'active':
        [total, ids] = await Promise.all([
          this.redis.llen(this.k(queue, state)),
          this.redis.lrange(this.k(queue, state), start, stop),
        ]);
        break;
      case 'delayed':
        [total, ids] = await Promise.all([
          this.redis.zcard(this.k(queue, 'delayed')),
          this.redis.zrange(this.k(queue, 'delayed'), String(start), String(stop)),
        ]);
        break;
      case 'failed':
        // Newest first, through the worker's ordered index of the failed set.
        [total, ids] = await Promise.all([
          this.redis.scard(this.k(queue, 'failed')),
          this.redis.zrevrange(this.telemetry.k.failedOrder(queue), start, stop),
        ]);
        break;
      case 'dead':
        [total, ids] = await Promise.all([
          this.redis.zcard(this.telemetry.k.dead(queue)),
          this.telemetry.deadIds(queue, start, stop),
        ]);
        break;
      case 'succeeded': {
        const [n, recent] = await Promise.all([
          this.redis.llen(this.telemetry.k.recent(queue)),
          this.telemetry.recent(queue, start, stop),
        ]);
        return {
          total: n,
          jobs: recent.map((r) => ({
            id: r.id,
            queue,
            state: 'succeeded',
            data: r.data,
            request_id: requestIdOf(r.data),
            created_at: r.created_at,
            delay_until: null,
            retries_left: null,
            errors: [],
            result: r.result,
            finished_at: r.finished_at,
            attempts: [],
          })),
        };
      }
    }
    const views = await this.views(queue, ids, state);
    return { total, jobs: views };
  }

  private async views(queue: string, ids: string[], state: JobState | 'unknown'): Promise<JobView[]> {
    if (ids.length === 0) return [];
    const raw = await this.redis.hmget(this.k(queue, 'jobs'), ...ids);
    return ids.flatMap((id, i) => {
      const r = raw[i];
      if (!r) return [];
      return [toView(queue, id, JSON.parse(r) as StoredJob, state, [])];
    });
  }

  async get(queue: string, id: string): Promise<JobView | undefined> {
    // One MULTI: the stored job and its state are read from the same instant (a job finishing between two
    // reads would otherwise show as failed with the data of before the failure).
    const m = this.redis.multi();
    m.hget(this.k(queue, 'jobs'), id)
      .lpos(this.k(queue, 'waiting'), id)
      .lpos(this.k(queue, 'active'), id)
      .zscore(this.k(queue, 'delayed'), id)
      .sismember(this.k(queue, 'failed'), id)
      .zscore(this.telemetry.k.dead(queue), id);
    const [r, attempts] = await Promise.all([
      m.exec().then((res) => (res ?? []).map(([, v]) => v)),
      this.telemetry.attempts(queue, id),
    ]);
    const raw = r[0] as string | null;
    if (!raw) {
      const recent = (await this.telemetry.recent(queue, 0, -1)).find((x) => x.id === id);
      if (!recent)
        return attempts.length
          ? {
              id,
              queue,
              state: 'unknown',
              data: null,
              request_id: null,
              created_at: null,
              delay_until: null,
              retries_left: null,
              errors: [],
              attempts,
            }
          : undefined;
      return {
        id,
        queue,
        state: 'succeeded',
        data: recent.data,
        request_id: requestIdOf(recent.data),
        created_at: recent.created_at,
        delay_until: null,
        retries_left: null,
        errors: [],
        result: recent.result,
        finished_at: recent.finished_at,
        attempts,
      };
    }
    const state: JobState | 'unknown' =
      r[5] !== null
        ? 'dead'
        : r[1] !== null
          ? 'waiting'
          : r[2] !== null
            ? 'active'
            : r[3] !== null
              ? 'delayed'
              : r[4] === 1
                ? 'failed'
                : 'unknown';
    return toView(queue, id, JSON.parse(raw) as StoredJob, state, attempts);
  }

  /** Failed or dead job → waiting again, with its retry budget restored. */
  async retry(queue: string, id: string): Promise<'retried' | 'not_found' | 'not_failed'> {
    const q = this.queues.get(queue);
    if (!q) return 'not_found';
    const job = await q.getJob(id);
    if (!job) return 'not_found';
    const failed = await this.redis.sismember(this.k(queue, 'failed'), id);
    if (!failed) return 'not_failed';
    const options = job.options as Record<string, unknown>;
    if (isJobName(queue)) {
      // The retry budget the contract gives this job (as its producer set it at enqueue time).
      const policy = jobPolicies[queue];
      options['retries'] = policy.retries;
      options['backoff'] = { strategy: 'exponential', delay: policy.backoffMs };
    }
    const stored = JSON.stringify({ data: job.data, options, status: 'created', progress: 0 });
    await this.redis
      .multi()
      .hset(this.k(queue, 'jobs'), id, stored)
      .srem(this.k(queue, 'failed'), id)
      .lpush(this.k(queue, 'waiting'), id)
      .zrem(this.telemetry.k.failedOrder(queue), id)
      .zrem(this.telemetry.k.dead(queue), id)
      .hdel(this.telemetry.k.stalls(queue), id)
      .exec();
    return 'retried';
  }

  async remove(queue: string, id: string): Promise<'removed' | 'not_found'> {
    const q = this.queues.get(queue);
    if (!q) return 'not_found';
    const exists = await this.redis.hexists(this.k(queue, 'jobs'), id);
    if (!exists) return 'not_found';
    await q.removeJob(id);
    await this.telemetry.forgetFailed(queue, [id]);
    return 'removed';
  }
}

function requestIdOf(data: unknown): string | null {
  const v = (data as Record<string, unknown> | null)?.['request_id'];
  return typeof v === 'string' ? v : null;
}

function toView(
  queue: string,
  id: string,
  s: StoredJob,
  state: JobState | 'unknown',
  attempts: AttemptRecord[],
): JobView {
  const o = s.options ?? {};
  return {
    id,
    queue,
    state,
    data: s.data ?? null,
    request_id: requestIdOf(s.data),
    created_at: typeof o['timestamp'] === 'number' ? new Date(o['timestamp']).toISOString() : null,
    delay_until: typeof o['delay'] === 'number' ? new Date(o['delay']).toISOString() : null,
    retries_left: typeof o['retries'] === 'number' ? o['retries'] : null,
    errors: Array.isArray(o['stacktraces']) ? (o['stacktraces'] as string[]).slice(0, 10) : [],
    attempts,
  };
}

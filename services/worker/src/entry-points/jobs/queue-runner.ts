// Consumes every job queue with bee-queue: the per-job timeout that aborts the work (retries and exponential
// backoff come with the job, set by its producer from @mutiroes/contracts), request-id context, stall counting with dead-lettering, bounded finished-job storage, metrics.
import BeeQueue from 'bee-queue';
import type { RedisClient as Redis } from '@mutiroes/registry';
import { runWithRequestId, type Logger } from '@mutiroes/platform';
import { AppError } from '@mutiroes/platform';
import { jobPolicies, jobSchemas, type JobName } from '@mutiroes/contracts';
import type { JobDeps } from '../../domain/job-context.js';
import { DeadLetteredError, JobTimeoutError, PermanentJobError } from '../../domain/job-errors.js';
import type { DeadLetterRepository } from '../../data-access/dead-letter.repository.js';
import type {
  AttemptRecord,
  QueueTelemetryRepository,
  WorkerHeartbeat,
} from '../../data-access/queue-telemetry.repository.js';
import type { Handler } from './job-handlers.js';
import type { WorkerMetrics } from '../http/worker-metrics.js';

export const QUEUE_PREFIX = 'bq';

export interface QueueRunnerOptions {
  redis: Redis;
  instanceId: string;
  queues: JobName[];
  handlers: Record<JobName, Handler>;
  deps: JobDeps;
  telemetry: QueueTelemetryRepository;
  deadLetters: DeadLetterRepository;
  metrics?: WorkerMetrics;
  log: Logger;
  concurrency: number;
  stallIntervalMs: number;
  maxStalls: number;
  failedKeep: number;
  succeededKeep: number;
  /** bee-queue key prefix (tests isolate themselves with their own). */
  prefix?: string;
  /** How often failed jobs beyond `failedKeep` are removed (ms). */
  trimIntervalMs?: number;
  /** Per-job attempt timeout overrides (tests shorten them); retries and backoff travel with the job. */
  timeoutsMs?: Partial<Record<JobName, number>>;
}

interface ActiveJob {
  queue: string;
  job_id: string;
  started_at: string;
  request_id?: string | undefined;
  attempt: number;
  controller: AbortController;
}

export class QueueRunner {
  readonly queues = new Map<JobName, BeeQueue>();
  private readonly active = new Map<string, ActiveJob>();
  private stallTimer: NodeJS.Timeout | undefined;
  private trimTimer: NodeJS.Timeout | undefined;
  private closing = false;
  processed = 0;
  failed = 0;

  constructor(private readonly o: QueueRunnerOptions) {}

  async start(): Promise<void> {
    for (const name of this.o.queues) {
      const queue = new BeeQueue(name, {
        prefix: this.o.prefix ?? QUEUE_PREFIX,
        redis: this.o.redis as never,
        isWorker: true,
        getEvents: false,
        sendEvents: false,
        activateDelayedJobs: true,
        removeOnSuccess: true,
        removeOnFailure: false,
        stallInterval: this.o.stallIntervalMs,
      });
      queue.on('error', (e: Error) => this.o.log.warn('queue error', { queue: name, error: e.message }));
      queue.on('stalled', (jobId: string) => void this.onStalled(name, jobId));
      queue.on(
        'succeeded',
        (job: BeeQueue.Job<unknown>, result: unknown) => void this.onSucceeded(name, job, result),
      );
      queue.on('retrying', (job: BeeQueue.Job<unknown>, err: Error) => void this.onRetrying(name, job, err));
      queue.on(
        'failed:fatal' as 'failed',
        (job: BeeQueue.Job<unknown>, err: Error) => void this.onFailed(name, job, err),
      );
      this.queues.set(name, queue);
    }
    if (this.closing) return;
    await Promise.all([...this.queues.values()].map((q) => q.ready()));
    if (this.closing) return;
    // Recover jobs a dead worker left in `active` before taking new ones (bee-queue does this in process()).
    for (const [name, queue] of this.queues) {
      queue.process(this.o.concurrency, (job: BeeQueue.Job<Record<string, unknown>>) => this.run(name, job));
    }
    // Stall checks scheduled here, with their rejection handled: bee-queue's own checkStalledJobs(interval)
    // leaves it unhandled, which kills Node during a Redis failover.
    const every = Math.max(250, Math.floor(this.o.stallIntervalMs / 2));
    this.stallTimer = setInterval(() => void this.checkStalled(), every);
    this.stallTimer.unref();
    this.trimTimer = setInterval(() => void this.trimFailed(), this.o.trimIntervalMs ?? 60_000);
    this.trimTimer.unref();
  }

  activeJobs(): WorkerHeartbeat['active_jobs'] {
    return [...this.active.values()].map(({ controller: _c, ...a }) => a);
  }

  private async checkStalled(): Promise<void> {
    for (const [name, queue] of this.queues) {
      if (this.closing) return;
      try {
        await queue.checkStalledJobs();
      } catch (e) {
        if (!this.closing)
          this.o.log.warn('stall check failed', { queue: name, error: (e as Error).message });
      }
    }
  }

  private async trimFailed(): Promise<void> {
    for (const [name, queue] of this.queues) {
      if (this.closing) return;
      try {
        const old = await this.o.telemetry.failedOverflow(name, this.o.failedKeep);
        for (const id of old) await queue.removeJob(id);
        await this.o.telemetry.forgetFailed(name, old);
      } catch (e) {
        if (!this.closing)
          this.o.log.warn('failed-list trim failed', { queue: name, error: (e as Error).message });
      }
    }
  }

  private async onStalled(name: string, jobId: string): Promise<void> {
    try {
      const n = await this.o.telemetry.incrementStalls(name, jobId);
      this.o.metrics?.stalled.inc({ queue: name });
      this.o.log.warn('job stalled and was re-queued', { queue: name, job_id: jobId, stalls: n });
    } catch (e) {
      this.o.log.warn('could not count a stall', { queue: name, job_id: jobId, error: (e as Error).message });
    }
  }

  private async onSucceeded(name: string, job: BeeQueue.Job<unknown>, result: unknown): Promise<void> {
    const meta = (job as unknown as { _mutiroes?: { started: number; attempt: number } })._mutiroes;
    this.processed++;
    try {
      await this.o.telemetry.recordSucceeded(
        {
          id: job.id,
          queue: name,
          data: job.data,
          result: result ?? null,
          finished_at: new Date().toISOString(),
          created_at: job.options.timestamp ? new Date(job.options.timestamp as number).toISOString() : null,
          attempts: meta?.attempt ?? 1,
          worker: this.o.instanceId,
          duration_ms: meta ? Date.now() - meta.started : 0,
        },
        this.o.succeededKeep,
      );
    } catch (e) {
      this.o.log.warn('could not record a success', {
        queue: name,
        job_id: job.id,
        error: (e as Error).message,
      });
    }
  }

  private async onRetrying(name: string, job: BeeQueue.Job<unknown>, err: Error): Promise<void> {
    this.o.log.warn('job failed, will retry', {
      queue: name,
      job_id: job.id,
      error: err.message,
      retries_left: job.options.retries,
    });
    await this.o.telemetry.recordRetrying(name).catch(() => undefined);
  }

  private async onFailed(name: string, job: BeeQueue.Job<unknown>, err: Error): Promise<void> {
    this.failed++;
    this.o.log.error('job failed for good', {
      queue: name,
      job_id: job.id,
      error: err.message,
      code: (err as AppError).code,
    });
    await this.o.telemetry.recordFailed(name, job.id).catch(() => undefined);
  }

  private async run(name: JobName, job: BeeQueue.Job<Record<string, unknown>>): Promise<unknown> {
    const timeoutMs = this.o.timeoutsMs?.[name] ?? jobPolicies[name].timeoutMs;
    // Retries and backoff were set by the producer from the contract (withJobPolicy); only cut short here.
    const opts = job.options as Record<string, unknown> & { retries?: number };
    const requestId =
      typeof job.data?.['request_id'] === 'string'
        ? (job.data['request_id'] as string)
        : `job:${name}:${job.id}`;
    return runWithRequestId(requestId, async () => {
      const log = this.o.log.child({ queue: name, job_id: job.id });
      const started = Date.now();
      const record: AttemptRecord = {
        worker: this.o.instanceId,
        attempt: 0,
        started_at: new Date(started).toISOString(),
        outcome: 'running',
      };
      let index = -1;
      try {
        index = (await this.o.telemetry.attemptStarted(name, job.id, record)) - 1;
      } catch {
        /* telemetry is best effort */
      }
      record.attempt = index + 1;
      (job as unknown as { _mutiroes: unknown })._mutiroes = { started, attempt: record.attempt };
      const finish = async (outcome: AttemptRecord['outcome'], error?: string) => {
        if (index < 0) return;
        const fin: AttemptRecord = {
          ...record,
          outcome,
          finished_at: new Date().toISOString(),
          duration_ms: Date.now() - started,
          ...(error ? { error } : {}),
        };
        await this.o.telemetry.attemptFinished(name, job.id, index, fin).catch(() => undefined);
      };

      const stalls = await this.o.telemetry.stalls(name, job.id).catch(() => 0);
      if (stalls > this.o.maxStalls) {
        opts.retries = 0;
        const err = new DeadLetteredError(name, job.id, stalls);
        await this.o.telemetry.deadLetter(name, job.id).catch(() => undefined);
        await this.o.deadLetters
          .record(name, job.id, job.data, err.message, stalls)
          .catch((e) => log.error('dead-letter row not written', { error: (e as Error).message }));
        this.o.metrics?.deadLettered.inc({ queue: name });
        await finish('dead_lettered', err.message);
        log.error('job dead-lettered after repeated stalls', { stalls });
        throw err;
      }

      const parsed = jobSchemas[name].safeParse(job.data);
      if (!parsed.success) {
        opts.retries = 0;
        const err = new PermanentJobError(
          `invalid ${name} payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
        await finish('failed', err.message);
        throw err;
      }

      const controller = new AbortController();
      const key = `${name}#${job.id}`;
      this.active.set(key, {
        queue: name,
        job_id: job.id,
        started_at: record.started_at,
        request_id: requestId,
        attempt: record.attempt,
        controller,
      });
      const timeoutErr = new JobTimeoutError(name, job.id, timeoutMs);
      const deadline = started + timeoutMs;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort(timeoutErr);
          reject(timeoutErr);
        }, timeoutMs);
      });
      const end = this.o.metrics?.duration.startTimer({ queue: name });
      try {
        const work = this.o.handlers[name](this.o.deps, {
          data: parsed.data,
          queue: name,
          jobId: job.id,
          attempt: record.attempt,
          signal: controller.signal,
          deadline,
          requestId,
          log,
        });
        // The handler sees the abort and stops; the race makes sure the attempt ends at the deadline regardless.
        const result = await Promise.race([work, timedOut]);
        await finish('succeeded');
        this.o.metrics?.jobs.inc({ queue: name, status: 'succeeded' });
        log.info('job succeeded', { duration_ms: Date.now() - started, attempt: record.attempt });
        return result;
      } catch (e) {
        // Two mechanisms enforce the same limit: our timer and the server's statement_timeout (set to the attempt's
        // remaining time). Whichever fires first, the attempt failed on its timeout: report JOB_TIMEOUT either way.
        if (!controller.signal.aborted && isStatementTimeout(e)) controller.abort(timeoutErr);
        const err = controller.signal.aborted && controller.signal.reason === timeoutErr ? timeoutErr : e;
        if (err instanceof PermanentJobError) opts.retries = 0;
        const willRetry = (opts.retries ?? 0) > 0;
        this.o.metrics?.jobs.inc({ queue: name, status: willRetry ? 'retrying' : 'failed' });
        await finish(willRetry ? 'retrying' : 'failed', (err as Error).message);
        throw err;
      } finally {
        clearTimeout(timer);
        end?.();
        this.active.delete(key);
      }
    });
  }

  /** Stops taking jobs and waits up to `timeoutMs` for the ones in flight; the rest are aborted and re-run elsewhere. */
  async close(timeoutMs: number): Promise<void> {
    // Timers first, whatever happens next: a closed runner never touches Redis again.
    this.closing = true;
    clearInterval(this.stallTimer);
    clearInterval(this.trimTimer);
    this.stallTimer = this.trimTimer = undefined;
    const results = await Promise.allSettled([...this.queues.values()].map((q) => q.close(timeoutMs)));
    for (const a of this.active.values())
      a.controller.abort(new AppError('WORKER_SHUTDOWN', 'worker shutting down'));
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length)
      this.o.log.warn(
        'some jobs did not finish before the drain timeout; they will be re-run after a stall check',
        { queues: failed.length },
      );
  }
}

/** The server cancelled the statement on statement_timeout (SQLSTATE 57014 with that reason). */
function isStatementTimeout(e: unknown): boolean {
  const x = e as {
    original?: { code?: string; message?: string };
    parent?: { code?: string; message?: string };
    message?: string;
  } | null;
  const pg = x?.original ?? x?.parent;
  return pg?.code === '57014' && /statement timeout/.test(pg.message ?? x?.message ?? '');
}

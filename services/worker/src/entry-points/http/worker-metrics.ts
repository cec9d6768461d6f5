// Prometheus metrics of a worker (prom-client): job outcomes and durations, stalls, queue depths at scrape time.
import client from 'prom-client';
import type { QueueCounts } from '../../data-access/queue-telemetry.repository.js';

export class WorkerMetrics {
  readonly registry = new client.Registry();
  readonly jobs: client.Counter<'queue' | 'status'>;
  readonly duration: client.Histogram<'queue'>;
  readonly stalled: client.Counter<'queue'>;
  readonly deadLettered: client.Counter<'queue'>;

  constructor(
    labels: Record<string, string>,
    countsAtScrape: () => Promise<Record<string, QueueCounts>>,
    activeJobs: () => number,
  ) {
    this.registry.setDefaultLabels(labels);
    client.collectDefaultMetrics({ register: this.registry, prefix: 'mutiroes_worker_' });
    this.jobs = new client.Counter({
      name: 'mutiroes_jobs_total',
      help: 'Job attempts by outcome',
      labelNames: ['queue', 'status'],
      registers: [this.registry],
    });
    this.duration = new client.Histogram({
      name: 'mutiroes_job_duration_seconds',
      help: 'Duration of job attempts',
      labelNames: ['queue'],
      buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [this.registry],
    });
    this.stalled = new client.Counter({
      name: 'mutiroes_jobs_stalled_total',
      help: 'Jobs re-queued after their worker stopped renewing them',
      labelNames: ['queue'],
      registers: [this.registry],
    });
    this.deadLettered = new client.Counter({
      name: 'mutiroes_jobs_dead_lettered_total',
      help: 'Jobs moved to the dead-letter list',
      labelNames: ['queue'],
      registers: [this.registry],
    });
    new client.Gauge({
      name: 'mutiroes_worker_active_jobs',
      help: 'Jobs running in this worker now',
      registers: [this.registry],
      collect() {
        this.set(activeJobs());
      },
    });
    new client.Gauge({
      name: 'mutiroes_queue_jobs',
      help: 'Jobs per queue and state (from Redis, at scrape time)',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        try {
          const counts = await countsAtScrape();
          for (const [queue, c] of Object.entries(counts)) {
            for (const state of ['waiting', 'active', 'delayed', 'failed', 'succeeded', 'dead'] as const)
              this.set({ queue, state }, c[state]);
          }
        } catch {
          /* Redis unavailable: keep the last values */
        }
      },
    });
  }
}

// Enqueues jobs on the workers' bee-queue queues; the job id is the tick key, so a repeated enqueue of the
// same tick while its job exists is a no-op in Redis too.
import BeeQueue from 'bee-queue';
import type { RedisClient } from '@mutiroes/registry';
import { isJobName, withJobPolicy } from '@mutiroes/contracts';

export const QUEUE_PREFIX = 'bq';

export class JobProducer {
  private readonly queues = new Map<string, BeeQueue>();

  constructor(
    private readonly redis: RedisClient,
    private readonly onError: (queue: string, e: Error) => void,
  ) {}

  private queue(name: string): BeeQueue {
    let q = this.queues.get(name);
    if (!q) {
      q = new BeeQueue(name, {
        prefix: QUEUE_PREFIX,
        redis: this.redis as never,
        isWorker: false,
        getEvents: false,
        sendEvents: false,
        storeJobs: false,
        activateDelayedJobs: false,
      });
      q.on('error', (e: Error) => this.onError(name, e));
      this.queues.set(name, q);
    }
    return q;
  }

  /** `queue` is the job name a tick row recorded; the retry policy is the contract's for that job. */
  async enqueue(
    queue: string,
    jobId: string,
    data: Record<string, unknown>,
    timeoutMs = 3000,
  ): Promise<void> {
    if (!isJobName(queue)) throw new Error(`unknown job ${queue}`);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        withJobPolicy(this.queue(queue).createJob(data), queue).setId(jobId).save(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`enqueue ${queue}/${jobId} timed out after ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close(1000)));
    this.queues.clear();
  }
}

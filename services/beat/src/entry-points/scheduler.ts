// The beat's loop: every instance competes for the Consul leader lock; only the leader plans and fires ticks.
// It wakes at the next due tick (at most BEAT_MAX_SLEEP_MS later) and right after gaining leadership.
import type { Logger } from '@mutiroes/platform';
import type { LeaderLock, RedisClient } from '@mutiroes/registry';
import { fireDueTicks, type FireDeps } from '../domain/fire-due-ticks.use-case.js';
import type { BeatSchedule } from '../domain/schedule-catalog.js';
import { cronFor } from '../domain/tick-planner.js';

export const BEAT_STATE_KEY = 'mutiroes:beat:state';
export const beatInstanceKey = (id: string) => `mutiroes:beat:instances:${id}`;

export interface SchedulerOptions {
  lock: LeaderLock;
  redis: RedisClient;
  deps: Omit<FireDeps, 'isLeader'>;
  schedules: BeatSchedule[];
  timezone: string;
  maxSleepMs: number;
  heartbeatMs: number;
  log: Logger;
}

export class Scheduler {
  private readonly crons;
  private running = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private leaderSince: Date | null = null;
  private hbTimer: NodeJS.Timeout | undefined;
  /** Ticks this instance fired (tests and logs). */
  firedCount = 0;

  constructor(private readonly o: SchedulerOptions) {
    this.crons = o.schedules.map((spec) => ({ spec, cron: cronFor(spec.pattern, o.timezone) }));
  }

  get isLeader(): boolean {
    return this.o.lock.isLeader;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.o.lock.on('gained', () => {
      this.leaderSince = new Date();
      this.o.log.info('beat leadership gained', { key: this.o.lock.key });
      this.wake?.();
    });
    this.o.lock.on('lost', (reason: string) => {
      this.leaderSince = null;
      this.o.log.warn('beat leadership lost', { reason });
    });
    this.o.lock.start();
    this.hbTimer = setInterval(() => void this.heartbeat(), this.o.heartbeatMs);
    this.hbTimer.unref();
    void this.heartbeat();
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (this.o.lock.isLeader && this.leaderSince) {
        try {
          const r = await fireDueTicks(
            { ...this.o.deps, isLeader: () => this.o.lock.isLeader },
            this.crons,
            new Date(),
            this.leaderSince,
          );
          this.firedCount += r.fired.length;
          await this.publishState();
        } catch (e) {
          this.o.log.warn('scheduling pass failed; will retry', { error: (e as Error).message });
        }
      }
      await this.sleep(this.msToNextTick());
    }
  }

  private msToNextTick(): number {
    const now = Date.now();
    let best = this.o.maxSleepMs;
    for (const { cron } of this.crons) {
      const next = cron.nextRun(new Date(now));
      if (next) best = Math.min(best, Math.max(5, next.getTime() - now + 5));
    }
    return best;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  private async heartbeat(): Promise<void> {
    const id = this.o.deps.instanceId;
    const body = JSON.stringify({
      instance: id,
      is_leader: this.o.lock.isLeader,
      pid: process.pid,
      beat_at: new Date().toISOString(),
      fired: this.firedCount,
    });
    await this.o.redis.set(beatInstanceKey(id), body, 'PX', this.o.heartbeatMs * 3).catch(() => undefined);
    if (this.o.lock.isLeader) await this.publishState();
  }

  private async publishState(): Promise<void> {
    const now = new Date();
    const state = {
      leader: this.o.deps.instanceId,
      leader_since: this.leaderSince?.toISOString() ?? null,
      updated_at: now.toISOString(),
      schedules: this.crons.map(({ spec, cron }) => ({
        name: spec.name,
        pattern: spec.pattern,
        timezone: this.o.timezone,
        queue: spec.queue,
        catch_up: spec.catchUp,
        last_run: null,
        next_run: cron.nextRun(now)?.toISOString() ?? null,
      })),
    };
    await this.o.redis.set(BEAT_STATE_KEY, JSON.stringify(state), 'PX', 30_000).catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.hbTimer);
    this.wake?.();
    await this.loop;
    await this.o.lock.stop();
    await this.o.redis.del(beatInstanceKey(this.o.deps.instanceId)).catch(() => undefined);
  }
}

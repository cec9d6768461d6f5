// One scheduling pass of the leader: record every due tick (unique key → fired once across all beats) with
// the jobs it implies in one transaction, then enqueue the pending rows.
import type { Logger } from '@mutiroes/platform';
import type { Cron } from 'croner';
import type { JobProducer } from '../data-access/job-producer.js';
import type { TickRepository } from '../data-access/tick.repository.js';
import { REMINDER_WINDOW_HOURS, type BeatSchedule } from './schedule-catalog.js';
import { dueTicks, tickKey } from './tick-planner.js';

/** Key of the row recording when a schedule was first planned (not a tick). */
export const sinceKey = (schedule: string) => `${schedule}#since`;

export interface FireDeps {
  ticks: TickRepository;
  producer: JobProducer;
  log: Logger;
  instanceId: string;
  /** True only while this beat holds the leader lock (checked before each write). */
  isLeader: () => boolean;
}

export interface PassResult {
  fired: Array<{ schedule: string; key: string }>;
  skipped: number;
  enqueued: number;
}

export async function fireDueTicks(
  d: FireDeps,
  schedules: Array<{ spec: BeatSchedule; cron: Cron }>,
  now: Date,
  firstSeen: Date,
): Promise<PassResult> {
  const result: PassResult = { fired: [], skipped: 0, enqueued: 0 };
  const last = await d.ticks.lastFired(schedules.map((s) => s.spec.name));
  for (const { spec } of schedules) {
    if (last.has(spec.name) || !d.isLeader()) continue;
    // A schedule with no history starts when the first leader saw it; recording that start means a leader
    // change before its first tick still fires that tick instead of starting over.
    await d.ticks.transaction((t) =>
      d.ticks.insertTick(t, {
        key: sinceKey(spec.name),
        schedule: spec.name,
        scheduledAt: firstSeen,
        queue: null,
        payload: {},
        firedBy: d.instanceId,
      }),
    );
    last.set(spec.name, (await d.ticks.lastFired([spec.name])).get(spec.name) ?? firstSeen);
  }
  for (const { spec, cron } of schedules) {
    for (const at of dueTicks(spec, cron, last.get(spec.name) ?? null, now, firstSeen)) {
      if (!d.isLeader()) return result;
      const key = tickKey(spec.name, at);
      const inserted = await d.ticks.transaction(async (t) => {
        if (spec.kind === 'event_reminders') {
          if (
            !(await d.ticks.insertTick(t, {
              key,
              schedule: spec.name,
              scheduledAt: at,
              queue: null,
              payload: {},
              firedBy: d.instanceId,
            }))
          )
            return false;
          const events = await d.ticks.upcomingEvents(t, {
            from: now,
            to: new Date(now.getTime() + REMINDER_WINDOW_HOURS * 3_600_000),
          });
          for (const e of events) {
            // Keyed by event and its start date: an event is reminded once, again only if rescheduled.
            await d.ticks.insertTick(t, {
              key: `reminder:${e.id}:${e.start_date.toISOString()}`,
              schedule: spec.name,
              scheduledAt: at,
              queue: spec.queue,
              payload: { event_id: e.id, request_id: `beat:${key}` },
              firedBy: d.instanceId,
            });
          }
          return true;
        }
        return d.ticks.insertTick(t, {
          key,
          schedule: spec.name,
          scheduledAt: at,
          queue: spec.queue,
          payload: { scheduled_at: at.toISOString(), tick_key: key, request_id: `beat:${key}` },
          firedBy: d.instanceId,
        });
      });
      if (inserted) {
        result.fired.push({ schedule: spec.name, key });
        d.log.info('tick fired', { schedule: spec.name, key, lag_ms: now.getTime() - at.getTime() });
      } else {
        result.skipped++;
      }
    }
  }
  result.enqueued = await enqueuePending(d);
  return result;
}

/** Enqueues pending rows (bee-queue job id `beat:<key>`); rows stay pending while Redis is unreachable. */
export async function enqueuePending(
  d: Pick<FireDeps, 'ticks' | 'producer' | 'log'>,
  batch = 200,
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await d.ticks.transaction(async (t) => {
      const rows = await d.ticks.lockPending(t, batch);
      const done: string[] = [];
      for (const r of rows) {
        try {
          await d.producer.enqueue(r.queue, `beat:${r.key}`, r.payload);
          done.push(r.id);
        } catch (e) {
          d.log.warn('cannot enqueue tick job; it stays pending', {
            key: r.key,
            error: (e as Error).message,
          });
          break;
        }
      }
      await d.ticks.markEnqueued(t, done);
      return { n: done.length, complete: done.length === rows.length, more: rows.length === batch };
    });
    total += n.n;
    if (!n.complete || !n.more) break;
  }
  return total;
}

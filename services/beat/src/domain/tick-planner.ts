// Which ticks of a schedule are due (pure): from the last fired tick (or now) up to now, bounded, either each
// one (monthly reports, test probe) or only the latest (daily/hourly jobs coalesce after downtime).
import { Cron } from 'croner';

export type CatchUp = 'each' | 'coalesce';

export interface ScheduleSpec {
  name: string;
  /** croner pattern (5 or 6 fields). */
  pattern: string;
  catchUp: CatchUp;
  /** Ticks older than now − maxCatchUpMs are never fired. */
  maxCatchUpMs: number;
}

/** At most this many ticks are returned per call (a long-missed per-second schedule catches up in steps). */
export const MAX_TICKS_PER_PASS = 500;

export function cronFor(pattern: string, timezone: string): Cron {
  return new Cron(pattern, { timezone, paused: true });
}

/**
 * Due ticks in (lastFired, now]. With no history the schedule starts at `firstSeen` (the time this schedule
 * was first planned by any beat), so a fresh install does not backfill.
 */
export function dueTicks(
  spec: ScheduleSpec,
  cron: Cron,
  lastFired: Date | null,
  now: Date,
  firstSeen: Date = now,
): Date[] {
  const floor = new Date(now.getTime() - spec.maxCatchUpMs);
  let from = lastFired ?? firstSeen;
  if (from < floor) from = new Date(floor.getTime() - 1);
  const out: Date[] = [];
  let next = cron.nextRun(from);
  while (next && next <= now) {
    out.push(next);
    if (spec.catchUp === 'each' && out.length >= MAX_TICKS_PER_PASS) break;
    next = cron.nextRun(next);
  }
  if (spec.catchUp === 'coalesce' && out.length > 1) return [out[out.length - 1]!];
  return out;
}

export function tickKey(schedule: string, at: Date): string {
  return `${schedule}@${at.toISOString()}`;
}

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchedules } from './schedule-catalog.js';
import { cronFor } from './tick-planner.js';

const base = { domainSchedules: true, catchUpDays: 35, testName: 'probe', testCatchUpS: 300 };

describe('schedule catalogue', () => {
  test('when the product schedules are built then cleanup is daily 02:00, the report monthly on the 1st 03:00 and reminders hourly, in São Paulo time', () => {
    const s = buildSchedules(base);
    const byName = Object.fromEntries(s.map((x) => [x.name, x]));
    const after = new Date('2026-11-25T12:00:00Z');
    assert.equal(
      cronFor(byName['cleanup_expired_events']!.pattern, 'America/Sao_Paulo').nextRun(after)!.toISOString(),
      '2026-11-26T05:00:00.000Z',
    );
    assert.equal(
      cronFor(byName['generate_monthly_impact_report']!.pattern, 'America/Sao_Paulo')
        .nextRun(after)!
        .toISOString(),
      '2026-12-01T06:00:00.000Z',
    );
    assert.equal(
      cronFor(byName['event_reminders']!.pattern, 'America/Sao_Paulo').nextRun(after)!.toISOString(),
      '2026-11-25T13:00:00.000Z',
    );
    assert.equal(byName['cleanup_expired_events']!.catchUp, 'coalesce');
    assert.equal(byName['generate_monthly_impact_report']!.catchUp, 'each');
    assert.ok(s.every((x) => x.maxCatchUpMs === 35 * 86_400_000));
  });

  test('when a test schedule is configured then it enqueues beat_probe, catches up each tick, bounded in seconds', () => {
    const s = buildSchedules({ ...base, domainSchedules: false, testPattern: '* * * * * *' });
    assert.deepEqual(
      s.map((x) => [x.name, x.queue, x.catchUp, x.maxCatchUpMs]),
      [['probe', 'beat_probe', 'each', 300_000]],
    );
  });

  test('when the reminder pattern is overridden then the sweep uses it', () => {
    const s = buildSchedules({ ...base, reminderPattern: '*/10 * * * * *' });
    assert.equal(s.find((x) => x.name === 'event_reminders')!.pattern, '*/10 * * * * *');
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cronFor, dueTicks, tickKey, MAX_TICKS_PER_PASS } from './tick-planner.js';

const TZ = 'America/Sao_Paulo';
const DAY = 86_400_000;

describe('tick planner', () => {
  test('when the daily 02:00 schedule was missed for 3 days then one coalesced tick at the latest 02:00 is due', () => {
    const spec = {
      name: 'cleanup',
      pattern: '0 2 * * *',
      catchUp: 'coalesce' as const,
      maxCatchUpMs: 35 * DAY,
    };
    const last = new Date('2026-11-20T05:00:00Z'); // 02:00 São Paulo
    const now = new Date('2026-11-23T12:00:00Z');
    assert.deepEqual(
      dueTicks(spec, cronFor(spec.pattern, TZ), last, now).map((d) => d.toISOString()),
      ['2026-11-23T05:00:00.000Z'],
    );
  });

  test('when two monthly ticks were missed then each month fires, at 03:00 local on the 1st', () => {
    const spec = { name: 'monthly', pattern: '0 3 1 * *', catchUp: 'each' as const, maxCatchUpMs: 70 * DAY };
    const last = new Date('2026-09-01T06:00:00Z');
    const now = new Date('2026-11-02T00:00:00Z');
    assert.deepEqual(
      dueTicks(spec, cronFor(spec.pattern, TZ), last, now).map((d) => d.toISOString()),
      ['2026-10-01T06:00:00.000Z', '2026-11-01T06:00:00.000Z'],
    );
  });

  test('when the downtime exceeds the catch-up bound then older ticks are dropped', () => {
    const spec = { name: 'monthly', pattern: '0 3 1 * *', catchUp: 'each' as const, maxCatchUpMs: 35 * DAY };
    const last = new Date('2026-01-01T06:00:00Z');
    const now = new Date('2026-11-20T00:00:00Z');
    assert.deepEqual(
      dueTicks(spec, cronFor(spec.pattern, TZ), last, now).map((d) => d.toISOString()),
      ['2026-11-01T06:00:00.000Z'],
    );
  });

  test('when nothing was ever fired then no tick is backfilled', () => {
    const spec = { name: 'x', pattern: '* * * * * *', catchUp: 'each' as const, maxCatchUpMs: 300_000 };
    const now = new Date('2026-11-20T00:00:00.500Z');
    assert.deepEqual(dueTicks(spec, cronFor(spec.pattern, TZ), null, now), []);
  });

  test('when a per-second schedule missed 3 s during a handover then each of the 3 seconds is due', () => {
    const spec = { name: 'probe', pattern: '* * * * * *', catchUp: 'each' as const, maxCatchUpMs: 300_000 };
    const last = new Date('2026-11-20T00:00:10Z');
    const now = new Date('2026-11-20T00:00:13.200Z');
    assert.deepEqual(
      dueTicks(spec, cronFor(spec.pattern, TZ), last, now).map((d) => d.toISOString().slice(17)),
      ['11.000Z', '12.000Z', '13.000Z'],
    );
  });

  test('when a huge backlog is due then one pass returns a bounded batch', () => {
    const spec = { name: 'probe', pattern: '* * * * * *', catchUp: 'each' as const, maxCatchUpMs: 3_600_000 };
    const now = new Date('2026-11-20T01:00:00Z');
    assert.equal(
      dueTicks(spec, cronFor(spec.pattern, TZ), new Date('2026-11-20T00:00:00Z'), now).length,
      MAX_TICKS_PER_PASS,
    );
  });

  test('when a tick key is made then it is the schedule name and the scheduled instant', () => {
    assert.equal(
      tickKey('cleanup_expired_events', new Date('2026-11-23T05:00:00Z')),
      'cleanup_expired_events@2026-11-23T05:00:00.000Z',
    );
  });
});

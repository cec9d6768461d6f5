import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, RateLimiter, jitter, parseDuration } from './backoff.js';

describe('Backoff', () => {
  test('when errors repeat then the delay doubles up to the cap, with jitter between half and all', () => {
    const lo = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0 });
    const hi = new Backoff({ baseMs: 100, maxMs: 1000, random: () => 0.999999 });
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map(() => lo.next()),
      [50, 100, 200, 400, 500, 500],
    );
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map(() => hi.next()),
      [100, 200, 400, 800, 1000, 1000],
    );
  });
  test('when reset after a success then the next delay starts from the base again', () => {
    const b = new Backoff({ baseMs: 100, maxMs: 10_000, random: () => 0 });
    b.next();
    b.next();
    b.next();
    b.reset();
    assert.equal(b.next(), 50);
    assert.equal(b.attempts, 1);
  });
  test('when random is real then delays stay within bounds and differ between clients', () => {
    const delays = Array.from({ length: 50 }, () => new Backoff({ baseMs: 1000, maxMs: 5000 }).next());
    assert.ok(delays.every((d) => d >= 500 && d <= 1000));
    assert.ok(new Set(delays).size > 10, 'jitter spreads retries');
  });
});

describe('jitter', () => {
  test('when jittering a period by 10% then the result stays within ±10%', () => {
    assert.equal(
      jitter(1000, 0.1, () => 0),
      900,
    );
    assert.equal(
      jitter(1000, 0.1, () => 1),
      1100,
    );
    assert.equal(
      jitter(1000, 0.1, () => 0.5),
      1000,
    );
  });
});

describe('RateLimiter', () => {
  test('when the burst is used up then further iterations wait for the sustained rate', () => {
    let now = 0;
    const rl = new RateLimiter(10, 3, () => now);
    assert.deepEqual([rl.delay(), rl.delay(), rl.delay()], [0, 0, 0]);
    assert.equal(rl.delay(), 100);
    now += 1000; // refills up to the burst
    assert.equal(rl.delay(), 0);
  });
});

describe('parseDuration', () => {
  test('when given Go durations then it returns milliseconds', () => {
    assert.equal(parseDuration('3s'), 3000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1m30s'), 90_000);
  });
  test('when given garbage then it throws naming the value', () => {
    assert.throws(() => parseDuration('3 seconds'), /3 seconds/);
    assert.throws(() => parseDuration(''), /invalid duration/);
  });
});

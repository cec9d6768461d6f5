import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Upstream } from './upstream.js';
import { pickUpstream } from './balancer.js';
import { EjectionPolicy } from './ejection-policy.js';
import {
  shouldRetry,
  tryHeadersTimeoutMs,
  classifyError,
  hasIdempotencyKey,
  inProgressWaitMs,
  type RetryOptions,
} from './retry-policy.js';
import { LocalBuckets, bucketSpec, retryAfterSeconds, takeToken } from './token-bucket.js';

const mk = (id: string, outstanding = 0): Upstream => {
  const u = new Upstream(`api/${id}`, {
    id,
    service: 'api',
    address: '127.0.0.1',
    port: 1000,
    tags: [],
    meta: {},
  });
  u.outstanding = outstanding;
  return u;
};
/** A random source that replays a sequence. */
const seq = (...xs: number[]) => {
  let i = 0;
  return (n: number) => xs[i++ % xs.length]! % n;
};

describe('balancer (p2c least outstanding)', () => {
  test('when two candidates are drawn then the one with fewer requests in flight is chosen', () => {
    const l = [mk('a', 5), mk('b', 1), mk('c', 9)];
    assert.equal(pickUpstream(l, null, seq(0, 0))?.id, 'b'); // draws a (0) and b (0 → 1)
    assert.equal(pickUpstream(l, null, seq(2, 0))?.id, 'a'); // draws c and a
  });

  test('when over many picks then the busiest instance is never chosen', () => {
    const l = [mk('a', 1), mk('b', 2), mk('c', 50)];
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const u = pickUpstream(l)!;
      counts.set(u.id, (counts.get(u.id) ?? 0) + 1);
    }
    assert.equal(counts.get('c') ?? 0, 0);
    assert.ok((counts.get('a') ?? 0) > (counts.get('b') ?? 0));
  });

  test('when instances are ejected, removed, open or already tried then they are skipped', () => {
    const [a, b, c] = [mk('a'), mk('b'), mk('c')];
    a.ejected = true;
    b.breaker = { opened: true, halfOpen: false, pendingClose: false };
    for (let i = 0; i < 50; i++) assert.equal(pickUpstream([a, b, c])?.id, 'c');
    assert.equal(
      pickUpstream([a, b, c], [c]),
      undefined,
      'ejected ones are not tried while another instance is usable',
    );
    c.ejected = true;
    assert.ok(
      ['a', 'c'].includes(pickUpstream([a, b, c])!.id),
      'all ejected: ejected ones are the last resort',
    );
    assert.equal(pickUpstream([a, b, c], [a])?.id, 'c');
    c.ejected = false;
    c.removed = true;
    assert.equal(pickUpstream([b, c]), undefined);
    assert.equal(pickUpstream([]), undefined);
  });
});

describe('ejection policy', () => {
  const timers: (() => void)[] = [];
  const events: string[] = [];
  const policy = new EjectionPolicy(
    { afterFailures: 3, baseMs: 10_000, maxMs: 30_000, maxFraction: 0.5 },
    {
      ejected: (u, ms, r) => events.push(`out ${u.id} ${ms} ${r}`),
      readmitted: (u) => events.push(`in ${u.id}`),
    },
    (fn) => timers.push(fn),
  );

  test('when a connection is refused then the instance is ejected at once for 10 s and re-admitted by the timer', () => {
    const pool = [mk('a'), mk('b'), mk('c')];
    assert.equal(policy.recordFailure(pool[0]!, pool, 'refused', 1000, 'refused'), true);
    assert.equal(pool[0]!.ejected, true);
    assert.equal(pool[0]!.ejectedUntil, 11_000);
    timers.shift()!();
    assert.equal(pool[0]!.ejected, false);
    assert.deepEqual(events.splice(0), ['out a 10000 refused', 'in a']);
  });

  test('when other failures repeat then ejection happens at the threshold and lasts longer on repeat, up to 30 s', () => {
    const pool = [mk('a'), mk('b'), mk('c'), mk('d')];
    const a = pool[0]!;
    assert.equal(policy.recordFailure(a, pool, 'failure', 0, 'reset'), false);
    policy.recordSuccess(a);
    assert.equal(policy.recordFailure(a, pool, 'failure', 0, 'reset'), false);
    assert.equal(policy.recordFailure(a, pool, 'failure', 0, 'reset'), false);
    assert.equal(policy.recordFailure(a, pool, 'failure', 0, 'reset'), true);
    const durations = [a.ejectedUntil];
    for (const t of [20_000, 60_000, 120_000]) {
      timers.shift()!();
      policy.recordFailure(a, pool, 'refused', t, 'refused');
      durations.push(a.ejectedUntil - t);
    }
    assert.deepEqual(durations, [10_000, 20_000, 30_000, 30_000]);
    timers.shift()!();
    policy.recordFailure(a, pool, 'refused', 120_000 + 10 * 60_000, 'refused');
    assert.equal(a.ejectedUntil - (120_000 + 10 * 60_000), 10_000, 'forgotten after a long healthy period');
    timers.splice(0);
    events.splice(0);
  });

  test('when half the pool is already ejected then no further instance is ejected', () => {
    const pool = [mk('a'), mk('b'), mk('c')];
    assert.equal(policy.recordFailure(pool[0]!, pool, 'refused', 0, 'x'), true);
    assert.equal(policy.recordFailure(pool[1]!, pool, 'refused', 0, 'x'), false);
    const four = [mk('a'), mk('b'), mk('c'), mk('d')];
    assert.equal(policy.recordFailure(four[0]!, four, 'refused', 0, 'x'), true);
    assert.equal(policy.recordFailure(four[1]!, four, 'refused', 0, 'x'), true);
    assert.equal(policy.recordFailure(four[2]!, four, 'refused', 0, 'x'), false);
    assert.equal(policy.recordFailure(mk('solo'), [mk('solo')], 'refused', 0, 'x'), false);
    timers.splice(0);
  });
});

describe('retry decision', () => {
  const o: RetryOptions = { maxTries: 3, budgetMs: 10_000, retryOn5xx: true };
  const base = { method: 'GET', tries: 1, elapsedMs: 5, responseStarted: false } as const;

  test('when an idempotent request fails before any response byte then it is retried', () => {
    for (const failure of [
      'refused',
      'connect-timeout',
      'reset',
      'timeout',
      'status-502',
      'status-503',
      'status-504',
    ] as const) {
      assert.equal(shouldRetry({ ...base, failure }, o), true, failure);
    }
    assert.equal(shouldRetry({ ...base, method: 'PUT', failure: 'reset' }, o), true);
    assert.equal(shouldRetry({ ...base, failure: 'status-503' }, { ...o, retryOn5xx: false }), false);
    assert.equal(shouldRetry({ ...base, failure: 'other' }, o), false);
  });

  test('when a POST fails then it is retried only if it never reached the upstream', () => {
    assert.equal(shouldRetry({ ...base, method: 'POST', failure: 'refused' }, o), true);
    assert.equal(shouldRetry({ ...base, method: 'POST', failure: 'connect-timeout' }, o), true);
    for (const failure of ['reset', 'timeout', 'status-502', 'status-503'] as const) {
      assert.equal(shouldRetry({ ...base, method: 'POST', failure }, o), false, failure);
      assert.equal(shouldRetry({ ...base, method: 'PATCH', failure }, o), false, failure);
    }
  });

  test('when a POST or PATCH carries an Idempotency-Key then it is retried like an idempotent method', () => {
    for (const method of ['POST', 'PATCH']) {
      for (const failure of ['reset', 'timeout', 'status-502'] as const) {
        assert.equal(
          shouldRetry({ ...base, method, idempotencyKey: true, failure }, o),
          true,
          `${method} ${failure}`,
        );
      }
      assert.equal(
        shouldRetry({ ...base, method, idempotencyKey: true, failure: 'reset', tries: 3 }, o),
        false,
        'same tries limit',
      );
      assert.equal(
        shouldRetry({ ...base, method, idempotencyKey: true, failure: 'reset', elapsedMs: 10_000 }, o),
        false,
        'same budget',
      );
      assert.equal(
        shouldRetry({ ...base, method, idempotencyKey: true, failure: 'reset', responseStarted: true }, o),
        false,
      );
    }
    assert.equal(hasIdempotencyKey('k-1'), true);
    assert.equal(hasIdempotencyKey('k'.repeat(200)), true);
    assert.equal(hasIdempotencyKey('k'.repeat(201)), false, 'over 200 chars: not a key the API accepts');
    assert.equal(hasIdempotencyKey(''), false);
    assert.equal(hasIdempotencyKey(undefined), false);
    assert.equal(hasIdempotencyKey(['a', 'b']), false);
  });

  test('when an in-progress 409 says Retry-After then the wait fits the budget or there is none', () => {
    assert.equal(inProgressWaitMs('1', 100, 10_000), 1000);
    assert.equal(inProgressWaitMs('0', 100, 10_000), 50, 'never a busy loop');
    assert.equal(inProgressWaitMs('2', 8_500, 10_000), null, 'past the budget: the 409 goes to the client');
    assert.equal(inProgressWaitMs(null, 100, 10_000), null, 'a 409 without Retry-After is a real conflict');
    assert.equal(inProgressWaitMs('soon', 100, 10_000), null);
    assert.equal(inProgressWaitMs(new Date(5_000).toUTCString(), 0, 10_000, 3_000), 2000);
  });

  test('when tries, budget are used up or the response started then there is no retry', () => {
    assert.equal(shouldRetry({ ...base, failure: 'refused', tries: 2 }, o), true);
    assert.equal(shouldRetry({ ...base, failure: 'refused', tries: 3 }, o), false);
    assert.equal(shouldRetry({ ...base, failure: 'refused', elapsedMs: 10_000 }, o), false);
    assert.equal(shouldRetry({ ...base, failure: 'refused', responseStarted: true }, o), false);
  });

  test('when errors carry transport codes then they are classified', () => {
    assert.equal(classifyError({ code: 'ECONNREFUSED' }), 'refused');
    assert.equal(classifyError({ code: 'UND_ERR_CONNECT_TIMEOUT' }), 'connect-timeout');
    assert.equal(classifyError({ code: 'UND_ERR_SOCKET' }), 'reset');
    assert.equal(classifyError({ code: 'UND_ERR_HEADERS_TIMEOUT' }), 'timeout');
    assert.equal(classifyError(new Error('x')), 'other');
  });
});

describe('token bucket (nginx limit_req nodelay semantics)', () => {
  test('when rate 100 r/s burst 50 then 51 requests pass at once and the 52nd is rejected', () => {
    const b = new LocalBuckets(bucketSpec(100, 50));
    const results = Array.from({ length: 60 }, () => b.take('ip', 1000).allowed);
    assert.equal(results.filter(Boolean).length, 51);
    assert.equal(results.indexOf(false), 51);
    // a token every 10 ms
    assert.equal(b.take('ip', 1009).allowed, false);
    assert.equal(b.take('ip', 1010).allowed, true);
    assert.equal(b.take('ip', 1010).allowed, false);
  });

  test('when a client sends steadily for one second then it gets burst + 1 + rate requests', () => {
    const b = new LocalBuckets(bucketSpec(100, 50));
    let ok = 0;
    for (let t = 0; t <= 1000; t++) for (let k = 0; k < 3; k++) if (b.take('ip', t).allowed) ok++;
    assert.equal(ok, 51 + 100);
  });

  test('when auth is 10 r/min burst 10 then 11 pass, then one per 6 s with Retry-After', () => {
    const spec = bucketSpec(10 / 60, 10);
    const s = { tokens: spec.capacity, ts: 0 };
    let ok = 0;
    let last = { allowed: true, waitMs: 0 };
    for (let i = 0; i < 15; i++) {
      last = takeToken(spec, s, 0);
      if (last.allowed) ok++;
    }
    assert.equal(ok, 11);
    assert.equal(last.waitMs, 6000);
    assert.equal(retryAfterSeconds(last.waitMs), 6);
    assert.equal(takeToken(spec, s, 5999).allowed, false);
    assert.equal(takeToken(spec, s, 6000).allowed, true);
    assert.equal(retryAfterSeconds(1), 1);
  });
});

describe('try timeout', () => {
  const o: RetryOptions = { maxTries: 3, budgetMs: 10_000, retryOn5xx: true, tryTimeoutMs: 4000 };
  const full = 30_000;

  test('when a replayable try can still be followed by another then it waits tryTimeoutMs for headers', () => {
    assert.equal(tryHeadersTimeoutMs({ method: 'GET', tries: 1, elapsedMs: 0 }, o, full), 4000);
    assert.equal(
      tryHeadersTimeoutMs({ method: 'POST', idempotencyKey: true, tries: 1, elapsedMs: 0 }, o, full),
      4000,
    );
    assert.equal(tryHeadersTimeoutMs({ method: 'DELETE', tries: 2, elapsedMs: 5000 }, o, full), 4000);
  });

  test('when a try is the last that fits, or not replayable, or the limit is off then it waits the full time', () => {
    assert.equal(tryHeadersTimeoutMs({ method: 'GET', tries: 3, elapsedMs: 0 }, o, full), full);
    assert.equal(tryHeadersTimeoutMs({ method: 'GET', tries: 2, elapsedMs: 6000 }, o, full), full);
    assert.equal(tryHeadersTimeoutMs({ method: 'POST', tries: 1, elapsedMs: 0 }, o, full), full);
    assert.equal(tryHeadersTimeoutMs({ method: 'PATCH', tries: 1, elapsedMs: 0 }, o, full), full);
    assert.equal(
      tryHeadersTimeoutMs({ method: 'GET', tries: 1, elapsedMs: 0 }, { ...o, tryTimeoutMs: 0 }, full),
      full,
    );
    assert.equal(tryHeadersTimeoutMs({ method: 'GET', tries: 1, elapsedMs: 0 }, o, 3000), 3000);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadGenerator, longestGap, type Outcome } from './load-generator.js';
import { waitFor } from '@mutiroes/platform';

describe('LoadGenerator', () => {
  test('when run at a rate then about that many requests are made and each outcome is recorded', async () => {
    let calls = 0;
    const gen = new LoadGenerator({
      ratePerSec: 200,
      maxInFlight: 10,
      operations: [
        { op: 'noop', weight: 1, run: async () => (calls++, { status: 200, ok: true, ack: calls }) },
      ],
    });
    gen.start();
    await waitFor(() => gen.elapsedMs >= 500, { timeoutMs: 2000, intervalMs: 10 });
    await gen.stop();
    assert.ok(calls >= 60 && calls <= 130, `~100 calls in 0.5 s, got ${calls}`);
    assert.equal(gen.outcomes.length, calls);
    assert.ok(gen.outcomes.every((o) => o.ok && o.ack !== undefined));
  });

  test('when an operation throws then the outcome is a failure with the message', async () => {
    const gen = new LoadGenerator({
      ratePerSec: 100,
      maxInFlight: 5,
      operations: [
        {
          op: 'boom',
          weight: 1,
          run: async () => {
            throw new Error('ECONNRESET');
          },
        },
      ],
    });
    gen.start();
    await waitFor(() => gen.outcomes.length >= 3, { timeoutMs: 2000, intervalMs: 10 });
    await gen.stop();
    assert.ok(gen.outcomes.every((o) => !o.ok && o.status === 0 && o.error === 'ECONNRESET'));
  });

  test('when successes stop for a while then longestGap measures that stretch', () => {
    const o = (at: number, ok = true): Outcome => ({ op: 'w', at, latencyMs: 1, status: ok ? 200 : 0, ok });
    const outcomes = [o(0), o(100), o(200, false), o(900), o(1000)];
    assert.equal(longestGap(outcomes, 'w', 0, 1000), 800);
    assert.equal(longestGap(outcomes, 'other', 0, 1000), 1000);
  });
});

// Jittered exponential backoff and a minimum spacing between loop iterations (rate limit under churn).

export interface BackoffOptions {
  /** First delay before jitter (ms). */
  baseMs: number;
  /** Upper bound of any delay (ms). */
  maxMs: number;
  /** Random source, injectable for tests. */
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": attempt n (0-based) waits between half and all of
 * min(max, base·2ⁿ), so clients never retry in lockstep yet never retry instantly.
 */
export class Backoff {
  private attempt = 0;
  constructor(private readonly opts: BackoffOptions) {}

  get attempts(): number {
    return this.attempt;
  }

  next(): number {
    const random = this.opts.random ?? Math.random;
    const ceiling = Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    const half = ceiling / 2;
    return Math.round(half + random() * half);
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** ±fraction jitter around a period (e.g. heartbeats): period·(1 ± fraction·u), u uniform in [-1, 1]. */
export function jitter(periodMs: number, fraction = 0.1, random: () => number = Math.random): number {
  return Math.max(1, Math.round(periodMs * (1 + fraction * (random() * 2 - 1))));
}

/**
 * Token-bucket rate limit for a loop: `delay()` tells how long to wait before the next iteration so that
 * at most `burst` iterations run back to back and the long-run rate stays ≤ `perSecond`.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;
  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; returns the ms to wait before using it (0 when one was available). */
  delay(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return Math.ceil((-this.tokens / this.perSecond) * 1000);
  }
}

/** Parses a Consul/Go duration such as `3s`, `500ms`, `1m`, `1m30s` to ms. */
export function parseDuration(d: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let matched = '';
  for (const m of d.matchAll(re)) {
    const v = Number(m[1]);
    total += m[2] === 'ms' ? v : m[2] === 's' ? v * 1000 : m[2] === 'm' ? v * 60_000 : v * 3_600_000;
    matched += m[0];
  }
  if (matched !== d || d === '') throw new Error(`invalid duration "${d}" (expected e.g. 500ms, 3s, 1m)`);
  return total;
}

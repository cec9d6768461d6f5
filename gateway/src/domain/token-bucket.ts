// Token-bucket semantics shared by the Redis script and the per-process fallback.
//
// nginx `limit_req rate=R burst=B nodelay`: a client may send B+1 requests at once, then one
// every 1/R seconds. As a token bucket: capacity B+1 tokens, refilled continuously at R
// tokens per second (millisecond resolution), starting full; each admitted request takes one
// token; a request finding less than one token is rejected (429) — never queued — with
// Retry-After = time until one token is back, rounded up to whole seconds (at least 1).
// So in any window of T seconds a client gets at most B + 1 + R·T requests.

export interface BucketSpec {
  /** Tokens per millisecond. */
  ratePerMs: number;
  /** burst + 1 */
  capacity: number;
}

export function bucketSpec(ratePerSecond: number, burst: number): BucketSpec {
  return { ratePerMs: ratePerSecond / 1000, capacity: burst + 1 };
}

export interface BucketState {
  tokens: number;
  ts: number;
}

export interface TakeResult {
  allowed: boolean;
  /** ms until a token is available (0 when allowed). */
  waitMs: number;
}

/** One step of the bucket; mutates `state`. The Lua script implements exactly this. */
export function takeToken(spec: BucketSpec, state: BucketState, now: number): TakeResult {
  const elapsed = Math.max(0, now - state.ts);
  const tokens = Math.min(spec.capacity, state.tokens + elapsed * spec.ratePerMs);
  if (tokens < 1) {
    return { allowed: false, waitMs: Math.ceil((1 - tokens) / spec.ratePerMs) };
  }
  state.tokens = tokens - 1;
  state.ts = now;
  return { allowed: true, waitMs: 0 };
}

export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/** Per-process buckets keyed by client: the fallback when Redis is unreachable. */
export class LocalBuckets {
  private readonly states = new Map<string, BucketState>();
  private lastSweep = 0;

  constructor(readonly spec: BucketSpec) {}

  take(key: string, now: number): TakeResult {
    let s = this.states.get(key);
    if (!s) {
      s = { tokens: this.spec.capacity, ts: now };
      this.states.set(key, s);
    }
    if (now - this.lastSweep > 60_000) this.sweep(now);
    return takeToken(this.spec, s, now);
  }

  get size(): number {
    return this.states.size;
  }

  /** Drops buckets that have refilled completely (they equal a fresh bucket). */
  private sweep(now: number): void {
    this.lastSweep = now;
    const fullAfterMs = this.spec.capacity / this.spec.ratePerMs;
    for (const [k, s] of this.states) if (now - s.ts >= fullAfterMs) this.states.delete(k);
  }
}

// Per-client-IP limits (nginx limit_req + limit_conn), shared by all gateways through Redis but decided in memory
// from leased batches (domain/leased-limits.ts: the bound it keeps), per process when Redis is down.
import { LocalBuckets, bucketSpec, retryAfterSeconds, type BucketSpec } from './token-bucket.js';
import { canonicalPrefixes, underAny } from './route-class.js';
import { LeasedLimits, type Outcome, type SharedLimitStore } from './leased-limits.js';

export type LimitName = 'api' | 'auth';
export type { SharedLimitStore as RateLimitStore } from './leased-limits.js';

export interface RateLimitOptions {
  apiRatePerS: number;
  apiBurst: number;
  authRatePerMin: number;
  authBurst: number;
  authPaths: readonly string[];
  concurrencyPerIp: number;
  /** ms before a slow store answer is abandoned for a local decision. */
  storeTimeoutMs: number;
  /** Lifetime of a gateway's concurrency slots if it dies without giving them back (renewed every third of it). */
  leaseTtlMs?: number;
  /** Leased rate tokens not used within this time are dropped (default 1 s). */
  tokenTtlMs?: number;
  leasePrefix: string;
}

export interface Verdict {
  allowed: boolean;
  limit: LimitName | 'concurrency';
  retryAfterS: number;
  shared: boolean;
  /** Ends the request's concurrency lease (call exactly once when allowed). */
  release: () => void;
}

export interface ModeListener {
  (shared: boolean, error?: string): void;
}

const noop = (): void => {};

export class RateLimiter {
  readonly api: BucketSpec;
  readonly auth: BucketSpec;
  private readonly localApi: LocalBuckets;
  private readonly localAuth: LocalBuckets;
  private readonly localConc = new Map<string, number>();
  /** Until when a key is known to have no token (nothing refills a bucket faster than time): no Redis call needed. */
  private readonly denyUntil = new Map<string, number>();
  private shared = true;
  private readonly leaseTtlMs: number;
  private readonly authPrefixes: string[];
  private leased: LeasedLimits | null = null;

  constructor(
    private readonly o: RateLimitOptions,
    private store: SharedLimitStore | null,
    private readonly onMode: ModeListener = noop,
  ) {
    this.api = bucketSpec(o.apiRatePerS, o.apiBurst);
    this.auth = bucketSpec(o.authRatePerMin / 60, o.authBurst);
    this.localApi = new LocalBuckets(this.api);
    this.localAuth = new LocalBuckets(this.auth);
    this.leaseTtlMs = o.leaseTtlMs ?? 120_000;
    this.authPrefixes = canonicalPrefixes(o.authPaths);
    if (store) this.leased = this.makeLeased(store);
  }

  private makeLeased(store: SharedLimitStore): LeasedLimits {
    return new LeasedLimits(store, {
      storeTimeoutMs: this.o.storeTimeoutMs,
      holder: this.o.leasePrefix,
      slotTtlMs: this.leaseTtlMs,
      tokenTtlMs: this.o.tokenTtlMs ?? 1000,
    });
  }

  /** Attaches the shared store once it becomes reachable (boot may happen before Redis is found in Consul). */
  setStore(store: SharedLimitStore): void {
    this.leased?.close();
    this.store = store;
    this.leased = this.makeLeased(store);
    this.shared = false;
    this.setShared(true);
  }

  close(): void {
    this.leased?.close();
  }

  get isShared(): boolean {
    return this.shared && this.store !== null;
  }

  /** On the canonical path: a login spelled `/api/token`, `/api//token/` or `/API/%74oken` is still a login. */
  limitFor(path: string): LimitName {
    return underAny(path, this.authPrefixes) ? 'auth' : 'api';
  }

  /** Decides for one request; `done` is called once (synchronously when the gateway holds a token and a slot). */
  check(ip: string, path: string, now: number, done: (v: Verdict) => void): void {
    const limit = this.limitFor(path);
    const bucketKey = `rl:{${ip}}:${limit}`;
    const until = this.denyUntil.get(bucketKey);
    if (until !== undefined) {
      if (until > now)
        return done({
          allowed: false,
          limit,
          retryAfterS: retryAfterSeconds(until - now),
          shared: this.isShared,
          release: noop,
        });
      this.denyUntil.delete(bucketKey);
    }
    const store = this.store;
    const leased = this.leased;
    if (!store || !leased || !store.usable)
      return done(this.local(ip, limit, now, store ? 'redis not connected' : undefined));
    const spec = limit === 'auth' ? this.auth : this.api;
    const max = this.o.concurrencyPerIp;
    // A concurrency slot first, then a token: a concurrency refusal takes no token.
    if (max <= 0)
      return leased.takeToken(bucketKey, spec, now, (o) =>
        this.afterToken(leased, o, ip, limit, bucketKey, null, done),
      );
    const concKey = `rl:{${ip}}:conc`;
    leased.takeSlot(concKey, max, (slot) => {
      if (slot.ok)
        return leased.takeToken(bucketKey, spec, now, (o) =>
          this.afterToken(leased, o, ip, limit, bucketKey, concKey, done),
        );
      if ('error' in slot) return done(this.local(ip, limit, Date.now(), slot.error));
      this.setShared(true);
      done({ allowed: false, limit: 'concurrency', retryAfterS: 1, shared: true, release: noop });
    });
  }

  private afterToken(
    leased: LeasedLimits,
    o: Outcome,
    ip: string,
    limit: LimitName,
    bucketKey: string,
    concKey: string | null,
    done: (v: Verdict) => void,
  ): void {
    const max = this.o.concurrencyPerIp;
    if (!o.ok) {
      if (concKey) leased.releaseSlot(concKey, max);
      if ('error' in o) return done(this.local(ip, limit, Date.now(), o.error));
      this.setShared(true);
      const t = Date.now();
      this.denyUntil.set(bucketKey, t + o.waitMs);
      if (this.denyUntil.size > 100_000) this.sweepDenied(t);
      return done({
        allowed: false,
        limit,
        retryAfterS: retryAfterSeconds(o.waitMs),
        shared: true,
        release: noop,
      });
    }
    if (!this.shared) this.setShared(true);
    let released = false;
    done({
      allowed: true,
      limit,
      retryAfterS: 0,
      shared: true,
      release: concKey
        ? () => {
            if (released) return;
            released = true;
            leased.releaseSlot(concKey, max);
          }
        : noop,
    });
  }

  /** The per-process fallback with the same semantics. */
  private local(ip: string, limit: LimitName, now: number, why: string | undefined): Verdict {
    if (this.store) this.setShared(false, why);
    const r = (limit === 'auth' ? this.localAuth : this.localApi).take(`${ip}:${limit}`, now);
    if (!r.allowed)
      return {
        allowed: false,
        limit,
        retryAfterS: retryAfterSeconds(r.waitMs),
        shared: false,
        release: noop,
      };
    const max = this.o.concurrencyPerIp;
    if (max > 0) {
      const n = this.localConc.get(ip) ?? 0;
      if (n >= max)
        return { allowed: false, limit: 'concurrency', retryAfterS: 1, shared: false, release: noop };
      this.localConc.set(ip, n + 1);
      let released = false;
      return {
        allowed: true,
        limit,
        retryAfterS: 0,
        shared: false,
        release: () => {
          if (released) return;
          released = true;
          const m = (this.localConc.get(ip) ?? 1) - 1;
          if (m <= 0) this.localConc.delete(ip);
          else this.localConc.set(ip, m);
        },
      };
    }
    return { allowed: true, limit, retryAfterS: 0, shared: false, release: noop };
  }

  private setShared(shared: boolean, why?: string): void {
    if (this.shared === shared) return;
    this.shared = shared;
    this.onMode(shared, why);
  }

  private sweepDenied(now: number): void {
    for (const [k, t] of this.denyUntil) if (t <= now) this.denyUntil.delete(k);
  }
}

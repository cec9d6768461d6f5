// Per-client-IP limits (nginx limit_req + limit_conn), decided in Redis for all gateways, per process when Redis is down.
import { LocalBuckets, bucketSpec, retryAfterSeconds, type BucketSpec } from './token-bucket.js';
import { canonicalPrefixes, underAny } from './route-class.js';

export type LimitName = 'api' | 'auth';

export interface SharedDecision {
  allowed: boolean;
  /** 'rate' (bucket empty) or 'concurrency' when refused. */
  reason: 'rate' | 'concurrency' | null;
  waitMs: number;
}

/** The shared store (Redis). take() must reject when the store is unusable; the limiter then decides locally. */
export interface RateLimitStore {
  readonly usable: boolean;
  take(bucketKey: string, spec: BucketSpec, concKey: string | null, concLimit: number, leaseId: string, leaseTtlMs: number): Promise<SharedDecision>;
  release(concKey: string, leaseId: string): void;
}

export interface RateLimitOptions {
  apiRatePerS: number;
  apiBurst: number;
  authRatePerMin: number;
  authBurst: number;
  authPaths: readonly string[];
  concurrencyPerIp: number;
  /** ms before a slow store answer is abandoned for a local decision. */
  storeTimeoutMs: number;
  /** Lifetime of a concurrency lease if a gateway dies without releasing it. */
  leaseTtlMs?: number;
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
  private leaseSeq = 0;
  private shared = true;
  private readonly leaseTtlMs: number;
  private readonly authPrefixes: string[];

  constructor(
    private readonly o: RateLimitOptions,
    private store: RateLimitStore | null,
    private readonly onMode: ModeListener = noop,
  ) {
    this.api = bucketSpec(o.apiRatePerS, o.apiBurst);
    this.auth = bucketSpec(o.authRatePerMin / 60, o.authBurst);
    this.localApi = new LocalBuckets(this.api);
    this.localAuth = new LocalBuckets(this.auth);
    this.leaseTtlMs = o.leaseTtlMs ?? 120_000;
    this.authPrefixes = canonicalPrefixes(o.authPaths);
  }

  /** Attaches the shared store once it becomes reachable (boot may happen before Redis is found in Consul). */
  setStore(store: RateLimitStore): void {
    this.store = store;
    this.shared = false;
    this.setShared(true);
  }

  get isShared(): boolean {
    return this.shared && this.store !== null;
  }

  /** On the canonical path: a login spelled `/api/token`, `/api//token/` or `/API/%74oken` is still a login. */
  limitFor(path: string): LimitName {
    return underAny(path, this.authPrefixes) ? 'auth' : 'api';
  }

  /** Decides for one request; `done` is called once (synchronously when decided locally). */
  check(ip: string, path: string, now: number, done: (v: Verdict) => void): void {
    const limit = this.limitFor(path);
    const bucketKey = `rl:{${ip}}:${limit}`;
    const until = this.denyUntil.get(bucketKey);
    if (until !== undefined) {
      if (until > now) return done({ allowed: false, limit, retryAfterS: retryAfterSeconds(until - now), shared: this.isShared, release: noop });
      this.denyUntil.delete(bucketKey);
    }
    const store = this.store;
    if (!store || !store.usable) return done(this.local(ip, limit, now, store ? 'redis not connected' : undefined));

    const concKey = this.o.concurrencyPerIp > 0 ? `rl:{${ip}}:conc` : null;
    const leaseId = `${this.o.leasePrefix}:${++this.leaseSeq}`;
    const spec = limit === 'auth' ? this.auth : this.api;
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      // The store may still admit it: release the lease it might take.
      if (concKey) store.release(concKey, leaseId);
      done(this.local(ip, limit, Date.now(), `redis answer slower than ${this.o.storeTimeoutMs} ms`));
    }, this.o.storeTimeoutMs);
    store.take(bucketKey, spec, concKey, this.o.concurrencyPerIp, leaseId, this.leaseTtlMs).then(
      (d) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.setShared(true);
        if (d.allowed) {
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
                  store.release(concKey, leaseId);
                }
              : noop,
          });
        } else if (d.reason === 'rate') {
          const t = Date.now();
          this.denyUntil.set(bucketKey, t + d.waitMs);
          if (this.denyUntil.size > 100_000) this.sweepDenied(t);
          done({ allowed: false, limit, retryAfterS: retryAfterSeconds(d.waitMs), shared: true, release: noop });
        } else {
          done({ allowed: false, limit: 'concurrency', retryAfterS: 1, shared: true, release: noop });
        }
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        done(this.local(ip, limit, Date.now(), (err as Error)?.message ?? String(err)));
      },
    );
  }

  /** The per-process fallback with the same semantics. */
  private local(ip: string, limit: LimitName, now: number, why: string | undefined): Verdict {
    if (this.store) this.setShared(false, why);
    const r = (limit === 'auth' ? this.localAuth : this.localApi).take(`${ip}:${limit}`, now);
    if (!r.allowed) return { allowed: false, limit, retryAfterS: retryAfterSeconds(r.waitMs), shared: false, release: noop };
    const max = this.o.concurrencyPerIp;
    if (max > 0) {
      const n = this.localConc.get(ip) ?? 0;
      if (n >= max) return { allowed: false, limit: 'concurrency', retryAfterS: 1, shared: false, release: noop };
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

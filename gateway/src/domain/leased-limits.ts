// Shared limits decided in memory: each gateway leases small batches of rate tokens and concurrency slots from
// the shared store (Redis) and answers from what it holds; the store is asked again only when a batch runs out.
//
// Exactness (G gateways, batch b = leaseBatch(limit)):
// * rate: a token is admitted only after the shared bucket handed it out, so the bucket's bound holds for tokens
//   taken; tokens leased but not yet used (< b per gateway and key, dropped after `tokenTtlMs`) may be spent
//   later, so in any window of T s a client gets at most B + 1 + R·T + G·(b − 1) requests. Batches beyond the
//   requests waiting are only handed out while the bucket is more than half full: near the limit each gateway
//   takes exactly what it needs, so no token is stranded in another gateway when the client runs dry.
// * concurrency: every admitted request holds a slot counted in the store, so at most `limit` requests of a
//   client are in flight across all gateways (never more); a gateway may hold up to 2·b free slots, handed back
//   when in-flight drops, and none beyond its need once the client is past half its limit (then each release is
//   given back at once) — so a client near its limit is refused only when it really has `limit` in flight.
//   A slot goes back to the store just after its response ends (fire and forget): a client that starts new
//   requests on another gateway the instant its last answers arrive may find them still counted for about one
//   Redis round trip.
// * b = 1 for small limits (auth 10/min, burst 10 → capacity 11: b = 1, exact).
import type { BucketSpec } from './token-bucket.js';

export interface TokenGrant {
  /** Tokens handed out (0 = the bucket is empty). */
  granted: number;
  /** ms until the bucket holds one token again (0 when it still has one). */
  waitMs: number;
}

export interface SlotGrant {
  granted: number;
  /** Slots held by every holder of this key after the grant. */
  total: number;
}

/** The shared store. Lease calls must reject when the store is unusable; the limiter then decides locally. */
export interface SharedLimitStore {
  readonly usable: boolean;
  /** Takes `need` tokens (fewer if the bucket has fewer), plus `extra` while the bucket stays more than half full. */
  leaseTokens(bucketKey: string, spec: BucketSpec, need: number, extra: number): Promise<TokenGrant>;
  /** Adds up to `need` (+ `extra` while the total stays under half of `limit`) slots to `holder`'s count. */
  leaseSlots(
    concKey: string,
    holder: string,
    need: number,
    extra: number,
    limit: number,
    ttlMs: number,
  ): Promise<SlotGrant>;
  /** Gives `count` slots back (fire and forget; a lost release ages out with the lease). */
  returnSlots(concKey: string, holder: string, count: number): void;
  /** Sets `holder`'s count to `count` and renews its lease (fire and forget). */
  renewSlots(concKey: string, holder: string, count: number, ttlMs: number): void;
}

/** Batch size for a limit: about 1/8 of it, 1 for small limits, at most 256. */
export function leaseBatch(limit: number): number {
  return Math.max(1, Math.min(256, Math.floor(limit / 8)));
}

export type Outcome = { ok: true } | { ok: false; waitMs: number } | { ok: false; error: string };
type Waiter = (o: Outcome) => void;

interface TokenState {
  tokens: number;
  /** Leased tokens are dropped after this time (Date.now()). */
  expires: number;
  waiters: Waiter[];
  fetching: boolean;
}

interface SlotState {
  held: number;
  inflight: number;
  /** The last grant saw the client past half its limit: hand free slots back at once. */
  tight: boolean;
  waiters: Waiter[];
  fetching: boolean;
}

export interface LeasedLimitsOptions {
  storeTimeoutMs: number;
  holder: string;
  slotTtlMs: number;
  tokenTtlMs: number;
}

const timeoutError = (ms: number) => `redis answer slower than ${ms} ms`;

export class LeasedLimits {
  private readonly tokens = new Map<string, TokenState>();
  private readonly slots = new Map<string, SlotState>();
  private readonly renewTimer: NodeJS.Timeout;

  constructor(
    private readonly store: SharedLimitStore,
    private readonly o: LeasedLimitsOptions,
  ) {
    this.renewTimer = setInterval(() => this.renew(), Math.max(100, Math.floor(o.slotTtlMs / 3)));
    this.renewTimer.unref();
  }

  close(): void {
    clearInterval(this.renewTimer);
  }

  /** One token of `bucketKey`; `done` runs synchronously when the gateway holds one. */
  takeToken(bucketKey: string, spec: BucketSpec, now: number, done: Waiter): void {
    let s = this.tokens.get(bucketKey);
    if (!s) {
      s = { tokens: 0, expires: 0, waiters: [], fetching: false };
      this.tokens.set(bucketKey, s);
    }
    if (s.tokens >= 1 && s.expires > now && s.waiters.length === 0) {
      s.tokens--;
      return done({ ok: true });
    }
    s.waiters.push(done);
    if (!s.fetching) this.fetchTokens(bucketKey, spec, s);
  }

  private fetchTokens(key: string, spec: BucketSpec, s: TokenState): void {
    s.fetching = true;
    s.tokens = 0;
    const need = s.waiters.length;
    const extra = Math.max(0, leaseBatch(spec.capacity) - need);
    this.withTimeout(this.store.leaseTokens(key, spec, need, extra), (r) => {
      s.fetching = false;
      if ('error' in r) return this.flush(s.waiters, { ok: false, error: r.error });
      const g = r.value;
      s.tokens = g.granted;
      s.expires = Date.now() + this.o.tokenTtlMs;
      const served = s.waiters.splice(0, Math.min(g.granted, s.waiters.length));
      s.tokens -= served.length;
      for (const w of served) w({ ok: true });
      if (s.waiters.length === 0) return;
      // Requests that arrived while asking: the bucket ran dry → refuse them, else ask again for them.
      if (g.granted < need) this.flush(s.waiters, { ok: false, waitMs: Math.max(1, g.waitMs) });
      else this.fetchTokens(key, spec, s);
    });
  }

  /** One concurrency slot of `concKey`; `release` it exactly once when the outcome was ok. */
  takeSlot(concKey: string, limit: number, done: Waiter): void {
    let s = this.slots.get(concKey);
    if (!s) {
      s = { held: 0, inflight: 0, tight: false, waiters: [], fetching: false };
      this.slots.set(concKey, s);
    }
    if (s.inflight < s.held && s.waiters.length === 0) {
      s.inflight++;
      return done({ ok: true });
    }
    s.waiters.push(done);
    if (!s.fetching) this.fetchSlots(concKey, limit, s);
  }

  releaseSlot(concKey: string, limit: number): void {
    const s = this.slots.get(concKey);
    if (!s) return;
    s.inflight--;
    const free = s.held - s.inflight;
    if (s.fetching || free <= 0) return;
    const b = leaseBatch(limit);
    const keep = s.tight ? 0 : free > 2 * b ? b : free;
    if (free > keep) {
      s.held -= free - keep;
      this.store.returnSlots(concKey, this.o.holder, free - keep);
    }
  }

  private fetchSlots(key: string, limit: number, s: SlotState): void {
    s.fetching = true;
    const need = Math.max(1, s.waiters.length - (s.held - s.inflight));
    const extra = Math.max(0, leaseBatch(limit) - need);
    this.withTimeout(this.store.leaseSlots(key, this.o.holder, need, extra, limit, this.o.slotTtlMs), (r) => {
      s.fetching = false;
      if ('error' in r) return this.flush(s.waiters, { ok: false, error: r.error });
      s.held += r.value.granted;
      s.tight = r.value.total > limit / 2;
      while (s.waiters.length && s.inflight < s.held) {
        s.inflight++;
        s.waiters.shift()!({ ok: true });
      }
      if (s.waiters.length === 0) return;
      if (r.value.granted < need) this.flush(s.waiters, { ok: false, waitMs: 1000 });
      else this.fetchSlots(key, limit, s);
    });
  }

  private flush(waiters: Waiter[], o: Outcome): void {
    for (const w of waiters.splice(0)) w(o);
  }

  private withTimeout<T>(p: Promise<T>, then: (r: { value: T } | { error: string }) => void): void {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      then({ error: timeoutError(this.o.storeTimeoutMs) });
    }, this.o.storeTimeoutMs);
    p.then(
      (value) => {
        if (settled) return; // a late grant is simply not used (tokens lost, slots age out or are renewed)
        settled = true;
        clearTimeout(timer);
        then({ value });
      },
      (e: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        then({ error: (e as Error)?.message ?? String(e) });
      },
    );
  }

  /** Renews held slot leases, gives idle ones back, forgets expired token leases. */
  private renew(): void {
    const now = Date.now();
    for (const [k, s] of this.tokens)
      if (!s.fetching && s.waiters.length === 0 && s.expires <= now) this.tokens.delete(k);
    if (!this.store.usable) return;
    for (const [k, s] of this.slots) {
      if (s.fetching) continue;
      if (s.inflight <= 0 && s.waiters.length === 0) {
        if (s.held > 0) this.store.returnSlots(k, this.o.holder, s.held);
        this.slots.delete(k);
      } else this.store.renewSlots(k, this.o.holder, s.held, this.o.slotTtlMs);
    }
  }

  /** Token and slot states held (for tests and metrics). */
  get size(): { tokens: number; slots: number } {
    return { tokens: this.tokens.size, slots: this.slots.size };
  }
}

// Watch of one service's passing instances through Consul blocking queries, cached in node-cache.
import { EventEmitter } from 'node:events';
import type NodeCache from 'node-cache';
import type { Instance, RegistryLogger } from '../types.js';
import { ConsulAgents, RequestContext, callWithMeta, isNoLeader } from '../consul/consul-agents.js';
import { nextIndex } from './blocking-index.js';
import { Backoff, RateLimiter } from './backoff.js';
import { decidePanic, isExplicitlyOut, type HealthCheckEntry, type PanicTransition } from './panic-mode.js';

export interface WatchOptions {
  /** Only instances carrying this tag (e.g. `primary` for `pgha`). */
  tag?: string;
  /** Blocking query wait (Consul caps it at 10 min; adds up to wait/16 jitter). Default 30 s. */
  waitMs?: number;
  /** Re-subscribe when a blocking query has not answered for this long. Default wait·1.25 + 5 s. */
  watchdogMs?: number;
  /** Loop rate limit under churn: sustained queries per second (default 10) and burst (default 5). */
  maxPerSecond?: number;
  burst?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * Panic mode: when the passing set drops from non-empty to empty while those instances are still
   * registered (not deregistered, not in maintenance, not reported not-ready), keep serving them for up
   * to this long (ms, default 30 000; 0 disables).
   */
  panicWindowMs?: number;
}

interface HealthEntry {
  Node?: { Node?: string; Address?: string };
  Service?: {
    ID?: string;
    Service?: string;
    Address?: string;
    Port?: number;
    Tags?: string[] | null;
    Meta?: Record<string, string> | null;
  };
  Checks?: HealthCheckEntry[];
}

/** Turns a `/v1/health/service` answer into instances: every check passing, deduplicated by ID, sorted. */
export function toInstances(service: string, entries: readonly HealthEntry[] | undefined): Instance[] {
  return collect(service, entries, (checks) => checks.every((c) => c.Status === 'passing'));
}

/**
 * The instances of a full (not `?passing`) `/v1/health/service` answer that are still registered and not
 * taken out on purpose (maintenance mode, not-ready), whatever their other checks say; by ID.
 */
export function toRegistered(
  service: string,
  entries: readonly HealthEntry[] | undefined,
): Map<string, Instance> {
  return new Map(collect(service, entries, (checks) => !checks.some(isExplicitlyOut)).map((i) => [i.id, i]));
}

function collect(
  service: string,
  entries: readonly HealthEntry[] | undefined,
  keep: (checks: HealthCheckEntry[]) => boolean,
): Instance[] {
  const byId = new Map<string, Instance>();
  for (const e of entries ?? []) {
    const s = e.Service;
    if (!s?.ID || !s.Port) continue;
    if (!keep(e.Checks ?? [])) continue;
    if (byId.has(s.ID)) continue;
    byId.set(s.ID, {
      id: s.ID,
      service: s.Service ?? service,
      address: s.Address || e.Node?.Address || '127.0.0.1',
      port: s.Port,
      tags: [...(s.Tags ?? [])],
      meta: { ...(s.Meta ?? {}) },
      node: e.Node?.Node ?? '',
    });
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function fingerprint(instances: readonly Instance[]): string {
  return JSON.stringify(instances.map((i) => [i.id, i.address, i.port, i.tags, i.meta, i.node]));
}

export function watchKey(service: string, tag?: string): string {
  return tag ? `${service}#${tag}` : service;
}

/**
 * Emits 'change' (Instance[]) whenever the passing set changes, 'error' is never emitted (errors are
 * logged and retried with backoff); when Consul is unreachable the last good set stays in the cache.
 */
export class ServiceWatch extends EventEmitter {
  readonly key: string;
  private index = 0;
  private agent: number;
  private closed = false;
  private ctx: RequestContext | null = null;
  private hasData = false;
  private fp = '';
  private staleNext = false;
  private readonly waiters: Array<(i: Instance[]) => void> = [];
  private readonly limiter: RateLimiter;
  private readonly backoff: Backoff;
  private readonly waitMs: number;
  private readonly watchdogMs: number;
  private wakeSleep: (() => void) | null = null;
  private readonly panicWindowMs: number;
  private panicSince: number | null = null;
  private panicTimer: NodeJS.Timeout | null = null;
  /** The registered (non-explicitly-out) instances of the last answer, for the panic expiry. */
  private lastRegistered = new Map<string, Instance>();
  /** Time of the last answer from Consul (ms since epoch), 0 before the first. */
  lastContact = 0;
  /** Number of successful answers (for tests and metrics). */
  answers = 0;
  /** Answers with no passing instance that did not empty the served set (panic mode or a lagging server). */
  bridged = 0;

  constructor(
    private readonly agents: ConsulAgents,
    private readonly cache: NodeCache,
    readonly service: string,
    private readonly log: RegistryLogger,
    private readonly opts: WatchOptions = {},
  ) {
    super();
    this.key = watchKey(service, opts.tag);
    this.agent = agents.currentIndex;
    this.waitMs = opts.waitMs ?? 30_000;
    this.watchdogMs = opts.watchdogMs ?? Math.round(this.waitMs * 1.25) + 5_000;
    this.limiter = new RateLimiter(opts.maxPerSecond ?? 10, opts.burst ?? 5);
    this.backoff = new Backoff({ baseMs: opts.backoffBaseMs ?? 200, maxMs: opts.backoffMaxMs ?? 5_000 });
    this.panicWindowMs = opts.panicWindowMs ?? 30_000;
    const cached = cache.get<Instance[]>(this.cacheKey);
    if (cached) {
      this.hasData = true;
      this.fp = fingerprint(cached);
    }
    void this.loop();
  }

  private get cacheKey(): string {
    return `svc:${this.key}`;
  }

  /** The last good passing set (empty before the first answer). */
  instances(): Instance[] {
    return this.cache.get<Instance[]>(this.cacheKey) ?? [];
  }

  get isReady(): boolean {
    return this.hasData;
  }

  /** True while an empty passing set is bridged with the last good (still registered) instances. */
  get panicking(): boolean {
    return this.panicSince !== null;
  }

  /** Resolves with the passing set once Consul answered at least once. */
  ready(timeoutMs?: number): Promise<Instance[]> {
    if (this.hasData) return Promise.resolve(this.instances());
    return new Promise((resolve, reject) => {
      const done = (i: Instance[]) => {
        if (timer) clearTimeout(timer);
        resolve(i);
      };
      this.waiters.push(done);
      const timer =
        timeoutMs === undefined
          ? null
          : setTimeout(() => {
              const k = this.waiters.indexOf(done);
              if (k >= 0) this.waiters.splice(k, 1);
              reject(new Error(`no answer from Consul for service ${this.key} within ${timeoutMs} ms`));
            }, timeoutMs);
    });
  }

  close(): void {
    this.closed = true;
    this.ctx?.cancel();
    this.wakeSleep?.();
    if (this.panicTimer) clearTimeout(this.panicTimer);
    this.removeAllListeners();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wakeSleep = null;
        resolve();
      }, ms);
      t.unref();
      this.wakeSleep = () => {
        clearTimeout(t);
        this.wakeSleep = null;
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      const pause = this.limiter.delay();
      if (pause > 0) await this.sleep(pause);
      if (this.closed) return;
      const ctx = new RequestContext();
      this.ctx = ctx;
      const client = this.agents.client(this.agent);
      let watchdogFired = false;
      const watchdog = setTimeout(
        () => {
          watchdogFired = true;
          ctx.cancel();
        },
        this.index > 0 ? this.watchdogMs : this.agents.requestTimeoutMs,
      );
      watchdog.unref();
      const stale = this.staleNext;
      try {
        const res = await callWithMeta<HealthEntry[]>(
          (c) =>
            // The full list (not ?passing): same index and wake-ups, and it tells an instance whose checks
            // are critical (e.g. right after an agent restart) from one that was deregistered.
            client.health.service({
              service: this.service,
              ...(this.opts.tag ? { tag: this.opts.tag } : {}),
              ...(this.index > 0
                ? { index: String(this.index), wait: `${Math.round(this.waitMs / 1000)}s` }
                : {}),
              ...(stale ? { stale: true } : {}),
              ctx: c,
            }),
          ctx,
        );
        clearTimeout(watchdog);
        this.staleNext = false;
        this.backoff.reset();
        this.lastContact = Date.now();
        this.answers += 1;
        const previous = this.index;
        this.index = nextIndex(previous, res.index);
        if (this.index === 0)
          this.log.debug('consul index went backwards, resetting', {
            service: this.key,
            previous,
            received: res.index,
          });
        this.answer(
          toInstances(this.service, res.body),
          toRegistered(this.service, res.body),
          res.knownLeader && !(this.index === 0 && previous > 0),
        );
      } catch (e) {
        clearTimeout(watchdog);
        if (this.closed) return;
        if (watchdogFired) {
          this.log.warn('consul watch silent too long, re-subscribing', {
            service: this.key,
            agent: this.agents.addrs[this.agent],
          });
        } else {
          this.log.warn('consul watch failed, keeping last good set', {
            service: this.key,
            agent: this.agents.addrs[this.agent],
            error: (e as Error).message,
          });
        }
        // A leaderless cluster still answers stale reads; an unreachable agent is replaced by the next one.
        if (isNoLeader(e)) this.staleNext = true;
        else this.agent = (this.agent + 1) % this.agents.size;
        if (!watchdogFired) await this.sleep(this.backoff.next());
      }
    }
  }

  /** Applies an answer through the panic-mode decision. */
  private answer(passing: Instance[], registered: Map<string, Instance>, authoritative: boolean): void {
    if (authoritative) this.lastRegistered = registered;
    const d = decidePanic({
      passing,
      registered,
      served: this.hasData ? this.instances() : [],
      panicSince: this.panicSince,
      now: Date.now(),
      windowMs: this.panicWindowMs,
      authoritative,
    });
    if (passing.length === 0 && d.instances.length > 0) this.bridged += 1;
    this.applyPanic(d.panicSince, d.transition, d.instances.length);
    this.accept(d.instances);
  }

  private applyPanic(since: number | null, transition: PanicTransition | undefined, served: number): void {
    const started = this.panicSince;
    this.panicSince = since;
    if (transition === 'enter') {
      this.log.warn(
        'consul reports no passing instance but they are still registered; serving the last good set (panic mode)',
        {
          service: this.key,
          instances: served,
          window_ms: this.panicWindowMs,
        },
      );
      if (this.panicTimer) clearTimeout(this.panicTimer);
      this.panicTimer = setTimeout(() => this.expirePanic(), this.panicWindowMs);
      this.panicTimer.unref();
    } else if (transition) {
      if (this.panicTimer) clearTimeout(this.panicTimer);
      this.panicTimer = null;
      const meta = {
        service: this.key,
        after_ms: started === null ? undefined : Date.now() - started,
        instances: served,
      };
      if (transition === 'recovered') this.log.info('panic mode ended: instances pass again', meta);
      else this.log.warn(`panic mode ended: ${transition}`, meta);
    }
  }

  private expirePanic(): void {
    this.panicTimer = null;
    if (this.closed || this.panicSince === null) return;
    const d = decidePanic({
      passing: [],
      registered: this.lastRegistered,
      served: this.instances(),
      panicSince: this.panicSince,
      now: Math.max(Date.now(), this.panicSince + this.panicWindowMs),
      windowMs: this.panicWindowMs,
    });
    this.applyPanic(d.panicSince, d.transition, d.instances.length);
    this.accept(d.instances);
  }

  private accept(instances: Instance[]): void {
    const fp = fingerprint(instances);
    const first = !this.hasData;
    this.hasData = true;
    if (!first && fp === this.fp) return;
    this.fp = fp;
    this.cache.set(this.cacheKey, instances);
    if (first) for (const w of this.waiters.splice(0)) w(instances);
    this.emit('change', instances);
  }
}

/**
 * What `registry.watch()` hands out: a view on the registry's single shared watch of that service.
 * Events: 'change' (Instance[]). `close()` detaches this view; the shared watch stops with its last view
 * unless resolve()/instances() use that service.
 */
export class ServiceWatchHandle extends EventEmitter {
  private readonly onChange = (i: Instance[]) => this.emit('change', i);
  private closed = false;

  constructor(
    private readonly shared: ServiceWatch,
    private readonly onClose: () => void = () => undefined,
  ) {
    super();
    shared.on('change', this.onChange);
  }

  get service(): string {
    return this.shared.service;
  }

  get isReady(): boolean {
    return this.shared.isReady;
  }

  instances(): Instance[] {
    return this.shared.instances();
  }

  ready(timeoutMs?: number): Promise<Instance[]> {
    return this.shared.ready(timeoutMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.shared.off('change', this.onChange);
    this.removeAllListeners();
    this.onClose();
  }
}

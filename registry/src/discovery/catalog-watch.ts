// Watch of the whole catalog: a blocking query on /v1/catalog/services plus one ServiceWatch per service.
import { EventEmitter } from 'node:events';
import type { Instance, RegistryLogger } from '../types.js';
import { ConsulAgents, RequestContext, callWithMeta, isNoLeader } from '../consul/consul-agents.js';
import { nextIndex } from './blocking-index.js';
import { Backoff, RateLimiter } from './backoff.js';
import type { ServiceWatchHandle } from './service-watch.js';

export interface CatalogWatchOptions {
  waitMs?: number;
  /** Services never included (default: `consul` and the leader locks' `leader-lock`). */
  exclude?: readonly string[];
  /** Coalesces bursts of per-service changes into one table emission (ms, default 20). */
  coalesceMs?: number;
}

/**
 * Emits 'change' (Map<service, Instance[]>, only services with ≥1 passing instance) whenever the table
 * changes. While Consul is unreachable the last table stays (each service watch keeps its last good set).
 */
export class CatalogWatch extends EventEmitter {
  private readonly watches = new Map<string, ServiceWatchHandle>();
  /** Services the catalog no longer lists whose watch still serves instances (dropped once it is empty). */
  private readonly leaving = new Set<string>();
  private index = 0;
  private agent: number;
  private closed = false;
  private ctx: RequestContext | null = null;
  private hasCatalog = false;
  private pending: NodeJS.Timeout | null = null;
  private lastFp = '';
  private readonly waiters: Array<(t: Map<string, Instance[]>) => void> = [];
  private readonly limiter = new RateLimiter(10, 5);
  private readonly backoff = new Backoff({ baseMs: 200, maxMs: 5_000 });
  private readonly waitMs: number;
  private readonly exclude: Set<string>;
  private wake: (() => void) | null = null;

  constructor(
    private readonly agents: ConsulAgents,
    private readonly openWatch: (service: string) => ServiceWatchHandle,
    private readonly log: RegistryLogger,
    private readonly opts: CatalogWatchOptions = {},
  ) {
    super();
    this.agent = agents.currentIndex;
    this.waitMs = opts.waitMs ?? 30_000;
    this.exclude = new Set(opts.exclude ?? ['consul', 'leader-lock']);
    void this.loop();
  }

  /** The current routing table: services with at least one passing instance. */
  table(): Map<string, Instance[]> {
    const t = new Map<string, Instance[]>();
    for (const [name, w] of [...this.watches.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const list = w.instances();
      if (list.length > 0) t.set(name, list);
    }
    return t;
  }

  /** Resolves once the catalog and every service in it answered at least once. */
  async ready(timeoutMs = 10_000): Promise<Map<string, Instance[]>> {
    if (!this.hasCatalog) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no catalog answer from Consul within ${timeoutMs} ms`)),
          timeoutMs,
        );
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await Promise.all([...this.watches.values()].map((w) => w.ready(timeoutMs)));
    return this.table();
  }

  close(): void {
    this.closed = true;
    this.ctx?.cancel();
    this.wake?.();
    if (this.pending) clearTimeout(this.pending);
    for (const w of this.watches.values()) w.close();
    this.watches.clear();
    this.leaving.clear();
    this.removeAllListeners();
  }

  private schedule(): void {
    if (this.closed || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      const t = this.table();
      const fp = JSON.stringify([...t.entries()]);
      if (fp === this.lastFp) return;
      this.lastFp = fp;
      this.emit('change', t);
    }, this.opts.coalesceMs ?? 20);
    this.pending.unref();
  }

  private sync(names: string[]): void {
    const wanted = new Set(names.filter((n) => !this.exclude.has(n)));
    for (const name of wanted) {
      this.leaving.delete(name);
      if (this.watches.has(name)) continue;
      const w = this.openWatch(name);
      w.on('change', (list: Instance[]) => {
        if (list.length === 0 && this.leaving.has(name)) this.drop(name);
        this.schedule();
      });
      this.watches.set(name, w);
      if (w.isReady) this.schedule();
    }
    // A service missing from the listing leaves once its own watch serves nothing: deregistered instances
    // are gone from its full health list at once, while a listing from a server that has not caught up
    // yet (just restarted) cannot empty the table.
    for (const [name, w] of this.watches) {
      if (wanted.has(name) || this.leaving.has(name)) continue;
      if (w.instances().length === 0) this.drop(name);
      else this.leaving.add(name);
    }
  }

  private drop(name: string): void {
    this.leaving.delete(name);
    this.watches.get(name)?.close();
    this.watches.delete(name);
    this.schedule();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      t.unref();
      this.wake = () => {
        clearTimeout(t);
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
      const watchdog = setTimeout(
        () => ctx.cancel(),
        this.index > 0 ? Math.round(this.waitMs * 1.25) + 5_000 : this.agents.requestTimeoutMs,
      );
      watchdog.unref();
      try {
        const res = await callWithMeta<Record<string, string[]>>(
          (c) =>
            client.catalog.service.list({
              ...(this.index > 0
                ? { index: String(this.index), wait: `${Math.round(this.waitMs / 1000)}s` }
                : {}),
              ctx: c,
            }),
          ctx,
        );
        clearTimeout(watchdog);
        this.backoff.reset();
        this.index = nextIndex(this.index, res.index);
        this.sync(Object.keys(res.body ?? {}));
        if (!this.hasCatalog) {
          this.hasCatalog = true;
          for (const w of this.waiters.splice(0)) w(this.table());
        }
      } catch (e) {
        clearTimeout(watchdog);
        if (this.closed) return;
        this.log.warn('consul catalog watch failed, keeping last table', {
          agent: this.agents.addrs[this.agent],
          error: (e as Error).message,
        });
        if (!isNoLeader(e)) this.agent = (this.agent + 1) % this.agents.size;
        await this.sleep(this.backoff.next());
      }
    }
  }
}

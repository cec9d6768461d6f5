// The registry facade every service uses: register, discover, select, elect — configured only with the
// Consul address list.
import NodeCache from 'node-cache';
import type { Instance, RegisterSpec, RegistryLogger, Strategy } from './types.js';
import { ConsulAgents } from './consul/consul-agents.js';
import {
  ServiceWatch,
  ServiceWatchHandle,
  toInstances,
  toRegistered,
  watchKey,
  type WatchOptions,
} from './discovery/service-watch.js';
import { CatalogWatch, type CatalogWatchOptions } from './discovery/catalog-watch.js';
import { InstanceSelector, OutstandingTracker } from './selection/instance-selector.js';
import { Registration, type RegistrationOptions } from './registration/registration.js';
import { LeaderLock, type LeaderLockOptions } from './leader/leader-lock.js';

export interface ConsulRegistryOptions {
  /** CONSUL_HTTP_ADDR: comma list of agents, the local agent first. */
  consulAddr: string | readonly string[];
  /** CONSUL_HTTP_TOKEN: this kind's ACL token (default: the process's CONSUL_HTTP_TOKEN). */
  token?: string;
  logger: RegistryLogger;
  /** Timeout of non-blocking Consul calls (ms, default 3000). */
  requestTimeoutMs?: number;
  /** Defaults for every watch (wait, watchdog, rate limit, backoff). */
  watch?: WatchOptions;
  registration?: RegistrationOptions;
}

export class ConsulRegistry {
  readonly agents: ConsulAgents;
  private readonly log: RegistryLogger;
  private readonly cache = new NodeCache({ stdTTL: 0, checkperiod: 0, useClones: false });
  private readonly watches = new Map<string, ServiceWatch>();
  /** Open watch() views per watch key; keys used by resolve()/instances() are pinned (kept running). */
  private readonly views = new Map<string, number>();
  private readonly pinned = new Set<string>();
  private readonly catalogs = new Set<CatalogWatch>();
  private readonly registrations = new Set<Registration>();
  private readonly locks = new Set<LeaderLock>();
  private readonly tracker = new OutstandingTracker();
  private readonly selector = new InstanceSelector(this.tracker);

  constructor(private readonly opts: ConsulRegistryOptions) {
    this.agents = new ConsulAgents(
      opts.consulAddr,
      opts.requestTimeoutMs ?? 3_000,
      opts.token ?? process.env['CONSUL_HTTP_TOKEN'],
    );
    this.log = opts.logger;
  }

  /** Registers an instance on the first reachable agent and keeps it registered (see Registration). */
  async register(spec: RegisterSpec): Promise<Registration> {
    const reg = new Registration(this.agents, spec, this.log, this.opts.registration);
    await reg.start();
    this.registrations.add(reg);
    const original = reg.deregister.bind(reg);
    reg.deregister = async () => {
      this.registrations.delete(reg);
      await original();
    };
    return reg;
  }

  /** Live passing instances of `service` (blocking queries; last good set kept while Consul is away). */
  watch(service: string, opts: { tag?: string } = {}): ServiceWatchHandle {
    const key = watchKey(service, opts.tag);
    const shared = this.shared(service, opts.tag);
    this.views.set(key, (this.views.get(key) ?? 0) + 1);
    return new ServiceWatchHandle(shared, () => {
      const left = (this.views.get(key) ?? 1) - 1;
      if (left > 0) {
        this.views.set(key, left);
        return;
      }
      this.views.delete(key);
      if (this.pinned.has(key) || this.watches.get(key) !== shared) return;
      shared.close();
      this.watches.delete(key);
      this.cache.del(`svc:${key}`);
    });
  }

  /** The gateway's routing table: every service with passing instances, emitted whole on each change. */
  watchServices(opts: CatalogWatchOptions = {}): CatalogWatch {
    const cw = new CatalogWatch(this.agents, (name) => this.watch(name), this.log, opts);
    this.catalogs.add(cw);
    const close = cw.close.bind(cw);
    cw.close = () => {
      this.catalogs.delete(cw);
      close();
    };
    return cw;
  }

  /** Last known passing instances (starts a watch on first use; empty until Consul answered). */
  instances(service: string, opts: { tag?: string } = {}): Instance[] {
    this.pinned.add(watchKey(service, opts.tag));
    return this.shared(service, opts.tag).instances();
  }

  /**
   * Picks an instance: `p2c` (default) = least outstanding of two random candidates, or `round-robin`.
   * Synchronous, from the cache; starts a watch on first use (returns undefined until it answered).
   */
  resolve(
    service: string,
    strategy: Strategy = 'p2c',
    opts: { tag?: string; exclude?: readonly string[] } = {},
  ): Instance | undefined {
    let list = this.instances(service, opts);
    if (opts.exclude?.length) {
      const ex = new Set(opts.exclude);
      const rest = list.filter((i) => !ex.has(i.id));
      if (rest.length) list = rest;
    }
    return this.selector.pick(watchKey(service, opts.tag), list, strategy);
  }

  /** Like resolve(), but waits (up to timeoutMs) for the first answer from Consul. */
  async resolveAsync(
    service: string,
    strategy: Strategy = 'p2c',
    opts: { tag?: string; timeoutMs?: number } = {},
  ): Promise<Instance | undefined> {
    this.pinned.add(watchKey(service, opts.tag));
    await this.shared(service, opts.tag).ready(opts.timeoutMs ?? 5_000);
    return this.resolve(service, strategy, opts);
  }

  /**
   * Reports a request started on `instance` (for least-outstanding selection); call the returned
   * function exactly when it finished (success or failure; extra calls are ignored).
   */
  track(instance: Pick<Instance, 'id'>): () => void {
    return this.tracker.track(instance);
  }

  outstanding(instance: Pick<Instance, 'id'>): number {
    return this.tracker.outstanding(instance.id);
  }

  /**
   * Direct (uncached) read of the passing instances, failing over between agents. `passing: false`:
   * every registered instance whatever its checks say (all critical right after a Consul restart), except
   * those taken out on purpose (maintenance, not ready).
   */
  async lookup(service: string, opts: { tag?: string; passing?: boolean } = {}): Promise<Instance[]> {
    const passing = opts.passing ?? true;
    const body = await this.agents.any((c) =>
      c.health.service({
        service,
        ...(passing ? { passing: true } : {}),
        ...(opts.tag ? { tag: opts.tag } : {}),
        timeout: this.agents.requestTimeoutMs,
      }),
    );
    const entries = body as Parameters<typeof toInstances>[1];
    return passing ? toInstances(service, entries) : [...toRegistered(service, entries).values()];
  }

  /** A leader lock on `key` (call start()); 'gained' / 'lost' events; isLeader. */
  leaderLock(key: string, opts: LeaderLockOptions = {}): LeaderLock {
    const lock = new LeaderLock(this.agents, key, this.log, opts);
    this.locks.add(lock);
    return lock;
  }

  /** Stops every watch and lock (releasing leadership) and deregisters what this registry registered. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.locks].map((l) => l.stop()));
    await Promise.allSettled([...this.registrations].map((r) => r.deregister()));
    for (const c of [...this.catalogs]) c.close();
    for (const w of this.watches.values()) w.close();
    this.watches.clear();
    this.locks.clear();
    this.cache.close();
    this.agents.destroy();
  }

  private shared(service: string, tag?: string): ServiceWatch {
    const key = watchKey(service, tag);
    let w = this.watches.get(key);
    if (!w) {
      w = new ServiceWatch(this.agents, this.cache, service, this.log, {
        ...(this.opts.watch ?? {}),
        ...(tag ? { tag } : {}),
      });
      this.watches.set(key, w);
    }
    return w;
  }
}

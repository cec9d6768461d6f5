// The live routing state: route table + one pool of upstreams per service, rebuilt from each catalog snapshot.
import { EventEmitter } from 'node:events';
import type { Catalog, CatalogInstance } from './catalog.js';
import { DEFAULT_ROUTED_SERVICES, RouteTable, declaredPrefixes } from './route-table.js';
import { Upstream, type BreakerGate } from './upstream.js';

export interface ServiceBreaker extends BreakerGate {
  fire(...args: unknown[]): Promise<unknown>;
}

/** Creates and disposes the transports and breakers of upstreams (undici pools, opossum breakers). */
export interface UpstreamFactory {
  attach(u: Upstream): void;
  /** Called once the instance is gone from Consul; close when idle. */
  dispose(u: Upstream): void;
  serviceBreaker(service: string): ServiceBreaker;
  disposeService(service: string, breaker: ServiceBreaker): void;
}

export class ServicePool {
  upstreams: Upstream[] = [];
  constructor(
    readonly name: string,
    readonly breaker: ServiceBreaker,
  ) {}
}

export interface RoutingChange {
  added: Upstream[];
  removed: Upstream[];
  routes: number;
}

export class RoutingState extends EventEmitter {
  table = new RouteTable([]);
  readonly pools = new Map<string, ServicePool>();
  private readonly byKey = new Map<string, Upstream>();
  /** Prefixes last declared per service: kept while a service has no passing instance, so it answers 503, not 404. */
  private readonly remembered = new Map<string, string[]>();
  /** When the first catalog snapshot arrived (0 before): readiness. */
  loadedAt = 0;
  /** When the last snapshot arrived. */
  updatedAt = 0;

  constructor(
    private readonly factory: UpstreamFactory,
    /** The only services routed to (configuration), whatever else registers with a route in Consul. */
    private readonly routed: readonly string[] = DEFAULT_ROUTED_SERVICES,
  ) {
    super();
  }

  get loaded(): boolean {
    return this.loadedAt > 0;
  }

  apply(catalog: Catalog, now = Date.now()): RoutingChange {
    const seen = new Set<string>();
    const added: Upstream[] = [];
    const removed: Upstream[] = [];
    const lists = new Map<string, Upstream[]>();

    for (const [service, instances] of catalog) {
      if (!this.routed.includes(service)) continue;
      const prefixes = new Set<string>();
      for (const inst of instances) for (const p of declaredPrefixes(inst.meta)) prefixes.add(p);
      // Services that declare no route (pgha, redis-sentinel, gateway itself…) get no transport at all.
      if (prefixes.size === 0) continue;
      const list: Upstream[] = [];
      for (const inst of instances) {
        const key = Upstream.keyOf(inst);
        seen.add(key);
        let u = this.byKey.get(key);
        if (!u) {
          u = new Upstream(key, inst);
          this.factory.attach(u);
          this.byKey.set(key, u);
          added.push(u);
        }
        list.push(u);
      }
      this.remembered.set(service, [...prefixes]);
      lists.set(service, list);
    }
    for (const [key, u] of this.byKey) {
      if (seen.has(key)) continue;
      u.removed = true;
      this.byKey.delete(key);
      this.factory.dispose(u);
      removed.push(u);
    }
    for (const service of this.remembered.keys()) if (!lists.has(service)) lists.set(service, []);
    for (const [service, list] of lists) {
      let pool = this.pools.get(service);
      if (!pool) {
        pool = new ServicePool(service, this.factory.serviceBreaker(service));
        this.pools.set(service, pool);
      }
      pool.upstreams = list;
    }

    // Routes: live declarations, plus remembered ones of services without passing instances.
    const withRemembered = new Map<string, CatalogInstance[]>(catalog);
    for (const [service, prefixes] of this.remembered) {
      if ((catalog.get(service) ?? []).length > 0) continue;
      withRemembered.set(service, [
        { id: '(none)', service, address: '', port: 0, tags: [], meta: { routes: prefixes.join(',') } },
      ]);
    }
    this.table = RouteTable.fromCatalog(withRemembered, this.routed);
    if (!this.loadedAt) this.loadedAt = now;
    this.updatedAt = now;
    const change = { added, removed, routes: this.table.routes.length };
    this.emit('change', change);
    return change;
  }

  upstreams(): Upstream[] {
    return [...this.byKey.values()];
  }

  close(): void {
    for (const u of this.byKey.values()) {
      u.removed = true;
      this.factory.dispose(u);
    }
    this.byKey.clear();
    for (const p of this.pools.values()) this.factory.disposeService(p.name, p.breaker);
    this.pools.clear();
  }
}

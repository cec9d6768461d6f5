// Routing table: path prefixes declared by services in Consul meta (`route`, `routes`) → service name, for the
// services on the gateway's allow-list only (registering in Consul grants no route by itself).
import type { Catalog } from './catalog.js';

export interface Route {
  prefix: string;
  service: string;
}

/** Services the gateway routes to when its configuration names none (GATEWAY_ROUTED_SERVICES). */
export const DEFAULT_ROUTED_SERVICES: readonly string[] = ['api', 'worker', 'web'];

/** Normalises a declared prefix: leading slash, no trailing slash (except `/`). Returns undefined when unusable. */
export function normalizePrefix(raw: string): string | undefined {
  let p = raw.trim();
  if (!p) return undefined;
  if (!p.startsWith('/')) p = `/${p}`;
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  if (/[\s?#]/.test(p)) return undefined;
  return p;
}

/** The prefixes an instance declares: meta `route` and meta `routes` (comma list). */
export function declaredPrefixes(meta: Record<string, string> | undefined): string[] {
  if (!meta) return [];
  const out: string[] = [];
  for (const raw of [meta['route'] ?? '', ...(meta['routes'] ?? '').split(',')]) {
    const p = normalizePrefix(raw);
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

export class RouteConflict {
  constructor(
    readonly prefix: string,
    readonly services: string[],
  ) {}
}

export class RouteTable {
  /** Longest prefix first, so the first match wins. */
  readonly routes: readonly Route[];
  readonly conflicts: readonly RouteConflict[];

  constructor(routes: Route[], conflicts: RouteConflict[] = []) {
    this.routes = [...routes].sort(
      (a, b) => b.prefix.length - a.prefix.length || a.prefix.localeCompare(b.prefix),
    );
    this.conflicts = conflicts;
  }

  /**
   * Builds the table from passing instances of the allowed services (others are ignored, whatever they
   * declare). A prefix claimed by two services goes to the service with more instances declaring it (then by
   * name), and the conflict is reported.
   */
  static fromCatalog(catalog: Catalog, allowed: readonly string[] = DEFAULT_ROUTED_SERVICES): RouteTable {
    const claims = new Map<string, Map<string, number>>();
    for (const [service, instances] of catalog) {
      if (!allowed.includes(service)) continue;
      for (const inst of instances) {
        for (const prefix of declaredPrefixes(inst.meta)) {
          let byService = claims.get(prefix);
          if (!byService) claims.set(prefix, (byService = new Map()));
          byService.set(service, (byService.get(service) ?? 0) + 1);
        }
      }
    }
    const routes: Route[] = [];
    const conflicts: RouteConflict[] = [];
    for (const [prefix, byService] of claims) {
      const ranked = [...byService].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      routes.push({ prefix, service: ranked[0]![0] });
      if (ranked.length > 1)
        conflicts.push(
          new RouteConflict(
            prefix,
            ranked.map(([s]) => s),
          ),
        );
    }
    return new RouteTable(routes, conflicts);
  }

  /** The route whose prefix is the longest segment-aligned prefix of `url` (path + query). */
  match(url: string): Route | undefined {
    for (const r of this.routes) {
      const p = r.prefix;
      if (p === '/') return r;
      if (url.startsWith(p)) {
        const next = url.charCodeAt(p.length);
        // end of string, '/', '?' : a segment boundary
        if (Number.isNaN(next) || next === 47 || next === 63) return r;
      }
    }
    return undefined;
  }
}

// Express app for the gateway's own pages: /health, /ready, /status (HTML or JSON), /metrics. Not on the proxy hot path;
// the public listener serves only /health and /ready from it, the admin listener (127.0.0.1) all of them.
import express, { type Request, type Response } from 'express';
import type { RoutingState } from '../domain/routing-state.js';
import { breakerAdmits, type BreakerGate } from '../domain/upstream.js';
import type { GatewayMetrics } from './metrics.js';
import type { ProxyStats } from './proxy-handler.js';

export interface AdminDeps {
  instanceId: string;
  state: RoutingState;
  metrics: GatewayMetrics;
  stats: ProxyStats;
  rateLimitShared: () => boolean | null;
  viewAgeSeconds: () => number;
  draining: () => boolean;
}

/**
 * Exact paths the gateway answers itself on the public listener (a service may still route `/health/…` subpaths).
 * /status and /metrics (instances, addresses, traffic) are only on the admin listener, bound to 127.0.0.1.
 */
export const PUBLIC_PATHS = new Set(['/health', '/ready']);

export function isPublicGatewayPath(url: string): boolean {
  const q = url.indexOf('?');
  return PUBLIC_PATHS.has(q < 0 ? url : url.slice(0, q));
}

function breakerName(b: BreakerGate | null): string {
  if (!b) return 'none';
  if (b.opened) return 'open';
  if (b.halfOpen) return 'half-open';
  return 'closed';
}

export type StatusSnapshot = ReturnType<typeof statusSnapshot>;

export function statusSnapshot(d: AdminDeps) {
  const now = Date.now();
  return {
    gateway: d.instanceId,
    ready: d.state.loaded && !d.draining(),
    draining: d.draining(),
    consul_view_age_s: Math.round(d.viewAgeSeconds() * 10) / 10,
    table_loaded_at: d.state.loadedAt ? new Date(d.state.loadedAt).toISOString() : null,
    table_updated_at: d.state.updatedAt ? new Date(d.state.updatedAt).toISOString() : null,
    rate_limits:
      d.rateLimitShared() === null
        ? 'off'
        : d.rateLimitShared()
          ? 'shared (redis)'
          : 'per-process (redis unavailable)',
    in_flight: d.stats.inFlight,
    requests: d.stats.requests,
    retries: d.stats.retries,
    routes: d.state.table.routes.map((r) => {
      const pool = d.state.pools.get(r.service);
      return {
        prefix: r.prefix,
        service: r.service,
        breaker: breakerName(pool?.breaker ?? null),
        instances: (pool?.upstreams ?? []).map((u) => ({
          id: u.id,
          address: u.instance.address,
          port: u.instance.port,
          node: u.instance.node ?? '',
          outstanding: u.outstanding,
          available: u.available,
          ejected: u.ejected,
          ejected_for_s: u.ejected ? Math.max(0, Math.round((u.ejectedUntil - now) / 100) / 10) : 0,
          ejections: u.ejections,
          breaker: breakerName(u.breaker),
          admits: breakerAdmits(u.breaker),
        })),
      };
    }),
    conflicts: d.state.table.conflicts.map((c) => ({ prefix: c.prefix, services: c.services })),
  };
}

const esc = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** One gateway process's table: its heading, its state line and a table per route. */
export function statusSection(s: StatusSnapshot): string {
  const rows = s.routes
    .map((r) => {
      const inst = r.instances.length
        ? r.instances
            .map(
              (i) =>
                `<tr class="${i.available ? 'ok' : 'bad'}"><td>${esc(i.id)}</td><td>${esc(i.address)}:${esc(i.port)}</td><td>${esc(i.node)}</td><td>${i.outstanding}</td><td>${
                  i.ejected ? `ejected ${i.ejected_for_s}s` : 'in'
                }</td><td>${i.ejections}</td><td>${esc(i.breaker)}</td></tr>`,
            )
            .join('')
        : '<tr class="bad"><td colspan="7">no passing instance (503)</td></tr>';
      return `<h2><code>${esc(r.prefix)}</code> → ${esc(r.service)} <small>breaker ${esc(r.breaker)}</small></h2>
<table><tr><th>instance</th><th>address</th><th>node</th><th>in flight</th><th>state</th><th>ejections</th><th>breaker</th></tr>${inst}</table>`;
    })
    .join('\n');
  return `<h1>Gateway ${esc(s.gateway)}</h1>
<p>${s.ready ? 'ready' : 'not ready'}${s.draining ? ' (draining)' : ''} · Consul view age ${s.consul_view_age_s}s · table updated ${esc(s.table_updated_at)} ·
rate limits ${esc(s.rate_limits)} · in flight ${s.in_flight} · requests ${s.requests} · retries ${s.retries}</p>
${rows || '<p>No routes: no service in Consul declares a <code>route</code> meta.</p>'}
${s.conflicts.length ? `<p>Conflicting route claims: ${s.conflicts.map((c) => `${esc(c.prefix)} (${c.services.map(esc).join(', ')})`).join('; ')}</p>` : ''}`;
}

/** The /status page around one section per gateway process. */
export function statusPage(title: string, sections: string[]): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>gateway ${esc(title)} — routing table</title>
<meta http-equiv="refresh" content="5">
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
tr.bad td{background:#fdd}tr.ok td{background:#efe}small{color:#666;font-weight:normal}</style></head><body>
${sections.join('\n<hr>\n')}
<p><a href="/status?format=json">JSON</a> · <a href="/metrics">metrics</a></p></body></html>`;
}

/** /status answers JSON for `?format=json` or a client that prefers it, else the HTML page. */
export function wantsJson(req: Request): boolean {
  return (
    req.query['format'] === 'json' ||
    (req.query['format'] !== 'html' && req.accepts(['html', 'json']) === 'json')
  );
}

/** What an operator app answers; async handlers may reject (express 5 passes the error on). */
export interface OperatorPages {
  health: (req: Request, res: Response) => unknown;
  ready: (req: Request, res: Response) => unknown;
  status: (req: Request, res: Response) => unknown;
  metrics: (req: Request, res: Response) => unknown;
}

/** The gateway's own pages, at the root and under /_gateway; anything else is a JSON 404. */
export function operatorApp(pages: OperatorPages): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  for (const base of ['', '/_gateway']) {
    app.get(`${base}/health`, pages.health);
    app.get(`${base}/ready`, pages.ready);
    app.get(`${base}/status`, pages.status);
    app.get(`${base}/metrics`, pages.metrics);
  }
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'not_found', message: 'unknown gateway page' } });
  });
  return app;
}

/** The pages of one gateway process. */
export function createAdminApp(d: AdminDeps): express.Express {
  return operatorApp({
    health: (_req, res) => {
      res.json({ status: 'ok', gateway: d.instanceId });
    },
    ready: (_req, res) => {
      const ok = d.state.loaded && !d.draining();
      res
        .status(ok ? 200 : 503)
        .json({ ready: ok, routes: d.state.table.routes.length, draining: d.draining() });
    },
    status: (req, res) => {
      const s = statusSnapshot(d);
      if (wantsJson(req)) res.json(s);
      else res.type('html').send(statusPage(s.gateway, [statusSection(s)]));
    },
    metrics: async (_req, res) => {
      res.type(d.metrics.registry.contentType).send(await d.metrics.registry.metrics());
    },
  });
}

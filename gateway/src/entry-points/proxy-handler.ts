// The hot path: one raw node:http request → rate limit → pick instance → undici dispatch → stream back, with retries.
// Written against node:http and undici's dispatcher handler directly (no express, no streams per request):
// see docs/adr/0001-gateway-proxy-path.md for why and for the measured cost.
// The steps live beside this file: request-intake.ts → upstream-attempt.ts → exchange-outcome.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../domain/route-table.js';
import { Exchange, type ProxyDeps, type ProxyStats } from './exchange.js';
import { requestIdOf, startExchange } from './request-intake.js';
import { sendError } from './exchange-outcome.js';

export type { ProxyDeps, ProxyStats } from './exchange.js';

export class ProxyHandler {
  readonly stats: ProxyStats = { inFlight: 0, requests: 0, retries: 0 };

  constructor(readonly d: ProxyDeps) {}

  handle(req: IncomingMessage, res: ServerResponse, route: Route): void {
    this.stats.requests++;
    startExchange(new Exchange(this.d, this.stats, req, res, route));
  }

  /** Answers a request the gateway cannot route (no prefix matches). */
  notFound(req: IncomingMessage, res: ServerResponse): void {
    this.d.metrics.rejected.labels('no_route').inc();
    const id = requestIdOf(req);
    sendError(res, 404, 'no_route', `no service declares a route for ${pathOf(req.url ?? '/')}`, id, []);
  }
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

// Intake of a proxied request: request id and client address, CORS preflight, body size, rate limit,
// bounded body buffering, and the choice of the service pool; then the first upstream try.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Route } from '../domain/route-table.js';
import type { RoutingState, ServicePool } from '../domain/routing-state.js';
import { breakerAdmits } from '../domain/upstream.js';
import { hasIdempotencyKey } from '../domain/retry-policy.js';
import type { Verdict } from '../domain/rate-limiter.js';
import { clientIp, normalizeIp } from '../domain/client-address.js';
import { upstreamRequestHeaders } from './forward-headers.js';
import { Outcome, type Exchange } from './exchange.js';
import { finish, onClientClose, reject } from './exchange-outcome.js';
import { tryNext } from './upstream-attempt.js';
import { hasRequestBody } from './client-guards.js';

const REQUEST_ID_RE = /^[\w\-.:/+=@]{1,128}$/;
const swallow = (): void => {};

export function requestIdOf(req: IncomingMessage): string {
  const v = req.headers['x-request-id'];
  return typeof v === 'string' && REQUEST_ID_RE.test(v) ? v : randomUUID();
}

/** The client's address: the peer, or the X-Forwarded-For entry a trusted proxy vouches for. */
export function clientIpOf(req: IncomingMessage, trusted: ReadonlySet<string>): string {
  const peer = req.socket.remoteAddress ?? '';
  return trusted.size ? clientIp(peer, req.headers['x-forwarded-for'], trusted) : normalizeIp(peer);
}

/** Why a request is refused by the rate limiter (status 429). */
export function rateLimitRefusal(v: Verdict): { metric: string; message: string } {
  return v.limit === 'concurrency'
    ? { metric: 'concurrency', message: 'too many concurrent requests from this address' }
    : { metric: `rate_${v.limit}`, message: `rate limit '${v.limit}' exceeded` };
}

export interface PoolRefusal {
  code: 'no_upstream' | 'breaker_open';
  message: string;
}

/** The pool of instances serving a route, or why none can be asked (always a 503). */
export function choosePool(state: RoutingState, route: Route): ServicePool | PoolRefusal {
  const pool = state.pools.get(route.service);
  if (!pool || pool.upstreams.length === 0) {
    return { code: 'no_upstream', message: `no passing instance of service '${route.service}'` };
  }
  if (!breakerAdmits(pool.breaker)) {
    return { code: 'breaker_open', message: `service '${route.service}' is failing; circuit open` };
  }
  return pool;
}

// Per-request listeners are shared functions that find their Exchange on the response (no closure per request).
const kExchange = Symbol('gateway.exchange');
type ExchangeResponse = ServerResponse & { [kExchange]?: Exchange };
function onResponseClose(this: ExchangeResponse): void {
  const x = this[kExchange];
  if (x) onClientClose(x);
}

export function startExchange(x: Exchange): void {
  const { req, res, d } = x;
  x.stats.inFlight++;
  x.requestId = requestIdOf(req);
  x.ip = clientIpOf(req, d.trustedProxies);
  (res as ExchangeResponse)[kExchange] = x;
  res.on('close', onResponseClose);

  if (d.cors.enabled) {
    const origin = req.headers.origin;
    if (d.cors.allows(origin)) {
      x.origin = origin;
      const acrm = req.headers['access-control-request-method'];
      if (req.method === 'OPTIONS' && typeof acrm === 'string') {
        const acrh = req.headers['access-control-request-headers'] as string | undefined;
        const h = d.cors.preflightHeaders(origin, acrm, acrh);
        h.push('X-Request-ID', x.requestId, 'Content-Length', '0');
        res.writeHead(204, h);
        res.end();
        finish(x, 204);
        return;
      }
    }
  }

  // The limit depends on the path (uploads get more); a request without a body needs none.
  const cl = req.headers['content-length'];
  if (hasRequestBody(req)) x.maxBody = d.maxBodyBytes(req.url ?? '/');
  if (cl !== undefined && Number(cl) > x.maxBody) {
    tooLarge(x);
    return;
  }

  if (d.limiter) d.limiter.check(x.ip, req.url ?? '/', Date.now(), (v) => afterLimit(x, v));
  else readBody(x);
}

function tooLarge(x: Exchange): void {
  reject(x, 413, 'body_too_large', `request body exceeds ${x.maxBody} bytes`, 'too_large');
}

function afterLimit(x: Exchange, v: Verdict): void {
  if (!v.allowed) {
    const r = rateLimitRefusal(v);
    x.d.metrics.rejected.labels(r.metric).inc();
    reject(x, 429, 'rate_limited', r.message, null, ['Retry-After', String(v.retryAfterS)]);
    return;
  }
  x.verdict = v;
  if (x.finished) {
    v.release();
    return;
  }
  readBody(x);
}

function readBody(x: Exchange): void {
  const req = x.req;
  if (!hasRequestBody(req)) {
    proceed(x);
    return;
  }
  // Buffered (bounded by maxBodyBytes) so that a failed try can be replayed to another instance.
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > x.maxBody) {
      req.removeAllListeners('data');
      req.resume();
      tooLarge(x);
      return;
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (x.finished) return;
    x.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    proceed(x);
  });
  req.on('error', swallow);
}

function proceed(x: Exchange): void {
  if (x.finished) return;
  const pool = choosePool(x.d.state, x.route);
  if (!('upstreams' in pool)) {
    reject(x, 503, pool.code, pool.message, pool.code);
    return;
  }
  x.pool = pool;
  x.idemKey = hasIdempotencyKey(x.req.headers['idempotency-key']);
  x.upHeaders = upstreamRequestHeaders(x.req, x.ip, x.requestId, x.d.trustedProxies, x.body);
  const outcome = new Outcome();
  x.serviceSettle = outcome;
  pool.breaker.fire(outcome).catch((err: unknown) => onServiceBreakerReject(x, err));
  tryNext(x);
}

function onServiceBreakerReject(x: Exchange, err: unknown): void {
  if ((err as { code?: string })?.code === 'EOPENBREAKER' && !x.finished && !x.responseStarted) {
    x.attempt?.abort?.();
  }
}

// The hot path: one raw node:http request → rate limit → pick instance → undici dispatch → stream back, with retries.
// Written against node:http and undici's dispatcher handler directly (no express, no streams per request):
// see docs/adr/0001-gateway-proxy-path.md for why and for the measured cost.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { Logger } from '@mutiroes/platform';
import type { Route } from '../domain/route-table.js';
import type { RoutingState, ServicePool } from '../domain/routing-state.js';
import { breakerAdmits, type Upstream } from '../domain/upstream.js';
import { pickUpstream } from '../domain/balancer.js';
import type { EjectionPolicy } from '../domain/ejection-policy.js';
import {
  classifyError,
  hasIdempotencyKey,
  inProgressWaitMs,
  shouldRetry,
  type RetryOptions,
  type TryFailure,
} from '../domain/retry-policy.js';
import { HOP_BY_HOP, connectionTokens, dropNamed } from '../domain/hop-by-hop.js';
import type { RateLimiter, Verdict } from '../domain/rate-limiter.js';
import { clientIp, forwardedFor, normalizeIp } from '../domain/client-address.js';
import { SECURITY_HEADERS, type CorsPolicy } from '../domain/edge-headers.js';
import type { GatewayMetrics, RouteInstanceMetrics } from './metrics.js';
import type { AccessLog } from './access-log.js';

export interface ProxyDeps {
  state: RoutingState;
  retry: RetryOptions;
  ejection: EjectionPolicy;
  metrics: GatewayMetrics;
  log: Logger;
  /** JSON access log; null = off. */
  accessLog: AccessLog | null;
  limiter: RateLimiter | null;
  cors: CorsPolicy;
  trustedProxies: ReadonlySet<string>;
  /** Body limit of a request, by its path (upload routes get more). */
  maxBodyBytes: (url: string) => number;
  /** Set while draining: responses carry `Connection: close`. */
  draining: () => boolean;
}

/** Counters the tests and the bench read. */
export interface ProxyStats {
  inFlight: number;
  requests: number;
  retries: number;
}

const REQUEST_ID_RE = /^[\w\-.:/+=@]{1,128}$/;
const swallow = (): void => {};

// Request headers not forwarded (hop-by-hop, or set by the gateway itself).
const DROP_REQUEST = new Set([
  ...HOP_BY_HOP,
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-real-ip',
  'x-request-id',
  'content-length',
  // node:http already answered `100 Continue` to the client and the body is buffered; undici refuses the header.
  'expect',
]);
const DROP_REQUEST_LENGTHS = new Set([...DROP_REQUEST].map((h) => h.length));

// Response headers not forwarded (hop-by-hop).
const DROP_RESPONSE = HOP_BY_HOP;
const DROP_RESPONSE_LENGTHS = new Set([...DROP_RESPONSE].map((h) => h.length));
const SECURITY_LOWER = SECURITY_HEADERS.map(([k]) => k.toLowerCase());
const SECURITY_LENGTHS = new Set(SECURITY_LOWER.map((h) => h.length));

export class ProxyHandler {
  readonly stats: ProxyStats = { inFlight: 0, requests: 0, retries: 0 };

  constructor(readonly d: ProxyDeps) {}

  handle(req: IncomingMessage, res: ServerResponse, route: Route): void {
    this.stats.requests++;
    new Exchange(this, req, res, route).start();
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

export function requestIdOf(req: IncomingMessage): string {
  const v = req.headers['x-request-id'];
  return typeof v === 'string' && REQUEST_ID_RE.test(v) ? v : randomUUID();
}

/** The first value of a response header in undici's raw [name, value, …] buffers (name in lower case). */
function headerValue(raw: Buffer[], name: string): string | null {
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === name.length && n.toString('latin1').toLowerCase() === name)
      return raw[i + 1]!.toString('latin1');
  }
  return null;
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  requestId: string,
  extra: string[],
): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message, request_id: requestId } });
  const h = [
    'Content-Type',
    'application/json; charset=utf-8',
    'Content-Length',
    String(Buffer.byteLength(body)),
    'X-Request-ID',
    requestId,
    ...extra,
  ];
  for (const [k, v] of SECURITY_HEADERS) h.push(k, v);
  res.writeHead(status, h);
  res.end(body);
}

/**
 * The outcome of one try (instance breaker) or one request (service breaker) as opossum records it.
 * opossum only calls `.then(onSuccess).catch(onFailure)` on what its action returns; settling this
 * by hand instead of through a Promise saves two promises and two microtask turns per breaker call
 * (measured ~6–9 µs of CPU per proxied request for the two breakers).
 */
class Outcome {
  private ok: ((v: unknown) => void) | null = null;
  private fail: ((e: unknown) => void) | null = null;

  then(ok: (v: unknown) => void): this {
    this.ok = ok;
    return this;
  }

  catch(fail: (e: unknown) => void): this {
    this.fail = fail;
    return this;
  }

  resolve(): void {
    const f = this.ok;
    this.ok = this.fail = null;
    f?.(undefined);
  }

  reject(e: unknown): void {
    const f = this.fail;
    this.ok = this.fail = null;
    f?.(e);
  }
}

// Per-request listeners are shared functions that find their Exchange on the response (no closure per request).
const kExchange = Symbol('gateway.exchange');
type ExchangeResponse = ServerResponse & { [kExchange]?: Exchange };
function onResponseClose(this: ExchangeResponse): void {
  this[kExchange]?.onClientClose();
}

class Exchange implements Dispatcher.DispatchHandler {
  private readonly d: ProxyDeps;
  private readonly t0 = performance.now();
  private requestId = '';
  private ip = '';
  private maxBody = 0;
  private origin: string | undefined;
  private body: Buffer | null = null;
  private upHeaders: string[] = [];
  private pool: ServicePool | null = null;
  private up: Upstream | null = null;
  private tried: Upstream[] | null = null;
  private tries = 0;
  /** Tries that were a wait-and-ask-again after an in-progress 409 (not counted against maxTries). */
  private polls = 0;
  /** The request carries a valid Idempotency-Key: replayable like an idempotent method. */
  private idemKey = false;
  /** Set while discarding an in-progress 409: ms to wait before asking again. */
  private pollWaitMs = 0;
  private pollTimer: NodeJS.Timeout | null = null;
  private retried: string[] | null = null;
  private verdict: Verdict | null = null;
  private abortUpstream: ((err?: Error) => void) | null = null;
  private resumeUpstream: (() => void) | null = null;
  private attemptSettle: Outcome | null = null;
  private serviceSettle: Outcome | null = null;
  /** A retryable 5xx whose body is being discarded before the next try. */
  private discarding: TryFailure | null = null;
  private responseStarted = false;
  private clientGone = false;
  private finished = false;
  private status = 0;
  private bytesOut = 0;
  private upstreamMs = -1;
  private attemptT0 = 0;
  private errorCode: string | null = null;

  constructor(
    private readonly h: ProxyHandler,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly route: Route,
  ) {
    this.d = h.d;
  }

  start(): void {
    const { req, res, d } = this;
    this.h.stats.inFlight++;
    this.requestId = requestIdOf(req);
    const peer = req.socket.remoteAddress ?? '';
    this.ip = d.trustedProxies.size
      ? clientIp(peer, req.headers['x-forwarded-for'], d.trustedProxies)
      : normalizeIp(peer);
    (res as ExchangeResponse)[kExchange] = this;
    res.on('close', onResponseClose);

    if (d.cors.enabled) {
      const origin = req.headers.origin;
      if (d.cors.allows(origin)) {
        this.origin = origin;
        const acrm = req.headers['access-control-request-method'];
        if (req.method === 'OPTIONS' && typeof acrm === 'string') {
          const h = d.cors.preflightHeaders(
            origin,
            acrm,
            req.headers['access-control-request-headers'] as string | undefined,
          );
          h.push('X-Request-ID', this.requestId, 'Content-Length', '0');
          res.writeHead(204, h);
          res.end();
          this.finish(204);
          return;
        }
      }
    }

    const cl = req.headers['content-length'];
    this.maxBody = d.maxBodyBytes(req.url ?? '/');
    if (cl !== undefined && Number(cl) > this.maxBody) {
      this.reject(413, 'body_too_large', `request body exceeds ${this.maxBody} bytes`, 'too_large');
      return;
    }

    if (d.limiter) d.limiter.check(this.ip, req.url ?? '/', Date.now(), (v) => this.afterLimit(v));
    else this.readBody();
  }

  private afterLimit(v: Verdict): void {
    if (!v.allowed) {
      this.d.metrics.rejected.labels(v.limit === 'concurrency' ? 'concurrency' : `rate_${v.limit}`).inc();
      this.reject(
        429,
        'rate_limited',
        v.limit === 'concurrency'
          ? 'too many concurrent requests from this address'
          : `rate limit '${v.limit}' exceeded`,
        null,
        ['Retry-After', String(v.retryAfterS)],
      );
      return;
    }
    this.verdict = v;
    if (this.finished) {
      v.release();
      return;
    }
    this.readBody();
  }

  private readBody(): void {
    const req = this.req;
    const hasBody =
      req.headers['content-length'] !== undefined
        ? req.headers['content-length'] !== '0'
        : req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) {
      this.proceed();
      return;
    }
    // Buffered (bounded by maxBodyBytes) so that a failed try can be replayed to another instance.
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > this.maxBody) {
        req.removeAllListeners('data');
        req.resume();
        this.reject(413, 'body_too_large', `request body exceeds ${this.maxBody} bytes`, 'too_large');
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (this.finished) return;
      this.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      this.proceed();
    });
    req.on('error', swallow);
  }

  private proceed(): void {
    if (this.finished) return;
    const pool = this.d.state.pools.get(this.route.service);
    if (!pool || pool.upstreams.length === 0) {
      this.reject(
        503,
        'no_upstream',
        `no passing instance of service '${this.route.service}'`,
        'no_upstream',
      );
      return;
    }
    if (!breakerAdmits(pool.breaker)) {
      this.reject(
        503,
        'breaker_open',
        `service '${this.route.service}' is failing; circuit open`,
        'breaker_open',
      );
      return;
    }
    this.pool = pool;
    this.idemKey = hasIdempotencyKey(this.req.headers['idempotency-key']);
    this.buildUpstreamHeaders();
    const outcome = new Outcome();
    this.serviceSettle = outcome;
    pool.breaker.fire(outcome).catch((err: unknown) => this.onServiceBreakerReject(err));
    this.tryNext();
  }

  private onServiceBreakerReject(err: unknown): void {
    if ((err as { code?: string })?.code === 'EOPENBREAKER' && !this.finished && !this.responseStarted) {
      this.abortUpstream?.();
    }
  }

  private buildUpstreamHeaders(): void {
    const { req } = this;
    const raw = req.rawHeaders;
    const out: string[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      if (DROP_REQUEST_LENGTHS.has(name.length) && DROP_REQUEST.has(name.toLowerCase())) continue;
      out.push(name, raw[i + 1]!);
    }
    const named = connectionTokens(req.headers.connection);
    if (named) dropNamed(out, named);
    const peer = req.socket.remoteAddress ?? '';
    const trusted = this.d.trustedProxies;
    const fromTrusted = trusted.size > 0 && trusted.has(normalizeIp(peer));
    const proto =
      fromTrusted && typeof req.headers['x-forwarded-proto'] === 'string'
        ? req.headers['x-forwarded-proto']
        : 'http';
    out.push(
      'x-forwarded-for',
      forwardedFor(peer, req.headers['x-forwarded-for'], trusted),
      'x-forwarded-proto',
      proto,
      'x-real-ip',
      this.ip,
      'x-request-id',
      this.requestId,
    );
    const host = req.headers.host;
    if (host) out.push('x-forwarded-host', host);
    if (this.body) out.push('content-length', String(this.body.length));
    this.upHeaders = out;
  }

  private tryNext(): void {
    const pool = this.pool!;
    const up = pickUpstream(pool.upstreams, this.tried);
    if (!up) {
      if (this.tries === 0)
        this.reject(
          503,
          'no_upstream',
          `no available instance of service '${this.route.service}'`,
          'no_upstream',
        );
      else this.failExchange(502, 'bad_gateway', 'every tried instance failed');
      return;
    }
    this.tries++;
    (this.tried ??= []).push(up);
    this.up = up;
    up.outstanding++;
    this.discarding = null;
    this.pollWaitMs = 0;
    this.abortUpstream = null;
    this.attemptT0 = performance.now();
    const attempt = new Outcome();
    this.attemptSettle = attempt;
    if (up.breaker)
      (up.breaker as unknown as { fire(p: unknown): Promise<unknown> }).fire(attempt).catch(swallow);
    try {
      (up.transport as unknown as Dispatcher).dispatch(
        {
          path: this.req.url ?? '/',
          method: this.req.method as Dispatcher.HttpMethod,
          headers: this.upHeaders,
          body: this.body,
        },
        this,
      );
    } catch (err) {
      this.onError(err as Error);
    }
  }

  // --- undici dispatch handler (legacy callback API, the one undici runs natively) ---

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.clientGone) abort();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true; // 1xx: informational, wait for the final status
    this.upstreamMs = performance.now() - this.attemptT0;
    this.resumeUpstream = resume;
    if (statusCode === 409 && this.idemKey && this.retried !== null) {
      // Our replay met the first try still running in the API ("in progress" + Retry-After): wait, ask again.
      const wait = inProgressWaitMs(
        headerValue(rawHeaders, 'retry-after'),
        performance.now() - this.t0,
        this.d.retry.budgetMs,
      );
      if (wait !== null) {
        this.pollWaitMs = wait;
        return true;
      }
    }
    if ((statusCode === 502 || statusCode === 503 || statusCode === 504) && this.d.retry.retryOn5xx) {
      const failure = `status-${statusCode}` as TryFailure;
      if (
        shouldRetry(
          {
            method: this.req.method ?? 'GET',
            idempotencyKey: this.idemKey,
            failure,
            tries: this.tries - this.polls,
            elapsedMs: performance.now() - this.t0,
            responseStarted: false,
          },
          this.d.retry,
        ) &&
        pickUpstream(this.pool!.upstreams, this.tried) !== undefined
      ) {
        this.discarding = failure;
        return true;
      }
    }
    const d = this.d;
    const out: string[] = [];
    let seenSecurity = 0;
    let seenRequestId = false;
    let named: Set<string> | null = null;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]!.toString('latin1');
      const len = name.length;
      if (DROP_RESPONSE_LENGTHS.has(len) && DROP_RESPONSE.has(name.toLowerCase())) {
        if (len === 10 && name.toLowerCase() === 'connection') {
          const t = connectionTokens(rawHeaders[i + 1]!.toString('latin1'));
          if (t) for (const x of t) (named ??= new Set()).add(x);
        }
        continue;
      }
      if (SECURITY_LENGTHS.has(len)) {
        const k = SECURITY_LOWER.indexOf(name.toLowerCase());
        if (k >= 0) seenSecurity |= 1 << k;
      } else if (len === 12 && name.toLowerCase() === 'x-request-id') seenRequestId = true;
      out.push(name, rawHeaders[i + 1]!.toString('latin1'));
    }
    if (named) {
      dropNamed(out, named);
      seenRequestId = false;
      seenSecurity = 0;
      for (let i = 0; i < out.length; i += 2) {
        const n = out[i]!.toLowerCase();
        const k = SECURITY_LOWER.indexOf(n);
        if (k >= 0) seenSecurity |= 1 << k;
        else if (n === 'x-request-id') seenRequestId = true;
      }
    }
    for (let k = 0; k < SECURITY_HEADERS.length; k++)
      if (!(seenSecurity & (1 << k))) out.push(SECURITY_HEADERS[k]![0], SECURITY_HEADERS[k]![1]);
    if (!seenRequestId) out.push('X-Request-ID', this.requestId);
    if (this.origin) d.cors.responseHeaders(this.origin, out);
    if (d.draining()) out.push('Connection', 'close');
    this.status = statusCode;
    this.responseStarted = true;
    this.res.writeHead(statusCode, out);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.discarding || this.pollWaitMs) return true;
    this.bytesOut += chunk.length;
    const ok = this.res.write(chunk);
    if (!ok) this.res.once('drain', () => this.onDrain());
    return ok;
  }

  private onDrain(): void {
    this.resumeUpstream?.();
  }

  onComplete(): void {
    if (this.pollWaitMs) {
      this.awaitInProgress();
      return;
    }
    if (this.discarding) {
      this.attemptFailed(this.discarding, null);
      return;
    }
    this.res.end();
    const up = this.up!;
    up.outstanding--;
    const s = this.status;
    if (s === 502 || s === 503 || s === 504) {
      // Passed through as is (no retry left or not retryable), but still a failure of the instance and service.
      this.d.ejection.recordFailure(up, this.pool!.upstreams, 'failure', Date.now(), `status-${s}`);
      const err = new Error(`upstream answered ${s}`);
      this.attemptSettle?.reject(err);
      this.serviceSettle?.reject(err);
    } else {
      this.d.ejection.recordSuccess(up);
      this.attemptSettle?.resolve();
      this.serviceSettle?.resolve();
    }
    this.attemptSettle = null;
    this.serviceSettle = null;
    this.finish(s);
  }

  onError(err: Error): void {
    if (this.clientGone) {
      // Our own abort after the client left: not the instance's fault.
      const up = this.up;
      if (up) up.outstanding--;
      this.attemptSettle?.resolve();
      this.attemptSettle = null;
      this.serviceSettle?.resolve();
      this.serviceSettle = null;
      this.finish(499);
      return;
    }
    this.attemptFailed(classifyError(err), err);
  }

  // --- outcomes ---

  /** The instance answered (an in-progress 409): healthy; ask again after the wait, on any untried-or-this instance. */
  private awaitInProgress(): void {
    const up = this.up!;
    up.outstanding--;
    this.d.ejection.recordSuccess(up);
    this.attemptSettle?.resolve();
    this.attemptSettle = null;
    this.abortUpstream = null;
    this.polls++;
    this.h.stats.retries++;
    (this.retried ??= []).push(`${up.id}:in-progress`);
    this.d.metrics.retries.labels(this.route.prefix, up.id, 'in-progress').inc();
    // The instance that answered 409 may be asked again: it is the one that knows the key is busy.
    const i = this.tried!.lastIndexOf(up);
    if (i >= 0) this.tried!.splice(i, 1);
    const wait = this.pollWaitMs;
    this.pollWaitMs = 0;
    this.pollTimer = setTimeout(() => this.afterPollWait(), wait);
  }

  private afterPollWait(): void {
    this.pollTimer = null;
    if (this.finished) return;
    this.tryNext();
  }

  private attemptFailed(failure: TryFailure, err: Error | null): void {
    const up = this.up!;
    up.outstanding--;
    this.errorCode = (err as { code?: string } | null)?.code ?? failure;
    const now = Date.now();
    this.d.ejection.recordFailure(
      up,
      this.pool!.upstreams,
      failure === 'refused' ? 'refused' : 'failure',
      now,
      failure,
    );
    this.attemptSettle?.reject(err ?? new Error(failure));
    this.attemptSettle = null;
    if (this.responseStarted) {
      // Never retried once bytes went out: cut the client connection so it sees a truncated response.
      this.serviceSettle?.reject(err);
      this.serviceSettle = null;
      this.res.destroy();
      this.finish(this.status);
      return;
    }
    const retry = shouldRetry(
      {
        method: this.req.method ?? 'GET',
        idempotencyKey: this.idemKey,
        failure,
        tries: this.tries - this.polls,
        elapsedMs: performance.now() - this.t0,
        responseStarted: false,
      },
      this.d.retry,
    );
    if (retry) {
      this.h.stats.retries++;
      (this.retried ??= []).push(`${up.id}:${failure}`);
      this.d.metrics.retries.labels(this.route.prefix, up.id, failure).inc();
      this.tryNext();
      return;
    }
    const [status, code] = failure === 'timeout' ? [504, 'upstream_timeout'] : [502, 'bad_gateway'];
    this.failExchange(
      status,
      code,
      `upstream ${up.id} failed (${failure}) after ${this.tries} ${this.tries === 1 ? 'try' : 'tries'}`,
    );
  }

  private failExchange(status: number, code: string, message: string): void {
    this.serviceSettle?.reject(new Error(code));
    this.serviceSettle = null;
    this.d.metrics.rejected.labels(code).inc();
    this.status = status;
    sendError(this.res, status, code, message, this.requestId, this.origin ? this.corsHeaders() : []);
    this.finish(status);
  }

  private reject(
    status: number,
    code: string,
    message: string,
    metric: string | null,
    extra: string[] = [],
  ): void {
    if (this.finished) return;
    if (metric) this.d.metrics.rejected.labels(metric).inc();
    this.serviceSettle?.resolve(); // not the service's fault
    this.serviceSettle = null;
    sendError(
      this.res,
      status,
      code,
      message,
      this.requestId,
      this.origin ? [...extra, ...this.corsHeaders()] : extra,
    );
    this.finish(status);
  }

  private corsHeaders(): string[] {
    const out: string[] = [];
    this.d.cors.responseHeaders(this.origin!, out);
    return out;
  }

  onClientClose(): void {
    if (this.finished) return;
    this.clientGone = true;
    if (this.pollTimer) {
      clearTimeout(this.pollTimer);
      this.pollTimer = null;
      this.serviceSettle?.resolve();
      this.serviceSettle = null;
      this.finish(499);
      return;
    }
    if (this.abortUpstream) this.abortUpstream();
    else if (!this.up) this.finish(499);
  }

  private finish(status: number): void {
    if (this.finished) return;
    this.finished = true;
    this.h.stats.inFlight--;
    this.verdict?.release();
    const d = this.d;
    const ms = performance.now() - this.t0;
    const up = this.up;
    const m: RouteInstanceMetrics = d.metrics.for(this.route.prefix, up ? up.id : '-');
    m.observe(ms / 1000);
    d.metrics.countStatus(m, status);
    if (d.accessLog) {
      d.accessLog.request({
        requestId: this.requestId,
        method: this.req.method ?? '',
        path: this.req.url ?? '',
        status,
        route: this.route,
        upstream: up,
        tries: this.tries,
        retried: this.retried,
        error: this.errorCode,
        durationMs: ms,
        upstreamMs: this.upstreamMs,
        bytesOut: this.bytesOut,
        clientIp: this.ip,
      });
    }
  }
}

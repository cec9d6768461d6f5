// How a proxied request ends: an error answer the gateway writes itself, the client leaving, and the
// bookkeeping every end shares (in-flight count, rate-limit lease, metrics, access log).
import type { ServerResponse } from 'node:http';
import { SECURITY_HEADERS } from '../domain/edge-headers.js';
import type { RouteInstanceMetrics } from './metrics.js';
import type { Exchange } from './exchange.js';

export function sendError(
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

/** Refused by the gateway before or without any upstream's fault (limits, no instance, open breaker). */
export function reject(
  x: Exchange,
  status: number,
  code: string,
  message: string,
  metric: string | null,
  extra: string[] = [],
): void {
  if (x.finished) return;
  if (metric) x.d.metrics.rejected.labels(metric).inc();
  x.serviceSettle?.resolve(); // not the service's fault
  x.serviceSettle = null;
  sendError(x.res, status, code, message, x.requestId, x.origin ? [...extra, ...corsHeaders(x)] : extra);
  finish(x, status);
}

/** Every try failed (or none could be made after a failure): the service failed this request. */
export function failExchange(x: Exchange, status: number, code: string, message: string): void {
  x.serviceSettle?.reject(new Error(code));
  x.serviceSettle = null;
  x.d.metrics.rejected.labels(code).inc();
  x.status = status;
  sendError(x.res, status, code, message, x.requestId, x.origin ? corsHeaders(x) : []);
  finish(x, status);
}

function corsHeaders(x: Exchange): string[] {
  const out: string[] = [];
  x.d.cors.responseHeaders(x.origin!, out);
  return out;
}

/** The client closed its connection: stop waiting, abort the try in flight (its error then ends the exchange). */
export function onClientClose(x: Exchange): void {
  if (x.finished) return;
  x.clientGone = true;
  if (x.pollTimer) {
    clearTimeout(x.pollTimer);
    x.pollTimer = null;
    x.serviceSettle?.resolve();
    x.serviceSettle = null;
    finish(x, 499);
    return;
  }
  const abort = x.attempt?.abort;
  if (abort) abort();
  else if (!x.up) finish(x, 499);
}

export function finish(x: Exchange, status: number): void {
  if (x.finished) return;
  x.finished = true;
  x.stats.inFlight--;
  x.verdict?.release();
  const d = x.d;
  const ms = performance.now() - x.t0;
  const up = x.up;
  const m: RouteInstanceMetrics = d.metrics.for(x.route.prefix, up ? up.id : '-');
  m.observe(ms / 1000);
  d.metrics.countStatus(m, status);
  if (d.accessLog) {
    d.accessLog.request({
      requestId: x.requestId,
      method: x.req.method ?? '',
      path: x.req.url ?? '',
      status,
      route: x.route,
      upstream: up,
      tries: x.tries,
      retried: x.retried,
      error: x.errorCode,
      durationMs: ms,
      upstreamMs: x.upstreamMs,
      bytesOut: x.bytesOut,
      clientIp: x.ip,
    });
  }
}

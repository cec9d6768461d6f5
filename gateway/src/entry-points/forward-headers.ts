// The headers the gateway forwards: to the upstream (HTTP and WebSocket alike) and back to the client.
import type { IncomingMessage } from 'node:http';
import { HOP_BY_HOP, connectionTokens, dropNamed } from '../domain/hop-by-hop.js';
import { forwardedFor, normalizeIp } from '../domain/client-address.js';
import { SECURITY_HEADERS, type CorsPolicy } from '../domain/edge-headers.js';

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

/**
 * Appends the headers the gateway sets itself (x-forwarded-*, x-real-ip, x-request-id) as [name, value, …].
 * X-Forwarded-Proto is taken from the request only when it comes from a trusted proxy.
 */
export function pushForwardingHeaders(
  out: string[],
  req: IncomingMessage,
  ip: string,
  requestId: string,
  trusted: ReadonlySet<string>,
): void {
  const peer = req.socket.remoteAddress ?? '';
  const fromTrusted = trusted.size > 0 && trusted.has(normalizeIp(peer));
  const xfp = req.headers['x-forwarded-proto'];
  const proto = fromTrusted && typeof xfp === 'string' ? xfp : 'http';
  out.push(
    'x-forwarded-for',
    forwardedFor(peer, req.headers['x-forwarded-for'], trusted),
    'x-forwarded-proto',
    proto,
    'x-real-ip',
    ip,
    'x-request-id',
    requestId,
  );
  const host = req.headers.host;
  if (host) out.push('x-forwarded-host', host);
}

/** The client's headers minus hop-by-hop and gateway-owned ones, plus the forwarding headers. */
export function upstreamRequestHeaders(
  req: IncomingMessage,
  ip: string,
  requestId: string,
  trusted: ReadonlySet<string>,
  body: Buffer | null,
): string[] {
  const raw = req.rawHeaders;
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (DROP_REQUEST_LENGTHS.has(name.length) && DROP_REQUEST.has(name.toLowerCase())) continue;
    out.push(name, raw[i + 1]!);
  }
  const named = connectionTokens(req.headers.connection);
  if (named) dropNamed(out, named);
  pushForwardingHeaders(out, req, ip, requestId, trusted);
  if (body) out.push('content-length', String(body.length));
  return out;
}

/** The first value of a response header in undici's raw [name, value, …] buffers (name in lower case). */
export function headerValue(raw: Buffer[], name: string): string | null {
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!;
    if (n.length === name.length && n.toString('latin1').toLowerCase() === name) {
      return raw[i + 1]!.toString('latin1');
    }
  }
  return null;
}

/**
 * The upstream's response headers as the client gets them: hop-by-hop dropped, security headers and
 * X-Request-ID added unless the upstream set them, CORS headers for an allowed origin.
 */
export function clientResponseHeaders(
  rawHeaders: Buffer[],
  requestId: string,
  origin: string | undefined,
  cors: CorsPolicy,
  draining: boolean,
): string[] {
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
  for (let k = 0; k < SECURITY_HEADERS.length; k++) {
    if (!(seenSecurity & (1 << k))) out.push(SECURITY_HEADERS[k]![0], SECURITY_HEADERS[k]![1]);
  }
  if (!seenRequestId) out.push('X-Request-ID', requestId);
  if (origin) cors.responseHeaders(origin, out);
  if (draining) out.push('Connection', 'close');
  return out;
}

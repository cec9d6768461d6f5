// When a failed try may go to the next instance — nginx proxy_next_upstream, made safe for non-idempotent methods.

/** How a try failed. `refused`/`connect-timeout`: the request never reached the upstream. */
export type TryFailure =
  'refused' | 'connect-timeout' | 'reset' | 'timeout' | 'status-502' | 'status-503' | 'status-504' | 'other';

export interface RetryOptions {
  maxTries: number;
  budgetMs: number;
  retryOn5xx: boolean;
  /**
   * Time a replayable try gets for its response headers while a further try still fits (0 or absent: no such
   * limit). See tryHeadersTimeoutMs.
   */
  tryTimeoutMs?: number;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/** Longest `Idempotency-Key` the gateway takes as a promise that a replay is safe (the API's own limit). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/**
 * True when the request carries a usable `Idempotency-Key`: the API stores the first answer under the key
 * and answers a repeat with it (`Idempotent-Replayed: true`), so a POST/PATCH may be replayed like a PUT.
 */
export function hasIdempotencyKey(value: string | string[] | undefined): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_IDEMPOTENCY_KEY_LENGTH;
}

/**
 * How long to wait before asking again when a replayed keyed request meets the API's
 * `409 Conflict` + `Retry-After` ("the first request with this key is still in progress").
 * Returns null when the answer is not that, or the wait does not fit in what is left of the budget.
 */
export function inProgressWaitMs(
  retryAfter: string | null,
  elapsedMs: number,
  budgetMs: number,
  nowMs: number = Date.now(),
): number | null {
  if (retryAfter === null) return null;
  const v = retryAfter.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return null;
    ms = Math.max(0, at - nowMs);
  }
  ms = Math.max(ms, 50); // `Retry-After: 0` must not become a busy loop
  return elapsedMs + ms < budgetMs ? ms : null;
}

/** True when the request cannot have reached the upstream application. */
export function neverReachedUpstream(f: TryFailure): boolean {
  return f === 'refused' || f === 'connect-timeout';
}

export interface RetryInput {
  method: string;
  /** The request carries a valid `Idempotency-Key` (see hasIdempotencyKey): replayable like an idempotent method. */
  idempotencyKey?: boolean;
  failure: TryFailure;
  /** Tries made so far, including the failed one. */
  tries: number;
  /** ms since the request arrived. */
  elapsedMs: number;
  /** Any response byte already sent to the client. */
  responseStarted: boolean;
}

export function shouldRetry(i: RetryInput, o: RetryOptions): boolean {
  if (i.responseStarted) return false;
  if (i.tries >= o.maxTries) return false;
  if (i.elapsedMs >= o.budgetMs) return false;
  if (neverReachedUpstream(i.failure)) return true;
  if (!i.idempotencyKey && !isIdempotent(i.method)) return false;
  switch (i.failure) {
    case 'reset':
    case 'timeout':
      return true;
    case 'status-502':
    case 'status-503':
    case 'status-504':
      return o.retryOn5xx;
    default:
      return false;
  }
}

/** Classifies a transport error (undici / node codes) into a TryFailure. */
export function classifyError(err: unknown): TryFailure {
  const code = (err as { code?: string } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return 'refused';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect-timeout';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'reset';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'timeout';
    default:
      return 'other';
  }
}

export interface TryTimeoutInput {
  method: string;
  idempotencyKey?: boolean;
  /** Tries made so far, this one included. */
  tries: number;
  /** ms since the request arrived. */
  elapsedMs: number;
}

/**
 * How long a try waits for its response headers. A replayable try (idempotent method, or an Idempotency-Key)
 * that could still be followed by another within the tries and the budget gets `tryTimeoutMs`: a request stuck on
 * an instance the gateway no longer reaches (a partition: the socket stays open and nothing comes back) is
 * abandoned and replayed elsewhere instead of waiting out `fullMs`. The last try that fits gets `fullMs`, so an
 * answer that is merely slow still arrives. Other requests always get `fullMs`.
 */
export function tryHeadersTimeoutMs(i: TryTimeoutInput, o: RetryOptions, fullMs: number): number {
  const t = o.tryTimeoutMs ?? 0;
  if (t <= 0 || t >= fullMs) return fullMs;
  if (!i.idempotencyKey && !isIdempotent(i.method)) return fullMs;
  if (i.tries >= o.maxTries || i.elapsedMs + t >= o.budgetMs) return fullMs;
  return t;
}

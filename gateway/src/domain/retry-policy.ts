// When a failed try may go to the next instance — nginx proxy_next_upstream, made safe for non-idempotent methods.

/** How a try failed. `refused`/`connect-timeout`: the request never reached the upstream. */
export type TryFailure = 'refused' | 'connect-timeout' | 'reset' | 'timeout' | 'status-502' | 'status-503' | 'status-504' | 'other';

export interface RetryOptions {
  maxTries: number;
  budgetMs: number;
  retryOn5xx: boolean;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/** True when the request cannot have reached the upstream application. */
export function neverReachedUpstream(f: TryFailure): boolean {
  return f === 'refused' || f === 'connect-timeout';
}

export interface RetryInput {
  method: string;
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
  if (!isIdempotent(i.method)) return false;
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

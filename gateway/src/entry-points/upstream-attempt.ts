// One try of a proxied request on one instance (undici dispatch handler and instance-breaker outcome),
// and what follows a try that did not end the request: the next try, or a wait-and-ask-again.
import type { Dispatcher } from 'undici';
import type { Upstream } from '../domain/upstream.js';
import { pickUpstream } from '../domain/balancer.js';
import {
  classifyError,
  inProgressWaitMs,
  shouldRetry,
  tryHeadersTimeoutMs,
  type TryFailure,
} from '../domain/retry-policy.js';
import { clientResponseHeaders, headerValue } from './forward-headers.js';
import { Outcome, type Exchange } from './exchange.js';
import { failExchange, finish, reject } from './exchange-outcome.js';

const swallow = (): void => {};

/** Starts the next try on an instance not tried yet (the balancer's pick), or ends the request. */
export function tryNext(x: Exchange): void {
  const up = pickUpstream(x.pool!.upstreams, x.tried);
  if (!up) {
    if (x.tries === 0) {
      reject(x, 503, 'no_upstream', `no available instance of service '${x.route.service}'`, 'no_upstream');
    } else failExchange(x, 502, 'bad_gateway', 'every tried instance failed');
    return;
  }
  x.tries++;
  (x.tried ??= []).push(up);
  x.up = up;
  up.outstanding++;
  const attempt = new UpstreamAttempt(x, up);
  x.attempt = attempt;
  if (up.breaker)
    (up.breaker as unknown as { fire(p: unknown): Promise<unknown> }).fire(attempt).catch(swallow);
  try {
    (up.transport as unknown as Dispatcher).dispatch(
      {
        path: x.req.url ?? '/',
        method: x.req.method as Dispatcher.HttpMethod,
        headers: x.upHeaders,
        body: x.body,
        headersTimeout: tryHeadersTimeoutMs(
          {
            method: x.req.method ?? 'GET',
            idempotencyKey: x.idemKey,
            tries: x.tries - x.polls,
            elapsedMs: performance.now() - x.t0,
          },
          x.d.retry,
          x.d.headersTimeoutMs,
        ),
      },
      attempt,
    );
  } catch (err) {
    attempt.onError(err as Error);
  }
}

function mayRetry(x: Exchange, failure: TryFailure): boolean {
  return shouldRetry(
    {
      method: x.req.method ?? 'GET',
      idempotencyKey: x.idemKey,
      failure,
      tries: x.tries - x.polls,
      elapsedMs: performance.now() - x.t0,
      responseStarted: false,
    },
    x.d.retry,
  );
}

/** Also the outcome the instance's breaker records for this try (see Outcome). */
export class UpstreamAttempt extends Outcome implements Dispatcher.DispatchHandler {
  readonly t0 = performance.now();
  /** Set by undici once connected; aborts this try. */
  abort: ((err?: Error) => void) | null = null;
  private resume: (() => void) | null = null;
  /** A retryable 5xx whose body is being discarded before the next try. */
  private discarding: TryFailure | null = null;
  /** Set while discarding an in-progress 409: ms to wait before asking again. */
  private pollWaitMs = 0;

  constructor(
    private readonly x: Exchange,
    readonly up: Upstream,
  ) {
    super();
  }

  // --- undici dispatch handler (legacy callback API, the one undici runs natively) ---

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
    if (this.x.clientGone) abort();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) return true; // 1xx: informational, wait for the final status
    const x = this.x;
    x.upstreamMs = performance.now() - this.t0;
    this.resume = resume;
    if (statusCode === 409 && x.idemKey && x.retried !== null) {
      // Our replay met the first try still running in the API ("in progress" + Retry-After): wait, ask again.
      const retryAfter = headerValue(rawHeaders, 'retry-after');
      const wait = inProgressWaitMs(retryAfter, performance.now() - x.t0, x.d.retry.budgetMs);
      if (wait !== null) {
        this.pollWaitMs = wait;
        return true;
      }
    }
    if ((statusCode === 502 || statusCode === 503 || statusCode === 504) && x.d.retry.retryOn5xx) {
      const failure = `status-${statusCode}` as TryFailure;
      if (mayRetry(x, failure) && pickUpstream(x.pool!.upstreams, x.tried) !== undefined) {
        this.discarding = failure;
        return true;
      }
    }
    const out = clientResponseHeaders(rawHeaders, x.requestId, x.origin, x.d.cors, x.d.draining());
    x.status = statusCode;
    x.responseStarted = true;
    x.res.writeHead(statusCode, out);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.discarding || this.pollWaitMs) return true;
    const res = this.x.res;
    this.x.bytesOut += chunk.length;
    const ok = res.write(chunk);
    if (!ok) res.once('drain', () => this.resume?.());
    return ok;
  }

  onComplete(): void {
    if (this.pollWaitMs) {
      this.awaitInProgress();
      return;
    }
    if (this.discarding) {
      this.failed(this.discarding, null);
      return;
    }
    const { x, up } = this;
    x.res.end();
    up.outstanding--;
    const s = x.status;
    if (s === 502 || s === 503 || s === 504) {
      // Passed through as is (no retry left or not retryable), but still a failure of the instance and service.
      x.d.ejection.recordFailure(up, x.pool!.upstreams, 'failure', Date.now(), `status-${s}`);
      const err = new Error(`upstream answered ${s}`);
      this.reject(err);
      x.serviceSettle?.reject(err);
    } else {
      x.d.ejection.recordSuccess(up);
      this.resolve();
      x.serviceSettle?.resolve();
    }
    x.serviceSettle = null;
    finish(x, s);
  }

  onError(err: Error): void {
    const x = this.x;
    if (x.clientGone) {
      // Our own abort after the client left: not the instance's fault.
      this.up.outstanding--;
      this.resolve();
      x.serviceSettle?.resolve();
      x.serviceSettle = null;
      finish(x, 499);
      return;
    }
    this.failed(classifyError(err), err);
  }

  /** The instance answered (an in-progress 409): healthy; ask again after the wait, on any untried-or-this instance. */
  private awaitInProgress(): void {
    const { x, up } = this;
    up.outstanding--;
    x.d.ejection.recordSuccess(up);
    this.resolve();
    x.attempt = null;
    x.polls++;
    x.stats.retries++;
    (x.retried ??= []).push(`${up.id}:in-progress`);
    x.d.metrics.retries.labels(x.route.prefix, up.id, 'in-progress').inc();
    // The instance that answered 409 may be asked again: it is the one that knows the key is busy.
    const i = x.tried!.lastIndexOf(up);
    if (i >= 0) x.tried!.splice(i, 1);
    x.pollTimer = setTimeout(afterPollWait, this.pollWaitMs, x);
  }

  /** This try failed: the next try if the retry policy allows, else the request fails. */
  private failed(failure: TryFailure, err: Error | null): void {
    const { x, up } = this;
    up.outstanding--;
    x.errorCode = (err as { code?: string } | null)?.code ?? failure;
    const kind = failure === 'refused' ? 'refused' : 'failure';
    x.d.ejection.recordFailure(up, x.pool!.upstreams, kind, Date.now(), failure);
    this.reject(err ?? new Error(failure));
    if (x.responseStarted) {
      // Never retried once bytes went out: cut the client connection so it sees a truncated response.
      x.serviceSettle?.reject(err);
      x.serviceSettle = null;
      x.res.destroy();
      finish(x, x.status);
      return;
    }
    if (mayRetry(x, failure)) {
      x.stats.retries++;
      (x.retried ??= []).push(`${up.id}:${failure}`);
      x.d.metrics.retries.labels(x.route.prefix, up.id, failure).inc();
      tryNext(x);
      return;
    }
    const [status, code] = failure === 'timeout' ? [504, 'upstream_timeout'] : [502, 'bad_gateway'];
    const tries = `${x.tries} ${x.tries === 1 ? 'try' : 'tries'}`;
    failExchange(x, status, code, `upstream ${up.id} failed (${failure}) after ${tries}`);
  }
}

function afterPollWait(x: Exchange): void {
  x.pollTimer = null;
  if (x.finished) return;
  tryNext(x);
}

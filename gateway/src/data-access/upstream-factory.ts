// Transports (undici keep-alive pools) and opossum breakers for upstream instances and services.
import { Pool } from 'undici';
import CircuitBreaker from 'opossum';
import type { Logger } from '@mutiroes/platform';
import type { ServiceBreaker, UpstreamFactory } from '../domain/routing-state.js';
import type { Upstream } from '../domain/upstream.js';

export interface TransportOptions {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  keepAliveMs: number;
  connections: number;
}

export interface BreakerOptions {
  errorThresholdPercentage: number;
  volumeThreshold: number;
  resetTimeout: number;
  rollingCountTimeout: number;
}

export type BreakerStateListener = (scope: 'instance' | 'service', name: string, state: 0 | 1 | 2) => void;

/** The action every breaker wraps: the caller passes the promise of its attempt, the breaker records its outcome. */
const passThrough = (p: unknown): Promise<unknown> => p as Promise<unknown>;

export class UndiciUpstreamFactory implements UpstreamFactory {
  constructor(
    private readonly transport: TransportOptions,
    private readonly breakers: BreakerOptions,
    private readonly log: Logger,
    private readonly onBreakerState: BreakerStateListener = () => {},
  ) {}

  attach(u: Upstream): void {
    u.transport = new Pool(u.origin, {
      connections: this.transport.connections,
      pipelining: 1,
      // Shorter than the upstream's own idle timeout (Node default 5 s) so we never reuse a socket it is closing.
      keepAliveTimeout: this.transport.keepAliveMs,
      keepAliveMaxTimeout: this.transport.keepAliveMs,
      headersTimeout: this.transport.headersTimeoutMs,
      bodyTimeout: this.transport.bodyTimeoutMs,
      connect: { timeout: this.transport.connectTimeoutMs },
    });
    u.breaker = this.breaker('instance', u.id);
  }

  dispose(u: Upstream): void {
    const pool = u.transport;
    // close() lets requests in flight finish, then frees the sockets.
    if (pool) void pool.close().catch(() => {});
    (u.breaker as CircuitBreaker | null)?.shutdown();
    this.onBreakerState('instance', u.id, 0);
  }

  serviceBreaker(service: string): ServiceBreaker {
    return this.breaker('service', service);
  }

  disposeService(_service: string, breaker: ServiceBreaker): void {
    (breaker as unknown as CircuitBreaker).shutdown();
  }

  private breaker(scope: 'instance' | 'service', name: string): CircuitBreaker & ServiceBreaker {
    const b = new CircuitBreaker(passThrough, {
      timeout: false,
      errorThresholdPercentage: this.breakers.errorThresholdPercentage,
      volumeThreshold: this.breakers.volumeThreshold,
      resetTimeout: this.breakers.resetTimeout,
      rollingCountTimeout: this.breakers.rollingCountTimeout,
      rollingCountBuckets: 10,
      enableSnapshots: false,
      // Latency percentiles cost an array push per call and are not used (the gateway has its own histogram).
      rollingPercentilesEnabled: false,
      name: `${scope}:${name}`,
    });
    b.on('open', () => {
      this.log.warn('circuit breaker opened', { scope, name });
      this.onBreakerState(scope, name, 2);
    });
    b.on('halfOpen', () => this.onBreakerState(scope, name, 1));
    b.on('close', () => {
      this.log.info('circuit breaker closed', { scope, name });
      this.onBreakerState(scope, name, 0);
    });
    return b as CircuitBreaker & ServiceBreaker;
  }
}

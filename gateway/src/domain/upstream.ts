// One upstream instance as the balancer sees it: load, failures, ejection and breaker state.
import type { CatalogInstance } from './catalog.js';

/** The transport to one instance (an undici Pool in production); kept abstract so the domain is testable. */
export interface UpstreamTransport {
  close(): Promise<void>;
}

/** The breaker gate of one instance or service (an opossum CircuitBreaker in production). */
export interface BreakerGate {
  readonly opened: boolean;
  readonly halfOpen: boolean;
  /** Half-open and its single trial call not yet made. */
  readonly pendingClose: boolean;
}

/** Whether a breaker lets the next call through (closed, or half-open with the trial still unused). */
export function breakerAdmits(b: BreakerGate | null): boolean {
  if (!b) return true;
  if (b.opened) return false;
  return !b.halfOpen || b.pendingClose;
}

export class Upstream {
  /** Requests in flight (selection key for least-outstanding). */
  outstanding = 0;
  consecutiveFailures = 0;
  /** Set at ejection, cleared by the re-admission timer. */
  ejected = false;
  ejectedUntil = 0;
  ejections = 0;
  lastEjectedAt = 0;
  /** Removed from Consul: never selected again; closed once idle. */
  removed = false;
  readonly origin: string;

  constructor(
    readonly key: string,
    readonly instance: CatalogInstance,
    public transport: UpstreamTransport | null = null,
    public breaker: BreakerGate | null = null,
  ) {
    this.origin = `http://${instance.address.includes(':') ? `[${instance.address}]` : instance.address}:${instance.port}`;
  }

  get id(): string {
    return this.instance.id;
  }

  /** Selectable: not ejected, not removed, its breaker not open. */
  get available(): boolean {
    return !this.ejected && !this.removed && breakerAdmits(this.breaker);
  }

  static keyOf(i: CatalogInstance): string {
    return `${i.service}/${i.id}@${i.address}:${i.port}`;
  }
}

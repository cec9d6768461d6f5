// Prometheus metrics of one gateway process; label children are cached so the hot path only does arithmetic.
import client from 'prom-client';

type Child = { observe(v: number): void };
type Inc = { inc(v?: number): void };

export interface RouteInstanceMetrics {
  duration: Child;
  byStatus: Map<number, Inc>;
  route: string;
  instance: string;
}

export class GatewayMetrics {
  readonly registry = new client.Registry();
  readonly requests = new client.Counter({
    name: 'gateway_requests_total',
    help: 'Proxied requests by route, upstream instance and status',
    labelNames: ['route', 'instance', 'status'] as const,
    registers: [this.registry],
  });
  readonly duration = new client.Histogram({
    name: 'gateway_request_duration_seconds',
    help: 'Time from request arrival to the end of the response, by route and upstream instance',
    labelNames: ['route', 'instance'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly retries = new client.Counter({
    name: 'gateway_retries_total',
    help: 'Tries sent to another instance after a failure, by route, failed instance and reason',
    labelNames: ['route', 'instance', 'reason'] as const,
    registers: [this.registry],
  });
  readonly ejections = new client.Counter({
    name: 'gateway_ejections_total',
    help: 'Passive ejections of upstream instances',
    labelNames: ['service', 'instance', 'reason'] as const,
    registers: [this.registry],
  });
  readonly ejected = new client.Gauge({
    name: 'gateway_upstream_ejected',
    help: '1 while the instance is ejected',
    labelNames: ['service', 'instance'] as const,
    registers: [this.registry],
  });
  readonly breakerState = new client.Gauge({
    name: 'gateway_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
    labelNames: ['scope', 'name'] as const,
    registers: [this.registry],
  });
  readonly rejected = new client.Counter({
    name: 'gateway_rejected_total',
    help: 'Requests answered by the gateway itself, by reason (rate, concurrency, breaker_open, no_route, no_upstream, too_large…)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly rateLimitShared = new client.Gauge({
    name: 'gateway_rate_limit_shared',
    help: '1 when rate limits are decided in Redis (shared by all gateways), 0 on the per-process fallback',
    registers: [this.registry],
  });
  readonly consulViewAge: client.Gauge;
  readonly upstreams: client.Gauge<'service' | 'state'>;

  private readonly children = new Map<string, RouteInstanceMetrics>();

  constructor(
    viewAgeSeconds: () => number,
    upstreamCounts: () => Array<{ service: string; state: string; n: number }>,
  ) {
    this.consulViewAge = new client.Gauge({
      name: 'gateway_consul_view_age_seconds',
      help: 'Seconds since the routing table was last confirmed by Consul',
      registers: [this.registry],
      collect() {
        this.set(viewAgeSeconds());
      },
    });
    this.upstreams = new client.Gauge({
      name: 'gateway_upstreams',
      help: 'Upstream instances in the routing table by service and state (available, ejected, breaker_open)',
      labelNames: ['service', 'state'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const c of upstreamCounts()) this.set({ service: c.service, state: c.state }, c.n);
      },
    });
    client.collectDefaultMetrics({ register: this.registry, prefix: 'gateway_process_' });
  }

  /** Cached label children for one (route, instance) pair. */
  for(route: string, instance: string): RouteInstanceMetrics {
    const key = `${route}\u0000${instance}`;
    let c = this.children.get(key);
    if (!c) {
      c = { duration: this.duration.labels(route, instance), byStatus: new Map(), route, instance };
      this.children.set(key, c);
    }
    return c;
  }

  countStatus(c: RouteInstanceMetrics, status: number): void {
    let inc = c.byStatus.get(status);
    if (!inc) {
      inc = this.requests.labels(c.route, c.instance, String(status));
      c.byStatus.set(status, inc);
    }
    inc.inc();
  }
}

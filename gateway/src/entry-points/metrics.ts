// Prometheus metrics of one gateway process. The two per-request series (requests by status, latency
// histogram) are lean collectors registered in prom-client's registry: prom-client's own labelled
// observe()/inc() re-validate and re-hash the labels on every call (~3–4 µs per proxied request).
import client from 'prom-client';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Per (route, instance): status counts and a latency histogram, updated with plain arithmetic. */
export class RouteInstanceMetrics {
  readonly byStatus = new Map<number, number>();
  readonly buckets = new Float64Array(LATENCY_BUCKETS.length);
  sum = 0;
  count = 0;

  constructor(
    readonly route: string,
    readonly instance: string,
  ) {}

  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
      if (seconds <= LATENCY_BUCKETS[i]!) {
        this.buckets[i]!++;
        return;
      }
    }
  }
}

type MetricValue = { value: number; labels: Record<string, string | number>; metricName?: string };

/** A prom-client registry entry computed at scrape time from the RouteInstanceMetrics. */
class LeanCollector {
  readonly aggregator = 'sum' as const;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'histogram',
    private readonly values: () => MetricValue[],
  ) {}

  get(): { name: string; help: string; type: string; values: MetricValue[]; aggregator: 'sum' } {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values: this.values(),
      aggregator: this.aggregator,
    };
  }

  reset(): void {}
}

/**
 * One process's metrics. With GATEWAY_WORKERS > 1 the primary sums the workers' registries (cluster-admin.ts):
 * counters and histograms add up; the gauges say how each combines (the worst worker, or all of them).
 */
export class GatewayMetrics {
  readonly registry = new client.Registry();
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
    aggregator: 'max',
  });
  readonly breakerState = new client.Gauge({
    name: 'gateway_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
    labelNames: ['scope', 'name'] as const,
    registers: [this.registry],
    aggregator: 'max',
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
    aggregator: 'min',
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
      aggregator: 'max',
      collect() {
        this.set(viewAgeSeconds());
      },
    });
    this.upstreams = new client.Gauge({
      name: 'gateway_upstreams',
      help: 'Upstream instances in the routing table by service and state (available, ejected, breaker_open)',
      labelNames: ['service', 'state'] as const,
      registers: [this.registry],
      aggregator: 'max',
      collect() {
        this.reset();
        for (const c of upstreamCounts()) this.set({ service: c.service, state: c.state }, c.n);
      },
    });
    client.collectDefaultMetrics({ register: this.registry, prefix: 'gateway_process_' });
    this.registry.registerMetric(
      new LeanCollector(
        'gateway_requests_total',
        'Proxied requests by route, upstream instance and status',
        'counter',
        () => {
          const out: MetricValue[] = [];
          for (const c of this.children.values())
            for (const [status, n] of c.byStatus)
              out.push({ value: n, labels: { route: c.route, instance: c.instance, status } });
          return out;
        },
      ) as unknown as client.Metric,
    );
    this.registry.registerMetric(
      new LeanCollector(
        'gateway_request_duration_seconds',
        'Time from request arrival to the end of the response, by route and upstream instance',
        'histogram',
        () => {
          const out: MetricValue[] = [];
          for (const c of this.children.values()) {
            const labels = { route: c.route, instance: c.instance };
            let acc = 0;
            LATENCY_BUCKETS.forEach((le, i) => {
              acc += c.buckets[i]!;
              out.push({
                value: acc,
                labels: { ...labels, le },
                metricName: 'gateway_request_duration_seconds_bucket',
              });
            });
            out.push({
              value: c.count,
              labels: { ...labels, le: '+Inf' },
              metricName: 'gateway_request_duration_seconds_bucket',
            });
            out.push({ value: c.sum, labels, metricName: 'gateway_request_duration_seconds_sum' });
            out.push({ value: c.count, labels, metricName: 'gateway_request_duration_seconds_count' });
          }
          return out;
        },
      ) as unknown as client.Metric,
    );
  }

  /** The per-request counters of one (route, instance) pair. */
  for(route: string, instance: string): RouteInstanceMetrics {
    const key = `${route}\u0000${instance}`;
    let c = this.children.get(key);
    if (!c) {
      c = new RouteInstanceMetrics(route, instance);
      this.children.set(key, c);
    }
    return c;
  }

  countStatus(c: RouteInstanceMetrics, status: number): void {
    c.byStatus.set(status, (c.byStatus.get(status) ?? 0) + 1);
  }
}

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayMetrics } from './metrics.js';

describe('gateway metrics', () => {
  test('when requests are recorded then /metrics exposes cumulative buckets, sum, count and status counters', async () => {
    const m = new GatewayMetrics(
      () => 1.5,
      () => [{ service: 'api', state: 'available', n: 3 }],
    );
    const c = m.for('/api', 'api-1');
    assert.equal(m.for('/api', 'api-1'), c, 'children are cached');
    for (const s of [0.0007, 0.2, 20]) c.observe(s);
    m.countStatus(c, 200);
    m.countStatus(c, 200);
    m.countStatus(c, 502);
    const text = await m.registry.metrics();
    const line = (l: string) => assert.ok(text.split('\n').includes(l), `missing: ${l}\n${text}`);
    line('gateway_requests_total{route="/api",instance="api-1",status="200"} 2');
    line('gateway_requests_total{route="/api",instance="api-1",status="502"} 1');
    line('gateway_request_duration_seconds_bucket{route="/api",instance="api-1",le="0.0005"} 0');
    line('gateway_request_duration_seconds_bucket{route="/api",instance="api-1",le="0.001"} 1');
    line('gateway_request_duration_seconds_bucket{route="/api",instance="api-1",le="0.25"} 2');
    line('gateway_request_duration_seconds_bucket{route="/api",instance="api-1",le="+Inf"} 3');
    line('gateway_request_duration_seconds_sum{route="/api",instance="api-1"} 20.2007');
    line('gateway_request_duration_seconds_count{route="/api",instance="api-1"} 3');
    line('gateway_consul_view_age_seconds 1.5');
    line('gateway_upstreams{service="api",state="available"} 3');
    line('# TYPE gateway_request_duration_seconds histogram');
  });
});

// The proxy core through real sockets: real gateway server, real HTTP backends; the catalog is fed in-process
// (the Consul-driven behaviour is covered by gateway.int.test.ts against the mesh).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { createLogger, waitFor } from '@mutiroes/platform';
import { loadConfig } from './config.js';
import { startGateway, type GatewayHandle } from './gateway.js';
import { StaticCatalog, instance } from './testing/static-catalog.js';
import { startEchoBackend, type EchoBackend } from './testing/echo-backend.js';

const log = createLogger({ service: 'gateway', instance: 'unit', level: 'error' });

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function boot(
  env: Record<string, string> = {},
): Promise<{ gw: GatewayHandle; catalog: StaticCatalog }> {
  const catalog = new StaticCatalog();
  const config = loadConfig({
    PORT: '0',
    INSTANCE_ID: 'gw-unit',
    GATEWAY_RATE_LIMIT: 'false',
    GATEWAY_ACCESS_LOG: 'false',
    ...env,
  });
  const gw = await startGateway(config, { catalog, redis: null, log });
  return { gw, catalog };
}

describe('gateway proxy core', () => {
  let b1: EchoBackend;
  let b2: EchoBackend;
  let deadPort: number;
  let gw: GatewayHandle;
  let catalog: StaticCatalog;

  before(async () => {
    b1 = await startEchoBackend({ name: 'b1' });
    b2 = await startEchoBackend({ name: 'b2' });
    deadPort = await freePort();
    ({ gw, catalog } = await boot({
      GATEWAY_MAX_BODY_BYTES: '1000',
      GATEWAY_CORS_ORIGINS: 'https://app.example',
    }));
    catalog.set([
      instance('api', 'b1', b1.port, { route: '/api', routes: '/health' }),
      instance('api', 'b2', b2.port, { route: '/api' }),
      instance('worker', 'w-dead', deadPort, { route: '/queues' }),
    ]);
  });
  after(async () => {
    await gw.close();
    await b1.close();
    await b2.close();
  });

  test('when requests are proxied then they reach the instances with forwarding headers and come back with security headers', async () => {
    const res = await fetch(`${gw.url}/api/__echo?x=1`, {
      headers: {
        'x-request-id': 'req-123',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        'x-forwarded-for': '6.6.6.6',
      },
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { url: string; headers: Record<string, string> };
    assert.equal(body.url, '/api/__echo?x=1');
    assert.equal(body.headers['x-request-id'], 'req-123');
    assert.equal(body.headers['traceparent'], '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    assert.equal(
      body.headers['x-forwarded-for'],
      '127.0.0.1',
      'X-Forwarded-For from an untrusted peer is replaced',
    );
    assert.equal(body.headers['x-forwarded-proto'], 'http');
    assert.equal(body.headers['x-forwarded-host'], new URL(gw.url).host);
    assert.equal(res.headers.get('x-request-id'), 'req-123');
    assert.equal(res.headers.get('x-frame-options'), 'SAMEORIGIN');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(res.headers.get('referrer-policy'));

    const generated = await fetch(`${gw.url}/api/x`);
    assert.match(generated.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    await generated.arrayBuffer();
  });

  test('when many requests are sent then both instances get traffic', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const r = await fetch(`${gw.url}/api/x`);
      seen.add(r.headers.get('x-instance') ?? '');
      await r.arrayBuffer();
    }
    assert.deepEqual([...seen].sort(), ['b1', 'b2']);
  });

  test('when no route matches then 404, and a routed service without a live instance answers 503', async () => {
    const r = await fetch(`${gw.url}/nowhere`);
    assert.equal(r.status, 404);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'no_route');
    const q = await fetch(`${gw.url}/queues/x`);
    assert.equal(q.status, 502, 'the only instance refuses: tried, failed');
    await q.arrayBuffer();
  });

  test('when an instance refuses connections then GETs still succeed and it is ejected at once', async () => {
    catalog.set([
      instance('api', 'b1', b1.port, { route: '/api', routes: '/health' }),
      instance('api', 'b2', b2.port, { route: '/api' }),
      instance('api', 'dead', deadPort, { route: '/api' }),
    ]);
    const before = gw.proxy.stats.retries;
    for (let i = 0; i < 30; i++) {
      const r = await fetch(`${gw.url}/api/x`);
      assert.equal(r.status, 200);
      await r.arrayBuffer();
    }
    const dead = gw.state.pools.get('api')!.upstreams.find((u) => u.id === 'dead')!;
    assert.equal(dead.ejected, true);
    assert.ok(dead.ejectedUntil - Date.now() > 9_000);
    assert.equal(gw.proxy.stats.retries - before, 1, 'one retry, then the instance is out');
    const status = (await (await fetch(`${gw.adminUrl}/status?format=json`)).json()) as {
      routes: Array<{ prefix: string; instances: Array<{ id: string; ejected: boolean }> }>;
    };
    assert.equal(
      status.routes.find((r) => r.prefix === '/api')!.instances.find((i) => i.id === 'dead')!.ejected,
      true,
    );
    const html = await (await fetch(`${gw.adminUrl}/status`, { headers: { accept: 'text/html' } })).text();
    assert.match(html, /<table>/);
    assert.match(html, /dead/);
  });

  test('when a POST reached an upstream that then dropped the connection then it is not replayed and the client gets 502', async () => {
    const rid = `post-${Date.now()}`;
    const r = await fetch(`${gw.url}/api/__destroy`, {
      method: 'POST',
      body: '{"a":1}',
      headers: { 'x-request-id': rid, 'content-type': 'application/json' },
    });
    assert.equal(r.status, 502);
    await r.arrayBuffer();
    assert.equal((b1.seen.get(rid) ?? 0) + (b2.seen.get(rid) ?? 0), 1);
  });

  test('when a GET reached an upstream that dropped the connection then it is retried on another instance', async () => {
    const rid = `get-${Date.now()}`;
    const r = await fetch(`${gw.url}/api/__destroy`, { headers: { 'x-request-id': rid } });
    // Every live instance drops it: b1 and b2 tried once each (the ejected one is not used while others live).
    assert.equal(r.status, 502);
    await r.arrayBuffer();
    assert.equal(b1.seen.get(rid), 1);
    assert.equal(b2.seen.get(rid), 1);
  });

  test('when an upstream answers 503 then a GET goes to the next instance and a POST gets the 503', async () => {
    const rid = `s-${Date.now()}`;
    const r = await fetch(`${gw.url}/api/__status/503`, { headers: { 'x-request-id': rid } });
    assert.equal(r.status, 503);
    await r.arrayBuffer();
    assert.equal((b1.seen.get(rid) ?? 0) + (b2.seen.get(rid) ?? 0), 2);
    const pid = `p-${Date.now()}`;
    const p = await fetch(`${gw.url}/api/__status/503`, {
      method: 'POST',
      body: 'x',
      headers: { 'x-request-id': pid },
    });
    assert.equal(p.status, 503);
    assert.equal(
      ((await p.json()) as { instance: string }).instance.startsWith('b'),
      true,
      'the upstream body is passed through',
    );
    assert.equal((b1.seen.get(pid) ?? 0) + (b2.seen.get(pid) ?? 0), 1);
  });

  test('when a client sends Expect: 100-continue then the body is still proxied', async () => {
    const body = 'z'.repeat(900);
    const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const r = http.request(`${gw.url}/api/__echo`, {
        method: 'POST',
        headers: { expect: '100-continue', 'content-length': body.length },
      });
      r.on('continue', () => r.end(body));
      r.on('response', (m) => {
        let t = '';
        m.on('data', (c) => (t += c));
        m.on('end', () => resolve({ status: m.statusCode!, text: t }));
      });
      r.on('error', reject);
    });
    assert.equal(res.status, 200);
    assert.equal((JSON.parse(res.text) as { body_length: number }).body_length, 900);
  });

  test('when the body exceeds the limit then 413, and a body within it is forwarded whole', async () => {
    const big = await fetch(`${gw.url}/api/__echo`, { method: 'POST', body: 'x'.repeat(1001) });
    assert.equal(big.status, 413);
    await big.arrayBuffer();
    const ok = await fetch(`${gw.url}/api/__echo`, { method: 'PUT', body: 'y'.repeat(1000) });
    assert.equal(((await ok.json()) as { body_length: number }).body_length, 1000);
  });

  test('when an SSE stream is proxied then events arrive as they are sent', async () => {
    const r = await fetch(`${gw.url}/api/__sse`);
    assert.equal(r.headers.get('content-type'), 'text/event-stream');
    const reader = r.body!.getReader();
    const first = await reader.read();
    const t0 = Date.now();
    let rest = '';
    for (;;) {
      const c = await reader.read();
      if (c.done) break;
      rest += Buffer.from(c.value).toString();
    }
    assert.match(Buffer.from(first.value!).toString(), /data: tick 1/);
    assert.match(rest, /data: tick 3/);
    assert.ok(Date.now() - t0 >= 60, 'later events came later: streamed, not buffered');
  });

  test('when a client asks for a protocol upgrade then the connection is passed through', async () => {
    const sock = net.connect(gw.port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(
      `GET /api/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
    );
    let got = '';
    sock.on('data', (d) => (got += d.toString()));
    await new Promise((r) => setTimeout(r, 150));
    sock.write('ping-123');
    await new Promise((r) => setTimeout(r, 150));
    sock.destroy();
    assert.match(got, /^HTTP\/1.1 101/);
    assert.match(got, /ping-123/);
  });

  test('when the gateway closes then its websocket connections are ended too (the HTTP server does not track them)', async () => {
    const own = await boot();
    own.catalog.set([instance('api', 'b1', b1.port, { route: '/api' })]);
    await waitFor(() => own.gw.state.pools.get('api')?.upstreams.length === 1, {
      timeoutMs: 2000,
      description: 'route table',
    });
    const sock = net.connect(own.gw.port, '127.0.0.1');
    let closed = false;
    sock.once('close', () => (closed = true));
    let got = '';
    sock.on('data', (d) => (got += d.toString()));
    sock.on('error', () => {});
    sock.write(`GET /api/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
    await waitFor(() => /^HTTP\/1.1 101/.test(got), {
      timeoutMs: 2000,
      description: '101 through the gateway',
    });
    await own.gw.close();
    const ended = await waitFor(() => closed, {
      timeoutMs: 2000,
      description: 'the client side of the tunnel closed',
    }).catch(() => false);
    sock.destroy();
    assert.equal(ended, true, 'the upgraded client connection was closed by gw.close()');
  });

  test('when a CORS preflight comes from an allowed origin then the gateway answers it', async () => {
    const r = await fetch(`${gw.url}/api/x`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://app.example');
    const other = await fetch(`${gw.url}/api/x`, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    await other.arrayBuffer();
  });

  test('when the gateway pages are asked for then /health, /ready and /metrics answer', async () => {
    assert.equal((await fetch(`${gw.url}/health`)).status, 200);
    assert.equal((await fetch(`${gw.url}/ready`)).status, 200);
    const m = await (await fetch(`${gw.adminUrl}/metrics`)).text();
    assert.match(m, /gateway_requests_total\{route="\/api",instance="b1",status="200"\}/);
    assert.match(m, /gateway_retries_total/);
    assert.match(m, /gateway_ejections_total\{service="api",instance="dead"/);
    assert.match(m, /gateway_consul_view_age_seconds/);
    assert.match(m, /gateway_breaker_state|gateway_upstreams/);
    // /health/ (with a slash) belongs to the service that declared /health
    const h = await fetch(`${gw.url}/health/`);
    assert.ok(['b1', 'b2'].includes(h.headers.get('x-instance')!));
    await h.arrayBuffer();
  });
});

describe('gateway retries of keyed writes (Idempotency-Key)', () => {
  let k1: EchoBackend;
  let k2: EchoBackend;
  let gw: GatewayHandle;
  before(async () => {
    k1 = await startEchoBackend({ name: 'k1' });
    k2 = await startEchoBackend({ name: 'k2' });
    // No ejection, no breaker: the balancer keeps choosing between both, whatever k1 does.
    const booted = await boot({ GATEWAY_EJECT_AFTER_FAILURES: '1000', GATEWAY_BREAKER_VOLUME: '1000' });
    gw = booted.gw;
    booted.catalog.set([instance('api', 'k1', k1.port), instance('api', 'k2', k2.port)]);
  });
  after(async () => {
    await gw.close();
    await k1.close();
    await k2.close();
  });

  const post = (path: string, headers: Record<string, string>) =>
    fetch(`${gw.url}${path}`, {
      method: 'POST',
      body: '{"title":"x"}',
      headers: { 'content-type': 'application/json', ...headers },
    });

  test('when a keyed POST reached an instance that dropped the connection then the other instance answers, having seen the same key', async () => {
    // k1 drops every request to this path, k2 answers: loop until the balancer picked k1 first (p = 1/2 each).
    let replayed = 0;
    for (let i = 0; i < 24 && replayed < 2; i++) {
      const key = `key-${Date.now()}-${i}`;
      const r = await post('/api/__destroy-unless/k2', {
        'idempotency-key': key,
        'x-request-id': `rk-${key}`,
      });
      assert.equal(r.status, 200, 'never a 502: the keyed POST is replayed');
      assert.equal(((await r.json()) as { instance: string }).instance, 'k2');
      if (k1.seenKeys.get(key)) {
        replayed++;
        assert.equal(k1.seenKeys.get(key), 1);
        assert.equal(k2.seenKeys.get(key), 1, 'the second instance got the same Idempotency-Key');
        assert.equal(k2.seen.get(`rk-${key}`), 1, 'and the same request id');
      } else assert.equal(k2.seenKeys.get(key), 1);
    }
    assert.ok(replayed >= 1, 'k1 was picked first at least once');
  });

  test('when the same POST has no Idempotency-Key then it is not replayed: 502, seen once', async () => {
    let dropped = 0;
    for (let i = 0; i < 24 && dropped < 2; i++) {
      const rid = `nokey-${Date.now()}-${i}`;
      const r = await post('/api/__destroy-unless/k2', { 'x-request-id': rid });
      await r.arrayBuffer();
      if (k1.seen.get(rid)) {
        dropped++;
        assert.equal(r.status, 502);
        assert.equal(k2.seen.get(rid) ?? 0, 0, 'never sent to the second instance');
      } else assert.equal(r.status, 200);
    }
    assert.ok(dropped >= 1, 'k1 was picked first at least once');
  });

  test('when a key longer than 200 characters is sent then the POST is treated as unkeyed', async () => {
    const r = await post('/api/__destroy', {
      'idempotency-key': 'k'.repeat(201),
      'x-request-id': `long-${Date.now()}`,
    });
    assert.equal(r.status, 502);
    await r.arrayBuffer();
  });

  test('when the replay finds the first try still in progress (409 + Retry-After) then the gateway waits and asks again', async () => {
    const key = `idem-${Date.now()}`;
    const t0 = Date.now();
    const r = await post('/api/__idem', { 'idempotency-key': key });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('idempotent-replayed'), 'true');
    await r.arrayBuffer();
    assert.ok(Date.now() - t0 >= 950, 'waited per Retry-After: 1');
    assert.equal(
      (k1.seenKeys.get(key) ?? 0) + (k2.seenKeys.get(key) ?? 0),
      3,
      'dropped, in progress, replayed',
    );
  });

  test('when a first try (no replay by the gateway) gets 409 in progress then the client gets the 409 with Retry-After', async () => {
    const key = `idem-client-${Date.now()}`;
    // A first request with this key already went in and died (the store counts it): sent straight to k1.
    await fetch(`http://127.0.0.1:${k1.port}/api/__idem`, {
      method: 'POST',
      body: '{}',
      headers: { 'idempotency-key': key },
    }).catch(() => undefined);
    const r = await post('/api/__idem', { 'idempotency-key': key });
    assert.equal(r.status, 409);
    assert.equal(r.headers.get('retry-after'), '1');
    await r.arrayBuffer();
  });

  test('when hop-by-hop headers are named in Connection then they are removed in both directions', async () => {
    const res = await new Promise<{ headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const r = http.request(`${gw.url}/api/__hop`, {
        headers: {
          connection: 'keep-alive, X-Secret-Hop',
          'x-secret-hop': 'drop-me',
          'keep-alive': 'timeout=5',
          'proxy-authorization': 'Basic eDp5',
          'x-kept': 'yes',
        },
      });
      r.on('response', (m) => {
        let t = '';
        m.on('data', (c) => (t += c));
        m.on('end', () => resolve({ headers: m.headers, body: t }));
      });
      r.on('error', reject);
      r.end();
    });
    const seen = (JSON.parse(res.body) as { headers: Record<string, string> }).headers;
    assert.equal(seen['x-secret-hop'], undefined, 'named in the client Connection header');
    assert.equal(seen['proxy-authorization'], undefined);
    assert.equal(seen['keep-alive'], undefined);
    assert.equal(seen['x-kept'], 'yes');
    assert.equal(res.headers['x-private-hop'], undefined, 'named in the upstream Connection header');
    assert.equal(res.headers['x-public'], 'ok');
    assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
    assert.ok(res.headers['x-request-id']);
  });
});

describe('gateway per-process rate limits (no redis)', () => {
  let b: EchoBackend;
  let gw: GatewayHandle;
  before(async () => {
    b = await startEchoBackend({ name: 'rl' });
    const booted = await boot({ GATEWAY_RATE_LIMIT: 'true' });
    gw = booted.gw;
    booted.catalog.set([instance('api', 'rl', b.port)]);
  });
  after(async () => {
    await gw.close();
    await b.close();
  });

  test('when the auth limit (10 r/min, burst 10) is hit then exactly 11 pass and the rest get 429 with Retry-After', async () => {
    const rs = await Promise.all(
      Array.from({ length: 15 }, () => fetch(`${gw.url}/api/token/`, { method: 'POST', body: '{}' })),
    );
    const codes = rs.map((r) => r.status);
    await Promise.all(rs.map((r) => r.arrayBuffer()));
    assert.equal(codes.filter((c) => c === 200).length, 11);
    assert.equal(codes.filter((c) => c === 429).length, 4);
    const limited = rs.find((r) => r.status === 429)!;
    assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  });
});

describe('gateway circuit breakers', () => {
  let b1: EchoBackend;
  let b2: EchoBackend;
  let gw: GatewayHandle;
  before(async () => {
    b1 = await startEchoBackend({ name: 'cb1' });
    b2 = await startEchoBackend({ name: 'cb2' });
    const booted = await boot({
      GATEWAY_BREAKER_VOLUME: '4',
      GATEWAY_RETRY_ON_5XX: 'false',
      GATEWAY_EJECT_AFTER_FAILURES: '1000',
      GATEWAY_BREAKER_RESET_MS: '60000',
    });
    gw = booted.gw;
    booted.catalog.set([instance('api', 'cb1', b1.port), instance('api', 'cb2', b2.port)]);
  });
  after(async () => {
    await gw.close();
    await b1.close();
    await b2.close();
  });

  test('when a service keeps failing then its breaker opens and requests get 503 at once without reaching it', async () => {
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${gw.url}/api/__status/502`);
      await r.arrayBuffer();
      if (r.status !== 502) {
        assert.equal((await fetch(`${gw.url}/api/x`)).status, 503);
        break;
      }
    }
    const seen = b1.requests + b2.requests;
    const r = await fetch(`${gw.url}/api/x`);
    assert.equal(r.status, 503);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'breaker_open');
    assert.equal(b1.requests + b2.requests, seen, 'nothing reached the instances');
    const m = await (await fetch(`${gw.adminUrl}/metrics`)).text();
    assert.match(m, /gateway_breaker_state\{scope="service",name="api"\} 2/);
  });
});

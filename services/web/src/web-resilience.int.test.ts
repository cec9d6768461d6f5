// Failure behaviour of the web app: a SIGKILLed web instance under page load costs no failed page load
// (the gateway retries idempotent GETs elsewhere); the API client balances over the API instances found in
// Consul, retries idempotent calls past a failing instance, carries the request id; an API outage or 5xx
// becomes a clear 503 page with a retry link, never a blank page or a stack trace.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, sleep, waitFor } from '@mutiroes/platform';
import { ConsulRegistry, type Registration } from '@mutiroes/registry';
import { openWebFixture, run, type WebFixture } from './test-support/web-fixture.js';

let f: WebFixture;

before(async () => {
  f = await openWebFixture({ webs: 2 });
});

after(async () => {
  await f?.close();
});

describe('web app under failure', () => {
  test('when a web instance is SIGKILLed under page load then no page load fails', async () => {
    const list = (await (await fetch(`${f.base}/api/events/?page_size=1`)).json()) as {
      results: Array<{ id: number }>;
    };
    const paths = ['/', '/eventos', ...(list.results[0] ? [`/eventos/${list.results[0].id}`] : [])];
    // A page leaves the instance in one piece with its length (not streamed in chunks): a kill cannot cut it
    // off half-way, only before its first byte, and then the gateway replays the GET elsewhere.
    const page = await fetch(`${f.base}/eventos`, { headers: { 'x-forwarded-for': '10.9.9.9' } });
    const html = Buffer.from(await page.arrayBuffer());
    assert.equal(page.headers.get('content-length'), String(html.length));
    assert.equal(page.headers.get('transfer-encoding'), null);
    let ok = 0;
    const failures: string[] = [];
    let stop = false;
    const worker = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const p = paths[(i + w) % paths.length]!;
        try {
          const r = await fetch(`${f.base}${p}`, { headers: { 'x-forwarded-for': `10.9.${w}.${i % 250}` } });
          const body = await r.text();
          if (r.status === 200 && body.includes('</html>')) ok++;
          else failures.push(`${p} → ${r.status}`);
        } catch (e) {
          failures.push(`${p} → ${String(e)}`);
        }
        await sleep(80); // pacing: ~50 page loads/s in all, under the gateway's per-address rate limit
      }
    };
    const workers = Array.from({ length: 4 }, (_, w) => worker(w));
    await waitFor(() => ok >= 30, { timeoutMs: 30_000, description: 'page load under way' });
    const victim = f.webs[0]!;
    const before = ok;
    await f.stopWeb(victim, 'SIGKILL');
    await waitFor(() => ok >= before + 60, { timeoutMs: 60_000, description: 'page loads after the kill' });
    stop = true;
    await Promise.all(workers);
    console.log(
      `page loads: ${ok} ok, ${failures.length} failed (SIGKILL of ${victim.name} after ${before})`,
    );
    assert.deepEqual(failures, []);
    await f.startWeb(`web-t3-${run}`);
  });

  test('when API instances fail or answer 5xx then idempotent calls go to a healthy one, and with none the page says so with a retry link', async () => {
    const service = `api-fake-${run}`;
    const seen: { bad: number; good: number; ids: string[] } = { bad: 0, good: 0, ids: [] };
    let goodStatus = 200;
    const serve = (handler: http.RequestListener) =>
      new Promise<http.Server>((resolve) => {
        const s = http.createServer(handler);
        s.listen(0, '127.0.0.1', () => resolve(s));
      });
    const json = (res: http.ServerResponse, status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const bad = await serve((req, res) => {
      if (req.url === '/health/') return json(res, 200, { status: 'ok' });
      seen.bad++;
      json(res, 503, { detail: 'indisponível' });
    });
    const good = await serve((req, res) => {
      if (req.url === '/health/') return json(res, 200, { status: 'ok' });
      seen.good++;
      seen.ids.push(String(req.headers['x-request-id']));
      json(
        res,
        goodStatus,
        goodStatus === 200
          ? { count: 0, next: null, previous: null, results: [] }
          : { detail: 'erro interno' },
      );
    });
    const log = createLogger({ service: 'web-test', level: 'warn' });
    const registry = new ConsulRegistry({ consulAddr: f.env['CONSUL_HTTP_ADDR']!, logger: log });
    const regs: Registration[] = [];
    for (const [i, s] of [bad, good].entries()) {
      const port = (s.address() as AddressInfo).port;
      regs.push(
        await registry.register({
          name: service,
          id: `${service}-${i}`,
          address: '127.0.0.1',
          port,
          check: {
            http: `http://127.0.0.1:${port}/health/`,
            interval: '1s',
            timeout: '1s',
            deregisterCriticalServiceAfter: '1m',
          },
        }),
      );
    }
    // Both fake instances passing before any call (else the first calls only know the healthy one).
    const consul = f.env['CONSUL_HTTP_ADDR']!.split(',')[0]!;
    await waitFor(
      async () => {
        const r = await fetch(`http://${consul}/v1/health/service/${service}?passing=true`, {
          headers: { 'x-consul-token': f.env['CONSUL_HTTP_TOKEN'] ?? '' },
        });
        return ((await r.json()) as unknown[]).length === 2;
      },
      { timeoutMs: 20_000, description: 'both fake API instances passing in Consul' },
    );
    // A web instance that talks to the fake API service and is not routed by the gateway (called directly).
    const web = await f.startWeb(`web-fake-${run}`, { WEB_API_SERVICE: service, WEB_REGISTER: 'false' });
    f.webs.splice(f.webs.indexOf(web), 1);
    try {
      const base = `http://127.0.0.1:${web.port}`;
      await waitFor(async () => (await fetch(`${base}/impacto`)).status === 200, {
        timeoutMs: 20_000,
        description: 'fake API instances resolved',
      });
      for (let i = 0; i < 12; i++) {
        const r = await fetch(`${base}/impacto`, { headers: { 'x-request-id': `rid-${run}-${i}` } });
        assert.equal(r.status, 200);
        assert.match(await r.text(), /Impacto mensal/);
      }
      assert.ok(seen.bad > 0, 'the failing instance was tried (balancing over both)');
      assert.ok(seen.ids.includes(`rid-${run}-11`), 'the request id reached the API');

      goodStatus = 500;
      const down = await fetch(`${base}/impacto`);
      const page = await down.text();
      assert.equal(down.status, 503);
      assert.match(page, /Serviço temporariamente indisponível/);
      assert.match(page, /Tentar novamente/);
      assert.doesNotMatch(page, /at .*\.(ts|js):\d+/);

      await Promise.all(regs.map((r) => r.deregister()));
      await waitFor(async () => (await fetch(`${base}/eventos`)).status === 503, {
        timeoutMs: 20_000,
        description: 'no API instance left',
      });
      assert.match(await (await fetch(`${base}/`)).text(), /Serviço temporariamente indisponível/);
    } finally {
      await f.stopWeb(web);
      await Promise.all(regs.map((r) => r.deregister().catch(() => undefined)));
      await registry.close();
      bad.close();
      good.close();
    }
  });
});

// Attacks on the edge, against a real gateway process in front of the mesh's API: login paths spelled to dodge the
// auth bucket, a client that stops sending its body, and the operator pages asked for on the public port.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { waitFor } from '@mutiroes/platform';
import { startGatewayProc, gatewayStatus, type GatewayProc } from './testing/processes.fixture.js';

describe('edge attacks', () => {
  let mesh: Mesh;
  let gw: GatewayProc;
  let apiName = '';
  let startedApi = false;
  let ipSeq = Math.floor(Math.random() * 200);
  /** A fresh client address per attack (the test gateway trusts X-Forwarded-For from 127.0.0.1), so buckets start full. */
  const nextIp = () => `198.18.${++ipSeq % 250}.${Math.floor(Math.random() * 250) + 1}`;

  before(async () => {
    mesh = await connectMesh();
    const running = (await mesh.status()).filter((c) => c.kind === 'api' && c.running);
    if (running.length === 0) {
      apiName = await mesh.startInstance('api');
      startedApi = true;
    } else apiName = running[0]!.name;
    await mesh.waitPassing('api', [apiName], 90_000);
    gw = await startGatewayProc(
      `gwtest-sec-gw-${process.pid}`,
      mesh.profile.base + 54,
      mesh.env,
      // CORS open to any origin, with the default credentials setting: the combination must not reflect origins.
      { GATEWAY_TRUSTED_PROXIES: '127.0.0.1', GATEWAY_REGISTER: 'false', GATEWAY_CORS_ORIGINS: '*' },
      path.join(mesh.profile.runDir, 'logs', 'gateway-int'),
    );
    // The public port is asked for /ready only: where /status lives is part of what is under test.
    await waitFor(async () => (await fetch(`${gw.url}/api/events/`)).status === 200, {
      timeoutMs: 30_000,
      description: 'gateway routes /api',
    });
  });

  after(async () => {
    await gw?.kill();
    if (startedApi) await mesh.remove(apiName);
  });

  for (const spelling of ['/api/token', '/api//token/', '/api/Token/', '/api/%74oken/']) {
    test(`when a client posts logins to ${spelling} then the 10/min auth bucket refuses it after its burst`, async () => {
      const ip = nextIp();
      const email = `nobody-${ip}@example.test`;
      // All at once: the bucket's refill (1 per 6 s) must not hide the limit behind slow logins (scrypt).
      const answers = await Promise.all(
        Array.from({ length: 13 }, async (_, i) => {
          const r = await fetch(`${gw.url}${spelling}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
            body: JSON.stringify({ email, password: `guess-${i}` }),
          });
          return { status: r.status, text: await r.text() };
        }),
      );
      // Bucket capacity = burst + 1 = 11: at least 2 of 13 are refused by the gateway itself, before the API.
      const byGateway = answers.filter((a) => a.status === 429 && /rate limit 'auth' exceeded/.test(a.text));
      assert.ok(
        byGateway.length >= 2,
        `gateway auth refusals: ${byGateway.length}; statuses ${answers.map((a) => a.status).join(',')}`,
      );
    });
  }

  test('when a client sends headers and part of a body, then goes silent, then the gateway cuts it off within the body timeout', async () => {
    const t0 = Date.now();
    const outcome = await new Promise<{ answer: string; closedAfterMs: number }>((resolve) => {
      const s = net.connect(gw.port, '127.0.0.1');
      let answer = '';
      const giveUp = setTimeout(() => {
        s.destroy();
        resolve({ answer, closedAfterMs: Infinity });
      }, 25_000);
      s.on('data', (d) => (answer += d.toString('latin1')));
      s.on('error', () => undefined);
      s.on('close', () => {
        clearTimeout(giveUp);
        resolve({ answer, closedAfterMs: Date.now() - t0 });
      });
      s.on('connect', () => {
        s.write(
          `POST /api/events/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nX-Forwarded-For: ${nextIp()}\r\n\r\n{"title":"`,
        );
      });
    });
    assert.ok(outcome.closedAfterMs < 15_000, `connection still open after ${outcome.closedAfterMs} ms`);
    assert.match(outcome.answer, /^HTTP\/1\.1 408 /);
  });

  test('when /status and /metrics are asked for on the public port then the gateway does not answer them there, only on its loopback admin listener', async () => {
    for (const p of ['/status', '/status?format=json', '/metrics', '/_gateway/status', '/_gateway/metrics']) {
      const r = await fetch(`${gw.url}${p}`, { headers: { accept: 'application/json' } });
      const text = await r.text();
      assert.equal(r.status, 404, `${p} on the public port answered ${r.status}`);
      assert.doesNotMatch(
        text,
        /gateway_requests_total|"routes"|consul_view_age/,
        `${p} leaked the operator page`,
      );
    }
    assert.equal((await fetch(`${gw.url}/health`)).status, 200, 'the Consul check path stays public');
    const s = await gatewayStatus(gw.adminUrl);
    assert.ok(
      s.routes.some((r) => r.prefix === '/api'),
      'the admin listener serves the routing table',
    );
    assert.match(await (await fetch(`${gw.adminUrl}/metrics`)).text(), /gateway_requests_total/);
  });

  test('when CORS allows any origin then a foreign origin never gets credentials', async () => {
    const r = await fetch(`${gw.url}/api/events/`, {
      headers: { origin: 'https://evil.example', 'x-forwarded-for': nextIp() },
    });
    await r.arrayBuffer();
    assert.equal(r.headers.get('access-control-allow-credentials'), null);
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
  });

  test('when one address opens more connections than allowed then the extra ones are closed at once', async () => {
    // A gateway that trusts no proxy: every socket counts for 127.0.0.1 (limit 128 by default).
    const plain = await startGatewayProc(
      `gwtest-sec-conn-${process.pid}`,
      mesh.profile.base + 55,
      mesh.env,
      { GATEWAY_REGISTER: 'false', GATEWAY_RATE_LIMIT: 'false' },
      path.join(mesh.profile.runDir, 'logs', 'gateway-int'),
    );
    const sockets: net.Socket[] = [];
    try {
      const open = (): Promise<net.Socket> =>
        new Promise((resolve, reject) => {
          const s = net.connect(plain.port, '127.0.0.1', () => resolve(s));
          s.on('error', reject);
        });
      for (let i = 0; i < 128; i++) sockets.push(await open());
      const extra = await open();
      sockets.push(extra);
      const closed = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 3000);
        extra.once('close', () => {
          clearTimeout(t);
          resolve(true);
        });
        extra.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      });
      assert.equal(closed, true, 'the 129th connection was served');
      for (const s of sockets.splice(0)) s.destroy();
      await waitFor(async () => (await fetch(`${plain.url}/health`)).ok, {
        timeoutMs: 5000,
        description: 'a new connection once the others closed',
      });
    } finally {
      for (const s of sockets) s.destroy();
      await plain.kill();
    }
  });
});

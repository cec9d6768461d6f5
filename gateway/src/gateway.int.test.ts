// Through the real gateway (main.ts processes), real backend processes registered in the mesh's Consul,
// the mesh's Redis (Sentinel) for shared limits. Run: MESH_PROFILE=… MESH_PORT_BASE=… (mesh infra up).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { waitFor, sleep } from '@mutiroes/platform';
import {
  startEcho,
  startGatewayProc,
  steadyLoad,
  passingIds,
  gatewayStatus,
  type Proc,
  type GatewayProc,
} from './testing/processes.fixture.js';

const SERVICE = `gwtest-${process.pid}`;
/** Client addresses unique to this run (limits live in Redis across runs): 172.16-31.x.y. */
const RUN_NET = `172.${16 + Math.floor(Math.random() * 16)}.${Math.floor(Math.random() * 256)}`;
const ip = (n: number) => `${RUN_NET}.${n}`;
const PREFIX = `/gwtest${process.pid}`;

describe('gateway on the mesh', () => {
  let mesh: Mesh;
  let env: Record<string, string>;
  let consul: string;
  let logDir: string;
  let B: number;
  const backends: Proc[] = [];
  let gw1: GatewayProc;
  let gw2: GatewayProc;
  /** A third gateway: the shared limits are tested across 3 replicas. */
  let gw3: GatewayProc;
  let nextBackendPort: number;
  let nextId = 1;
  let ipSeq = 0;
  /** A fresh client address per request (the gateways trust 127.0.0.1 as a proxy): load tests stay under per-IP limits. */
  const rotatingIp = () => ({
    'x-forwarded-for': `10.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq++ & 255}`,
  });

  const addBackend = async () => {
    const name = `${SERVICE}-${nextId++}`;
    const p = await startEcho(name, nextBackendPort++, env, { service: SERVICE, routes: PREFIX, logDir });
    backends.push(p);
    return p;
  };
  const routedIds = async (g: GatewayProc) =>
    ((await gatewayStatus(g.adminUrl)).routes.find((r) => r.prefix === PREFIX)?.instances ?? [])
      .map((i) => i.id)
      .sort();

  before(async () => {
    mesh = await connectMesh();
    env = mesh.env;
    consul = mesh.consulHttpAddrs[0]!;
    B = mesh.profile.base;
    nextBackendPort = B + 40;
    logDir = path.join(mesh.profile.runDir, 'logs', 'gateway-int');
    for (let i = 0; i < 3; i++) await addBackend();
    const gwEnv = {
      GATEWAY_ROUTED_SERVICES: `api,worker,web,${SERVICE}`,
      GATEWAY_TRUSTED_PROXIES: '127.0.0.1',
      GATEWAY_AUTH_PATHS: `${PREFIX}/token/,${PREFIX}/users/register/`,
      GATEWAY_REGISTER: 'false',
      GATEWAY_DRAIN_GRACE_MS: '0',
      // Longer than the 1.5 s slow answers of the concurrency tests, short enough for the stall test.
      GATEWAY_RETRY_TRY_TIMEOUT_MS: '2000',
    };
    const started = await Promise.allSettled([
      startGatewayProc(`gwtest-gw-1-${process.pid}`, B + 50, env, gwEnv, logDir),
      startGatewayProc(`gwtest-gw-2-${process.pid}`, B + 51, env, gwEnv, logDir),
      startGatewayProc(`gwtest-gw-r3-${process.pid}`, B + 52, env, gwEnv, logDir),
    ]);
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) {
      // The ones that came up are not left holding their ports for the next run.
      await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.kill() : undefined)));
      throw failed.reason;
    }
    [gw1, gw2, gw3] = started.map((r) => (r as PromiseFulfilledResult<GatewayProc>).value) as [
      GatewayProc,
      GatewayProc,
      GatewayProc,
    ];
    const gws = [gw1, gw2, gw3];
    await waitFor(async () => (await Promise.all(gws.map(routedIds))).every((ids) => ids.length === 3), {
      timeoutMs: 20_000,
      description: 'the gateways route to 3 backends',
    });
    await waitFor(
      async () =>
        (await Promise.all(gws.map((g) => gatewayStatus(g.adminUrl)))).every((s) =>
          s.rate_limits.startsWith('shared'),
        ),
      {
        timeoutMs: 20_000,
        description: 'gateways share limits through redis',
      },
    );
  });

  after(async () => {
    await Promise.all([gw1?.kill(), gw2?.kill(), gw3?.kill(), ...backends.map((b) => b.kill())]);
  });

  test('when 1 of 3 instances is SIGKILLed under steady load then no client request fails', async () => {
    const before = (await gatewayStatus(gw1.adminUrl)).retries;
    const load = steadyLoad(gw1.url, { concurrency: 16, path: `${PREFIX}/items`, headers: rotatingIp });
    await waitFor(() => load.result.ok > 500, { timeoutMs: 15_000, description: 'load running' });
    const victim = backends[1]!;
    await victim.kill('SIGKILL');
    const okAtKill = load.result.ok;
    await waitFor(async () => !(await passingIds(consul, SERVICE)).includes(victim.name), {
      timeoutMs: 15_000,
      description: 'consul drops the killed instance',
    });
    await waitFor(() => load.result.ok > okAtKill + 1000, {
      timeoutMs: 20_000,
      description: 'load continues',
    });
    const r = await load.stop();
    const retried = (await gatewayStatus(gw1.adminUrl)).retries - before;
    console.log(
      `[sigkill] requests ok=${r.ok} failed=${r.failed} retried=${retried} by instance=${JSON.stringify([...r.byInstance])}`,
    );
    assert.deepEqual(r.failures, []);
    assert.equal(r.failed, 0);
    assert.ok(r.ok > 1000);
    backends.splice(1, 1);
  });

  test('when a new instance passes its check then it receives traffic within 1 s; once deregistered it receives none', async () => {
    const pool = new Pool(gw1.url, { connections: 8 });
    let running = true;
    let firstSeen = 0;
    let lastSeen = 0;
    let newName = '';
    const failures: string[] = [];
    const workers = Array.from({ length: 8 }, async () => {
      while (running) {
        try {
          const r = await pool.request({ path: `${PREFIX}/x`, method: 'GET', headers: rotatingIp() });
          await r.body.dump();
          if (r.statusCode !== 200) failures.push(String(r.statusCode));
          if (newName && r.headers['x-instance'] === newName) {
            lastSeen = Date.now();
            firstSeen ||= lastSeen;
          }
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
    });
    const p = await addBackend();
    newName = p.name;
    const passingAt = await waitFor(
      async () => ((await passingIds(consul, SERVICE)).includes(p.name) ? Date.now() : 0),
      { timeoutMs: 15_000, intervalMs: 10, description: 'check passing' },
    );
    await waitFor(() => firstSeen, {
      timeoutMs: 5_000,
      intervalMs: 5,
      description: 'traffic on the new instance',
    });
    const toTraffic = firstSeen - passingAt;
    console.log(`[new instance] first request ${toTraffic} ms after Consul reported its check passing`);
    assert.ok(toTraffic <= 1000, `took ${toTraffic} ms`);

    // Graceful stop: the echo backend deregisters on SIGTERM, waits its grace, then closes.
    const exited = p.kill('SIGTERM');
    const droppedAt = await waitFor(
      async () => (!(await passingIds(consul, SERVICE)).includes(p.name) ? Date.now() : 0),
      { timeoutMs: 10_000, intervalMs: 10, description: 'deregistered' },
    );
    await exited;
    await sleep(300);
    running = false;
    await Promise.all(workers);
    await pool.close();
    const lag = lastSeen - droppedAt;
    console.log(`[deregistered] last request reached it ${lag} ms after Consul dropped it`);
    assert.ok(lag <= 250, `still routed ${lag} ms after deregistration`);
    assert.deepEqual(failures, []);
    backends.splice(backends.indexOf(p), 1);
  });

  test('when all instances are replaced one by one (rolling restart) then no GET or POST is lost', async () => {
    const load = steadyLoad(gw1.url, {
      concurrency: 12,
      path: `${PREFIX}/__echo`,
      mix: true,
      headers: rotatingIp,
    });
    await waitFor(() => load.result.ok > 200, { timeoutMs: 15_000, description: 'load running' });
    const old = [...backends];
    for (const o of old) {
      const fresh = await addBackend();
      await waitFor(async () => (await routedIds(gw1)).includes(fresh.name), {
        timeoutMs: 10_000,
        description: `${fresh.name} routed`,
      });
      const code = await o.kill('SIGTERM');
      assert.equal(code, 0, `${o.name} shut down cleanly`);
      backends.splice(backends.indexOf(o), 1);
    }
    await sleep(500);
    const r = await load.stop();
    console.log(
      `[rolling restart] ok=${r.ok} failed=${r.failed} by instance=${JSON.stringify([...r.byInstance])}`,
    );
    assert.deepEqual(r.failures, []);
    assert.deepEqual(await routedIds(gw1), backends.map((b) => b.name).sort());
  });

  test('when a POST reaches an instance that then drops the connection then it is not replayed and the client gets 502', async () => {
    const id = `post-${randomUUID()}`;
    const r = await fetch(`${gw1.url}${PREFIX}/__destroy`, {
      method: 'POST',
      body: '{"x":1}',
      headers: { 'x-request-id': id, 'content-type': 'application/json', ...rotatingIp() },
    });
    assert.equal(r.status, 502);
    await r.arrayBuffer();
    const counts = await Promise.all(
      backends.map(
        async (b) => ((await (await fetch(`${b.url}/__seen?id=${id}`)).json()) as { count: number }).count,
      ),
    );
    assert.equal(
      counts.reduce((a, c) => a + c, 0),
      1,
      `seen ${JSON.stringify(counts)}`,
    );
  });

  test('when a POST with an Idempotency-Key reaches an instance that drops the connection then another instance answers it, with the same key', async () => {
    const answering = backends[backends.length - 1]!;
    const keyCounts = (key: string) =>
      Promise.all(
        backends.map(
          async (b) =>
            (
              (await (await fetch(`${b.url}/__seen?key=${encodeURIComponent(key)}`)).json()) as {
                key_count: number;
              }
            ).key_count,
        ),
      );
    let replayed = 0;
    for (let i = 0; i < 15 && replayed < 2; i++) {
      const key = `int-${randomUUID()}`;
      const r = await fetch(`${gw1.url}${PREFIX}/__destroy-unless/${answering.name}`, {
        method: 'POST',
        body: '{"x":1}',
        headers: { 'idempotency-key': key, 'content-type': 'application/json', ...rotatingIp() },
      });
      assert.equal(r.status, 200, 'replayed to the answering instance, never a 502');
      assert.equal(((await r.json()) as { instance: string }).instance, answering.name);
      const counts = await keyCounts(key);
      assert.equal(counts[backends.length - 1], 1, 'the answering instance saw the key once');
      if (counts.reduce((a, c) => a + c, 0) > 1) replayed++;
    }
    assert.ok(
      replayed >= 1,
      'at least one POST was first sent to a dropping instance and replayed with the same key',
    );
    // Without the key the same POST is never replayed: 502 from the dropping instance, seen once.
    const id = `nokey-${randomUUID()}`;
    const r = await fetch(`${gw1.url}${PREFIX}/__destroy`, {
      method: 'POST',
      body: '{"x":1}',
      headers: { 'x-request-id': id, ...rotatingIp() },
    });
    assert.equal(r.status, 502);
    await r.arrayBuffer();
    const counts = await Promise.all(
      backends.map(
        async (b) => ((await (await fetch(`${b.url}/__seen?id=${id}`)).json()) as { count: number }).count,
      ),
    );
    assert.equal(
      counts.reduce((a, c) => a + c, 0),
      1,
    );
  });

  test('when a replayable request stalls on an instance that never answers then it is replayed elsewhere after the try timeout, not after 30 s', async () => {
    const answering = backends[backends.length - 1]!;
    // gw2: the drop tests above made gw1 eject the dropping instances (passive health), which would hide them.
    await waitFor(
      async () =>
        (await gatewayStatus(gw2.adminUrl)).routes
          .find((r) => r.prefix === PREFIX)
          ?.instances.every((i) => !i.ejected) ?? false,
      { timeoutMs: 35_000, description: 'gw2 has no ejected instance' },
    );
    let stalled = 0;
    for (let i = 0; i < 12 && stalled < 2; i++) {
      const key = `stall-${randomUUID()}`;
      const t0 = performance.now();
      const r = await fetch(`${gw2.url}${PREFIX}/__stall-unless/${answering.name}`, {
        method: 'POST',
        body: '{"x":1}',
        headers: { 'idempotency-key': key, 'content-type': 'application/json', ...rotatingIp() },
      });
      const ms = performance.now() - t0;
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as { instance: string }).instance, answering.name);
      const counts = await Promise.all(
        backends.map(
          async (b) =>
            (
              (await (await fetch(`${b.url}/__seen?key=${encodeURIComponent(key)}`)).json()) as {
                key_count: number;
              }
            ).key_count,
        ),
      );
      const reached = counts.reduce((a, c) => a + c, 0);
      if (reached > 1) {
        stalled++;
        // One or two stalled tries of 2 s each, then the answer: far below the 30 s header timeout.
        assert.ok(ms >= 1900 && ms < 7000, `answered after ${Math.round(ms)} ms with ${reached} tries`);
      }
    }
    assert.ok(stalled >= 1, 'at least one request first went to a stalling instance');
  });

  // Leased batches (domain/leased-limits.ts): a gateway takes b = ⌊limit/8⌋ tokens/slots at once (api bucket 51 → 6,
  // auth 11 → 1, concurrency 50 → 6), so across G gateways a window admits at most burst+1 + refill + G·(b − 1).
  test('when the same client bursts across three gateways then the shared API bucket admits burst+1 plus the refill plus at most one batch per gateway, not three buckets', async () => {
    const headers = { 'x-forwarded-for': ip(1) };
    const gws = [gw1, gw2, gw3];
    const pools = gws.map((g) => new Pool(g.url, { connections: 10 }));
    // Open the connections first (another client address), so the burst itself is as short as the machine allows.
    await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const r = await pools[i % 3]!.request({
          path: `${PREFIX}/x`,
          method: 'GET',
          headers: { 'x-forwarded-for': ip(100 + i) },
        });
        await r.body.dump();
      }),
    );
    const t0 = performance.now();
    const codes = await Promise.all(
      Array.from({ length: 150 }, async (_, i) => {
        const r = await pools[i % 3]!.request({ path: `${PREFIX}/x`, method: 'GET', headers });
        await r.body.dump();
        return { status: r.statusCode, gw: i % 3, retryAfter: r.headers['retry-after'] };
      }),
    );
    const elapsedMs = performance.now() - t0;
    await Promise.all(pools.map((p) => p.close()));
    const admitted = codes.filter((c) => c.status === 200).length;
    const limited = codes.filter((c) => c.status === 429);
    const maxRefill = Math.floor(elapsedMs / 10); // 100 r/s = one token per 10 ms
    const leaseSlack = 3 * (6 - 1);
    console.log(
      `[rate api] 150 requests in ${elapsedMs.toFixed(0)} ms over 3 gateways: ${admitted} admitted (allowed 51..${51 + maxRefill + leaseSlack}), ${limited.length} × 429`,
    );
    assert.ok(admitted >= 51 && admitted <= 51 + maxRefill + leaseSlack, `${admitted} admitted`);
    // Three independent buckets would admit at least 3 × 51: the bound above excludes that while the burst is shorter than 870 ms.
    if (maxRefill + leaseSlack < 102) assert.ok(admitted < 153, 'one bucket for all gateways');
    if (admitted < 150)
      assert.ok(
        [0, 1, 2].every((g) => codes.some((c) => c.gw === g && c.status === 429)),
        'every gateway refuses',
      );
    assert.ok(limited.every((c) => Number(c.retryAfter) >= 1));
  });

  test('when a client sends 4× its rate for 2 s across three gateways then at most burst+1 + refill + one batch per gateway pass', async () => {
    const headers = { 'x-forwarded-for': ip(6) };
    const gws = [gw1, gw2, gw3];
    const pools = gws.map((g) => new Pool(g.url, { connections: 16 }));
    const t0 = performance.now();
    const answers: Promise<number>[] = [];
    let i = 0;
    // 400 r/s (the limit is 100 r/s, burst 50) from one address, round robin over the gateways, for 2 s.
    while (performance.now() - t0 < 2000) {
      const due = t0 + (i * 1000) / 400;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const g = i++ % 3;
      answers.push(
        pools[g]!.request({ path: `${PREFIX}/x`, method: 'GET', headers }).then(async (r) => {
          await r.body.dump();
          return r.statusCode;
        }),
      );
    }
    const codes = await Promise.all(answers);
    const elapsedMs = performance.now() - t0;
    await Promise.all(pools.map((p) => p.close()));
    const admitted = codes.filter((c) => c === 200).length;
    const bound = 51 + Math.floor(elapsedMs / 10) + 3 * (6 - 1);
    console.log(
      `[rate api sustained] ${i} requests in ${elapsedMs.toFixed(0)} ms over 3 gateways: ${admitted} admitted (bound ${bound}), ${codes.filter((c) => c === 429).length} × 429`,
    );
    assert.ok(admitted <= bound, `${admitted} admitted > ${bound}`);
    assert.ok(admitted >= 51, 'at least the burst');
    assert.equal(codes.filter((c) => c !== 200 && c !== 429).length, 0);
  });

  test('when a client hits the auth endpoints through three gateways then exactly 11 pass (10 r/min, burst 10: batches of 1)', async () => {
    const headers = { 'x-forwarded-for': ip(2), 'content-type': 'application/json' };
    const gws = [gw1, gw2, gw3];
    const rs = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        fetch(`${gws[i % 3]!.url}${PREFIX}/token/`, { method: 'POST', body: '{}', headers }),
      ),
    );
    const codes = rs.map((r) => r.status);
    await Promise.all(rs.map((r) => r.arrayBuffer()));
    console.log(
      `[rate auth] ${codes.filter((c) => c === 200).length} admitted, retry-after ${rs.find((r) => r.status === 429)?.headers.get('retry-after')} s`,
    );
    assert.equal(codes.filter((c) => c === 200).length, 11);
    assert.equal(codes.filter((c) => c === 429).length, 5);
    // a different client is not affected
    const other = await fetch(`${gw2.url}${PREFIX}/token/`, {
      method: 'POST',
      body: '{}',
      headers: { ...headers, 'x-forwarded-for': ip(3) },
    });
    assert.equal(other.status, 200);
  });

  test('when a client holds 50 requests open across three gateways then the 51st concurrent one gets 429, and the slots come back after', async () => {
    const headers = { 'x-forwarded-for': ip(4) };
    const gws = [gw1, gw2, gw3];
    const pools = gws.map((g) => new Pool(g.url, { connections: 30 }));
    const burst = async () =>
      Promise.all(
        Array.from({ length: 60 }, async (_, i) => {
          const r = await pools[i % 3]!.request({ path: `${PREFIX}/__slow?ms=1500`, method: 'GET', headers });
          const body = await r.body.text();
          return r.statusCode === 429
            ? (JSON.parse(body) as { error: { message: string } }).error.message
            : r.statusCode;
        }),
      );
    // 50 requests hold a slot each: they are admitted unless a rate token is missing. Rate tokens leased as
    // extras while the shared bucket was more than half full can sit unused in another gateway (at most b − 1 =
    // 5 per gateway, leased-limits.ts), so up to 15 of the 50 may meet a 429 for the rate instead. The
    // concurrency refusals are exact: never more than 50 in flight, never a refusal below 50.
    const RATE = "rate limit 'api' exceeded";
    const summary = (answers: (number | string)[]) => ({
      admittedOrRate: answers.filter((a) => a === 200 || a === RATE).length,
      concurrency: answers.filter((a) => a === 'too many concurrent requests from this address').length,
      other: answers.filter(
        (a) => a !== 200 && a !== RATE && a !== 'too many concurrent requests from this address',
      ),
      rate: answers.filter((a) => a === RATE).length,
    });
    const checkBurst = (s: ReturnType<typeof summary>) => {
      assert.deepEqual(
        { admittedOrRate: s.admittedOrRate, concurrency: s.concurrency, other: s.other },
        { admittedOrRate: 50, concurrency: 10, other: [] },
      );
      assert.ok(
        s.rate <= 15,
        `${s.rate} refused for the rate: more than the 3 × 5 tokens that can be stranded`,
      );
    };
    const first = summary(await burst());
    console.log(
      `[concurrency] ${first.admittedOrRate - first.rate} admitted, ${first.rate} × 429 (rate), ${first.concurrency} × 429 (concurrency)`,
    );
    checkBurst(first);
    // Each slot goes back to Redis just after its response ends (fire and forget, so a moment after the client has
    // it): wait until the client's count in the store has settled (unchanged over 5 reads 20 ms apart) — then
    // nothing of the first burst is counted any more, and the same burst is admitted the same way.
    const redis = await mesh.redisMasterClient();
    try {
      const counts: number[] = [];
      await waitFor(
        async () => {
          const h = await redis.hgetall(`rl:{${ip(4)}}:conc`);
          counts.push(Object.values(h).reduce((n, v) => n + Number(v.split(':')[0]), 0));
          return counts.length >= 5 && counts.slice(-5).every((c) => c === counts.at(-1));
        },
        { timeoutMs: 3_000, intervalMs: 20, description: 'the count of slots in the store settled' },
      );
      console.log(`[concurrency] slots counted in the store after the burst: ${counts.join(' → ')}`);
    } finally {
      redis.disconnect();
    }
    const again = summary(await burst());
    await Promise.all(pools.map((p) => p.close()));
    console.log(
      `[concurrency again] ${again.admittedOrRate - again.rate} admitted, ${again.rate} × 429 (rate), ${again.concurrency} × 429 (concurrency)`,
    );
    checkBurst(again);
  });

  test('when a gateway runs 2 worker processes then its operator listener answers for both: /metrics and /status count each request once', async () => {
    const gw = await startGatewayProc(
      `gwtest-gw-w2-${process.pid}`,
      B + 54,
      env,
      {
        GATEWAY_ROUTED_SERVICES: `api,worker,web,${SERVICE}`,
        GATEWAY_TRUSTED_PROXIES: '127.0.0.1',
        GATEWAY_REGISTER: 'false',
        GATEWAY_DRAIN_GRACE_MS: '0',
        GATEWAY_WORKERS: '2',
      },
      logDir,
    );
    type Cluster = {
      workers: Array<{
        gateway: string;
        requests: number;
        routes: Array<{ prefix: string; instances: unknown[] }>;
      }>;
      requests: number;
      ready: boolean;
    };
    const status = async () => (await (await fetch(`${gw.adminUrl}/status?format=json`)).json()) as Cluster;
    try {
      await waitFor(
        async () => {
          const s = await status();
          return (
            s.ready &&
            s.workers.every(
              (w) => w.routes.find((r) => r.prefix === PREFIX)?.instances.length === backends.length,
            )
          );
        },
        { timeoutMs: 20_000, description: 'both workers ready and routing to the backends' },
      );
      // A new connection per request: the primary hands connections to the workers in turn.
      const N = 40;
      for (let i = 0; i < N; i++) {
        const code = await new Promise<number>((resolve, reject) => {
          http
            .get(
              `${gw.url}${PREFIX}/w2`,
              { agent: false, headers: { connection: 'close', 'x-forwarded-for': ip(60 + (i % 20)) } },
              (res) => {
                res.resume();
                res.on('end', () => resolve(res.statusCode ?? 0));
              },
            )
            .on('error', reject);
        });
        assert.equal(code, 200);
      }
      const s = await status();
      assert.equal(s.workers.length, 2, 'both workers answer');
      assert.ok(
        s.workers.every((w) => w.requests > 0),
        `both served: ${s.workers.map((w) => w.requests).join(' + ')}`,
      );
      assert.equal(s.requests, N, 'the sum is every request once');
      // Scraped twice (a scrape may land anywhere): the instance's total each time, not one worker's.
      for (let k = 0; k < 2; k++) {
        const text = await (await fetch(`${gw.adminUrl}/metrics`)).text();
        const total = text
          .split('\n')
          .filter((l) => l.startsWith('gateway_requests_total{') && l.includes(`route="${PREFIX}"`))
          .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
        assert.equal(total, N, `scrape ${k + 1}: gateway_requests_total sums both workers`);
      }
    } finally {
      assert.equal(await gw.kill('SIGTERM'), 0, 'the primary stops its workers and exits cleanly');
    }
  });

  test('when a gateway gets SIGTERM then it deregisters, finishes the requests in flight and exits cleanly', async () => {
    const name = `gwtest-gw-3-${process.pid}`;
    const gw3 = await startGatewayProc(
      name,
      B + 53,
      env,
      {
        GATEWAY_ROUTED_SERVICES: `api,worker,web,${SERVICE}`,
        GATEWAY_TRUSTED_PROXIES: '127.0.0.1',
        GATEWAY_DRAIN_GRACE_MS: '300',
      },
      logDir,
    );
    await waitFor(async () => (await passingIds(consul, 'gateway')).includes(name), {
      timeoutMs: 15_000,
      description: 'gateway registered and passing',
    });
    await waitFor(async () => (await routedIds(gw3)).length === backends.length, {
      timeoutMs: 10_000,
      description: 'gw3 routes',
    });
    const inflight = Array.from({ length: 5 }, (_, i) =>
      fetch(`${gw3.url}${PREFIX}/__slow?ms=1500`, { headers: { 'x-forwarded-for': ip(10 + i) } }).then(
        async (r) => {
          await r.arrayBuffer();
          return r.status;
        },
      ),
    );
    await waitFor(async () => (await gatewayStatus(gw3.adminUrl)).in_flight === 5, {
      timeoutMs: 5_000,
      description: 'the 5 slow requests in flight at gw3',
    });
    const code = gw3.kill('SIGTERM');
    await waitFor(async () => !(await passingIds(consul, 'gateway')).includes(name), {
      timeoutMs: 5_000,
      description: 'gateway deregistered',
    });
    assert.deepEqual(await Promise.all(inflight), [200, 200, 200, 200, 200]);
    assert.equal(await code, 0);
    await assert.rejects(fetch(`${gw3.url}/health`), 'no longer listening');
  });

  test('when Redis is unreachable then limits fall back to per-process buckets, traffic flows, and sharing resumes after', async () => {
    const master = await mesh.redisMaster();
    const names = ['redis-1', 'redis-2'];
    try {
      for (const n of names) await mesh.stop(n);
      await waitFor(
        async () => {
          const r = await fetch(`${gw1.url}${PREFIX}/x`, { headers: rotatingIp() });
          await r.arrayBuffer();
          assert.equal(r.status, 200, 'traffic flows while redis is down');
          return (await gatewayStatus(gw1.adminUrl)).rate_limits.startsWith('per-process');
        },
        { timeoutMs: 15_000, description: 'gw1 per-process limits' },
      );
      // The auth limit (10 r/min, burst 10) makes the per-process bucket exact: 11 of 16 whatever the timing.
      const headers = { 'x-forwarded-for': ip(5), 'content-type': 'application/json' };
      const codes = await Promise.all(
        Array.from({ length: 16 }, () =>
          fetch(`${gw1.url}${PREFIX}/token/`, { method: 'POST', body: '{}', headers }).then(
            async (r) => (await r.arrayBuffer(), r.status),
          ),
        ),
      );
      console.log(
        `[redis down] ${master.name} and its replica stopped: ${codes.filter((c) => c === 200).length} of 16 auth requests admitted by the per-process bucket`,
      );
      assert.equal(codes.filter((c) => c === 200).length, 11);
      assert.equal(codes.filter((c) => c === 429).length, 5);
    } finally {
      for (const n of names) await mesh.start(n);
      await mesh.waitHealthy({ timeoutMs: 90_000 });
    }
    await waitFor(
      async () => {
        await fetch(`${gw1.url}${PREFIX}/x`, { headers: rotatingIp() }).then((r) => r.arrayBuffer());
        return (await gatewayStatus(gw1.adminUrl)).rate_limits.startsWith('shared');
      },
      { timeoutMs: 30_000, description: 'shared limits again' },
    );
  });

  test('when every Consul server is stopped then routing continues on the last good table', async () => {
    const names = ['consul-1', 'consul-2', 'consul-3'];
    try {
      for (const n of names) await mesh.stop(n);
      await waitFor(
        async () => {
          try {
            await fetch(`http://${consul}/v1/status/leader`);
            return false;
          } catch {
            return true;
          }
        },
        { timeoutMs: 10_000, description: 'consul down' },
      );
      // Ask once gw1 knows: its Consul probe (every 2 s) has failed, so its view is older than 2 s.
      await waitFor(async () => (await gatewayStatus(gw1.adminUrl)).consul_view_age_s > 2, {
        timeoutMs: 10_000,
        description: "gw1's view of Consul older than its probe interval",
      });
      let ok = 0;
      for (let i = 0; i < 100; i++) {
        const r = await fetch(`${gw1.url}${PREFIX}/x`, { headers: rotatingIp() });
        await r.arrayBuffer();
        if (r.status === 200) ok++;
      }
      const s = await gatewayStatus(gw1.adminUrl);
      console.log(`[consul down] ${ok}/100 ok, view age ${s.consul_view_age_s} s`);
      assert.equal(ok, 100);
      assert.equal(s.routes.find((r) => r.prefix === PREFIX)?.instances.length, backends.length);
    } finally {
      for (const n of names) await mesh.start(n);
      await mesh.waitHealthy({ timeoutMs: 90_000 });
    }
  });
});

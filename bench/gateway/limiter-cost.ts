// What the shared rate limits cost per request, isolated from the proxy and from the machine's load: the gateway's
// RateLimiter (leased batches from the mesh's real Redis under Sentinel) decides N requests from a few client
// addresses with the bench's limits (far above the load: the accounting runs, nothing is refused), each request
// released as soon as it is admitted, up to 64 in flight like wrk -c64. Prints CPU µs per decision (process
// CPU time, so outside load inflates it less than wall time) and Redis round trips per 1 000 requests, then the
// same with the old cost model for comparison: one Redis script call per request.
// Runs inside `mesh test-run` (needs CONSUL_HTTP_ADDR):  make bench-gateway-limits
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@mutiroes/platform';
import { ConsulRegistry, createRedis } from '@mutiroes/registry';
import { RateLimiter, type Verdict } from '../../gateway/src/domain/rate-limiter.js';
import {
  RedisRateLimitStore,
  type RedisScripting,
} from '../../gateway/src/data-access/redis-rate-limit.store.js';

const N = Number(process.env['BENCH_LIMIT_REQUESTS'] ?? 200_000);
const IN_FLIGHT = 64;
const CLIENTS = 4;

async function run(
  limiter: RateLimiter | null,
  redis: RedisScripting & { call?: unknown },
  n: number,
): Promise<{ cpuUs: number; wallMs: number; admitted: number }> {
  let admitted = 0;
  let next = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    let running = 0;
    const pump = () => {
      while (running < IN_FLIGHT && next < n) {
        const i = next++;
        running++;
        const done = (v: Verdict) => {
          if (v.allowed) admitted++;
          v.release();
          running--;
          if (next >= n && running === 0) resolve();
          else queueMicrotask(pump);
        };
        if (limiter) limiter.check(`198.51.100.${i % CLIENTS}`, '/api/events/', Date.now(), done);
        else
          void redis
            .evalsha('0'.repeat(40), 0)
            .catch(() =>
              done({ allowed: true, limit: 'api', retryAfterS: 0, shared: true, release: () => {} }),
            );
      }
    };
    pump();
  });
  const c = process.cpuUsage(c0);
  return { cpuUs: (c.user + c.system) / n, wallMs: performance.now() - t0, admitted };
}

async function main(): Promise<void> {
  const log = createLogger({ service: 'bench-limits', level: 'warn' });
  const registry = new ConsulRegistry({ consulAddr: process.env['CONSUL_HTTP_ADDR']!, logger: log });
  const redis = await createRedis({
    registry,
    masterName: process.env['REDIS_SENTINEL_MASTER'] ?? 'mutiroes',
    logger: log,
    redisOptions: { enableAutoPipelining: true },
  });
  const stats = async () => {
    const info = String(
      await (redis as unknown as { info(s: string): Promise<string> }).info('commandstats'),
    );
    return [...info.matchAll(/cmdstat_(evalsha|eval):calls=(\d+)/g)].reduce((a, m) => a + Number(m[2]), 0);
  };
  const limiter = new RateLimiter(
    {
      apiRatePerS: 1_000_000,
      apiBurst: 1_000_000,
      authRatePerMin: 10,
      authBurst: 10,
      authPaths: ['/api/token/'],
      concurrencyPerIp: 60_000,
      storeTimeoutMs: 500,
      leasePrefix: `bench-limits:${process.pid}`,
    },
    new RedisRateLimitStore(redis as unknown as RedisScripting),
  );
  await run(limiter, redis as unknown as RedisScripting, 20_000); // warm-up (JIT, first leases)
  const rows: Array<{
    name: string;
    cpu_us_per_req: number;
    redis_calls_per_1000: number;
    wall_ms: number;
    admitted: number;
  }> = [];
  for (let round = 0; round < 3; round++) {
    const s0 = await stats();
    const r = await run(limiter, redis as unknown as RedisScripting, N);
    const calls = (await stats()) - s0;
    rows.push({
      name: 'leased batches',
      cpu_us_per_req: Math.round(r.cpuUs * 100) / 100,
      redis_calls_per_1000: Math.round((calls * 1000 * 100) / N) / 100,
      wall_ms: Math.round(r.wallMs),
      admitted: r.admitted,
    });
    const base = await run(null, redis as unknown as RedisScripting, N / 10);
    rows.push({
      name: 'a bare EVALSHA per request (lower bound of before: script + ZREM)',
      cpu_us_per_req: Math.round(base.cpuUs * 100) / 100,
      redis_calls_per_1000: 1000,
      wall_ms: Math.round(base.wallMs),
      admitted: base.admitted,
    });
  }
  limiter.close();
  console.log(
    `\nlimiter cost, ${N.toLocaleString('en')} decisions, ${IN_FLIGHT} in flight, ${CLIENTS} clients; ${cpus().length} cores, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log('| model | CPU µs per request (this process) | Redis calls per 1000 requests | wall ms |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows)
    console.log(`| ${r.name} | ${r.cpu_us_per_req} | ${r.redis_calls_per_1000} | ${r.wall_ms} |`);
  const best = Math.min(...rows.filter((r) => r.name === 'leased batches').map((r) => r.cpu_us_per_req));
  console.log(
    `best leased: ${best} µs per request (target ≤ 15 µs more than limits off): ${best <= 15 ? 'met' : 'NOT met'}`,
  );
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '../results/gateway-limits.json');
  mkdirSync(path.dirname(out), { recursive: true });
  const summary = {
    measured_at: new Date().toISOString(),
    machine: { cores: cpus().length, load_average_at_end: loadavg() },
    requests: N,
    in_flight: IN_FLIGHT,
    clients: CLIENTS,
    rows,
    best_leased_cpu_us_per_req: best,
    target_us_max: 15,
    met: best <= 15,
  };
  writeFileSync(out, `${JSON.stringify(summary, null, 2)}\n`);
  console.log('wrote bench/results/gateway-limits.json');
  await (redis as unknown as { quit(): Promise<unknown> }).quit();
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

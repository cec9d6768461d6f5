// bee-queue throughput through the Sentinel-backed Redis of the mesh (found via Consul): no-op jobs at
// concurrency 1 and 50. Prints a table and writes bench/results/queue.json. Run: make bench-queue.
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import BeeQueue from 'bee-queue';
import { createLogger, waitFor } from '@mutiroes/platform';
import { ConsulRegistry, createRedis } from '@mutiroes/registry';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const log = createLogger({ service: 'queue-bench', level: 'warn' });
const env = process.env;
const levels = (env['BENCH_CONCURRENCY'] ?? '1 50')
  .split(/[\s,]+/)
  .filter(Boolean)
  .map(Number);
const jobsFor = (c: number) => Number(env['BENCH_JOBS'] ?? (c === 1 ? 3000 : 10000));

const registry = new ConsulRegistry({ consulAddr: env['CONSUL_HTTP_ADDR'] ?? '127.0.0.1:8500', logger: log });
const master = env['REDIS_SENTINEL_MASTER'] ?? 'mutiroes';
const producerRedis = await createRedis({ registry, masterName: master, logger: log });
const workerRedis = await createRedis({
  registry,
  masterName: master,
  logger: log,
  redisOptions: { maxRetriesPerRequest: null },
});

interface Row {
  concurrency: number;
  jobs: number;
  enqueue_jobs_per_s: number;
  process_jobs_per_s: number;
  end_to_end_s: number;
}
const rows: Row[] = [];

for (const concurrency of levels) {
  const n = jobsFor(concurrency);
  const name = `bench_noop_${randomBytes(3).toString('hex')}`;
  const producer = new BeeQueue(name, {
    redis: producerRedis as never,
    isWorker: false,
    getEvents: false,
    sendEvents: false,
    storeJobs: false,
  });
  const worker = new BeeQueue(name, {
    redis: workerRedis as never,
    isWorker: true,
    getEvents: false,
    sendEvents: false,
    removeOnSuccess: true,
    activateDelayedJobs: false,
  });
  producer.on('error', () => undefined);
  worker.on('error', () => undefined);
  await Promise.all([producer.ready(), worker.ready()]);

  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i += 500) {
    const batch = Array.from({ length: Math.min(500, n - i) }, (_, k) => producer.createJob({ i: i + k }));
    const errors = await producer.saveAll(batch);
    if (errors.size) throw new Error(`${errors.size} jobs not saved: ${[...errors.values()][0]}`);
  }
  const enqueueS = Number(process.hrtime.bigint() - t0) / 1e9;

  let done = 0;
  const t1 = process.hrtime.bigint();
  worker.process(concurrency, async () => {
    done++;
  });
  await waitFor(() => done >= n, { timeoutMs: 600_000, intervalMs: 20, description: `${n} jobs processed` });
  const processS = Number(process.hrtime.bigint() - t1) / 1e9;
  rows.push({
    concurrency,
    jobs: n,
    enqueue_jobs_per_s: Math.round(n / enqueueS),
    process_jobs_per_s: Math.round(n / processS),
    end_to_end_s: Number((enqueueS + processS).toFixed(2)),
  });

  await worker.close(5000);
  await producer.destroy();
  await producer.close(1000);
}

console.log('\nbee-queue no-op jobs through Sentinel-backed Redis (one producer, one worker process)');
console.log('concurrency | jobs   | enqueue jobs/s | process jobs/s');
console.log('----------- | ------ | -------------- | --------------');
for (const r of rows)
  console.log(
    `${String(r.concurrency).padStart(11)} | ${String(r.jobs).padStart(6)} | ${String(r.enqueue_jobs_per_s).padStart(14)} | ${String(r.process_jobs_per_s).padStart(14)}`,
  );

const out = path.join(ROOT, 'bench', 'results', 'queue.json');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(
  out,
  JSON.stringify(
    {
      benchmark: 'queue',
      measured_at: new Date().toISOString(),
      host: { cpus: os.cpus().length, node: process.version },
      redis: `sentinel master "${master}" via Consul`,
      results: rows,
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nwritten ${path.relative(ROOT, out)}`);

producerRedis.disconnect();
workerRedis.disconnect();
await registry.close();

// bee-queue through the registry's RedisClient (Sentinels from Consul) while the Redis master is killed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Queue from 'bee-queue';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { sleep, waitFor } from '@mutiroes/platform';
import { ConsulRegistry } from '../consul-registry.js';
import { RedisClient, createRedis, duplicateRedis, registerScript } from './redis-client.js';
import { testLogger } from '../testing/test-logger.fixture.js';

const TOTAL = 2_000;
const KILL_AFTER = 700;

describe('Redis client through Sentinel (real Sentinels, real failover)', () => {
  let mesh: Mesh;
  let registry: ConsulRegistry;
  const clients: RedisClient[] = [];
  const queues: Queue[] = [];

  before(async () => {
    mesh = await connectMesh();
    registry = new ConsulRegistry({ consulAddr: mesh.env['CONSUL_HTTP_ADDR']!, logger: testLogger('redis') });
  });
  after(async () => {
    await Promise.all(queues.map((q) => q.close(2_000).catch(() => undefined)));
    for (const c of clients) c.disconnect();
    await registry.close();
    await mesh.waitHealthy({ timeoutMs: 90_000 });
  });

  test('when created from Consul then it is a RedisClient on the master, and duplicates keep the class', async () => {
    const redis = await createRedis({
      registry,
      masterName: mesh.env['REDIS_SENTINEL_MASTER']!,
      logger: testLogger('redis'),
    });
    clients.push(redis);
    assert.equal(redis.constructor.name, 'RedisClient');
    assert.equal(await redis.set(`regtest:${process.pid}`, 'x'), 'OK');
    const role = (await redis.call('ROLE')) as [string];
    assert.equal(role[0], 'master');
    const sub = duplicateRedis(redis);
    clients.push(sub);
    assert.ok(sub instanceof RedisClient);
    const got = new Promise<string>((resolve) => sub.on('message', (_c: string, m: string) => resolve(m)));
    await sub.subscribe(`regtest:${process.pid}`);
    await redis.publish(`regtest:${process.pid}`, 'hello');
    assert.equal(await got, 'hello');
    // A registered script that the server never loaded: evalsha falls back to EVAL, batch() sends EVAL.
    const sha = registerScript(`return ${process.pid}`);
    await redis.script('FLUSH');
    assert.equal(await redis.evalsha(sha, 0), process.pid);
    await redis.script('FLUSH');
    assert.deepEqual(await redis.batch().evalsha(sha, 0).exec(), [[null, process.pid]]);
    const viaCallback = await new Promise(
      (resolve, reject) =>
        void redis.evalsha(sha, 0, (err: Error | null, r?: unknown) => (err ? reject(err) : resolve(r))),
    );
    assert.equal(viaCallback, process.pid);
    // bee-queue's saveAll goes through batch(): works right after a SCRIPT FLUSH (as on a promoted replica).
    const q = new Queue(`regtest-saveall-${process.pid}`, {
      redis: redis as never,
      isWorker: false,
      getEvents: false,
    });
    queues.push(q);
    q.on('error', () => undefined); // bee-queue re-emits its client's errors (e.g. during the next test's failover)
    await q.ready();
    await redis.script('FLUSH');
    const jobs = [1, 2, 3].map((n) => q.createJob({ n }));
    const failed = await q.saveAll(jobs);
    assert.equal(failed.size, 0);
    assert.equal((await q.checkHealth()).waiting !== undefined, true);
    assert.equal(await redis.llen(`bq:regtest-saveall-${process.pid}:waiting`), 3);
    await q.destroy();
    await q.close();
    // evalsha of an unknown script falls back only for known scripts: an unknown one still errors.
    await assert.rejects(redis.evalsha('0'.repeat(40), 0), /NOSCRIPT/);
    await redis.del(`regtest:${process.pid}`);
  });

  test('when the master is killed mid-stream then 2000 bee-queue jobs are all processed once and processing resumes', async () => {
    const masterName = mesh.env['REDIS_SENTINEL_MASTER']!;
    const log = testLogger('redis-bq');
    const producerClient = await createRedis({ registry, masterName, logger: log });
    const workerClient = await createRedis({
      registry,
      masterName,
      logger: log,
      redisOptions: { maxRetriesPerRequest: null },
    });
    clients.push(producerClient, workerClient);
    const name = `regtest-${process.pid}`;
    const producer = new Queue(name, {
      redis: producerClient as never,
      isWorker: false,
      getEvents: false,
      removeOnSuccess: true,
    });
    const worker = new Queue(name, {
      redis: workerClient as never,
      isWorker: true,
      getEvents: false,
      removeOnSuccess: true,
      stallInterval: 3_000,
    });
    queues.push(producer, worker);
    const errors: string[] = [];
    producer.on('error', (e) => errors.push(e.message));
    worker.on('error', (e) => errors.push(e.message));
    await Promise.all([producer.ready(), worker.ready()]);

    const processed = new Map<number, number>();
    let lastProcessed = 0;
    let maxGap = 0;
    worker.process(2, async (job: { data: { n: number } }) => {
      const now = performance.now();
      if (lastProcessed) maxGap = Math.max(maxGap, now - lastProcessed);
      lastProcessed = now;
      processed.set(job.data.n, (processed.get(job.data.n) ?? 0) + 1);
      await sleep(20);
      return job.data.n;
    });
    const stalledTimer = setInterval(() => void worker.checkStalledJobs().catch(() => undefined), 3_000);

    const acked = new Set<number>();
    let saveErrors = 0;
    let lastAck = 0;
    let maxAckGap = 0;
    let killedAt = 0;
    let oldMaster = '';
    try {
      for (let n = 1; n <= TOTAL; n++) {
        if (n === KILL_AFTER + 1) {
          const master = await mesh.redisMaster();
          oldMaster = master.name;
          killedAt = performance.now();
          // SIGKILL; restarted only after Sentinel promoted the replica (it then rejoins as a replica).
          await mesh.kill(master.name, { restartDelayMs: 8_000 });
        }
        for (;;) {
          try {
            // Fixed job ids make a retried save idempotent (a save can commit and still report an error).
            await producer.createJob({ n }).setId(`job-${n}`).save();
            const now = performance.now();
            if (lastAck) maxAckGap = Math.max(maxAckGap, now - lastAck);
            lastAck = now;
            acked.add(n);
            break;
          } catch {
            saveErrors += 1;
            await sleep(200);
          }
        }
        await sleep(5);
      }
      await waitFor(() => processed.size >= TOTAL, {
        timeoutMs: 60_000,
        intervalMs: 100,
        description: 'all jobs processed',
      });
    } finally {
      clearInterval(stalledTimer);
    }
    const lost = [...acked].filter((n) => !processed.has(n));
    const dups = [...processed.values()].filter((c) => c > 1).length;
    console.log(
      `measure: redis master ${oldMaster} killed after job ${KILL_AFTER}: producer pause ${(maxAckGap / 1000).toFixed(2)} s, processing pause ${(maxGap / 1000).toFixed(2)} s, ` +
        `acked ${acked.size}, processed ${processed.size}, lost ${lost.length}, duplicated ${dups}, save errors ${saveErrors}`,
    );
    assert.ok(killedAt > 0);
    assert.notEqual((await mesh.redisMaster()).name, oldMaster, 'sentinel promoted the replica');
    assert.equal(acked.size, TOTAL);
    assert.deepEqual(lost, []);
    assert.equal(dups, 0);
  });
});

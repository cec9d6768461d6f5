// Two beats over many accelerated ticks (every second) against the mesh: only the leader fires, every tick
// fires exactly once (unique key + one probe execution per tick), also across a SIGKILL of the leader.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueryTypes } from 'sequelize';
import { createLogger, waitFor } from '@mutiroes/platform';
import { ConsulRegistry, createPostgres, type PostgresClients } from '@mutiroes/registry';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { runMigrations } from '@mutiroes/api';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, '../../..');
const log = createLogger({ service: 'beat-test', level: 'warn' });
const run = randomBytes(3).toString('hex');
const SCHEDULE = `probe_${run}`;

interface Proc {
  name: string;
  proc: ChildProcess;
  out: string[];
  exited: Promise<unknown>;
}
function start(
  kind: 'beat' | 'worker',
  name: string,
  env: Record<string, string>,
  extra: Record<string, string>,
): Proc {
  const main = path.join(ROOT, 'services', kind, 'src', 'main.ts');
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
    cwd: ROOT,
    env: { ...process.env, ...env, SERVICE_NAME: kind, INSTANCE_ID: name, PORT: '0', ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  const push = (b: Buffer) => {
    for (const l of b.toString().split('\n'))
      if (l) {
        out.push(l);
        if (out.length > 3000) out.shift();
      }
  };
  proc.stdout!.on('data', push);
  proc.stderr!.on('data', push);
  return { name, proc, out, exited: new Promise((r) => proc.once('exit', r)) };
}
async function stop(p: Proc, sig: NodeJS.Signals = 'SIGTERM') {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return;
  p.proc.kill(sig);
  await p.exited;
}

let mesh: Mesh;
let env: Record<string, string>;
let registry: ConsulRegistry;
let pg: PostgresClients;
const procs: Proc[] = [];
const sql = <R extends object>(q: string, bind: unknown[] = []) =>
  pg.sequelize.query<R>(q, { bind, type: QueryTypes.SELECT }) as Promise<R[]>;

before(async () => {
  mesh = await connectMesh();
  env = mesh.env as Record<string, string>;
  registry = new ConsulRegistry({ consulAddr: env['CONSUL_HTTP_ADDR']!, logger: log });
  pg = await createPostgres({
    registry,
    database: env['DB_NAME']!,
    username: env['DB_USER']!,
    password: env['DB_PASSWORD']!,
    logger: log,
  });
  await runMigrations(pg.sequelize, log);
});

after(async () => {
  await Promise.all(procs.map((p) => stop(p)));
  await pg?.close();
  await registry?.close();
});

const TICK_MS = 1000; // BEAT_TEST_SCHEDULE below fires every second
const TICKS_PER_LEADER = 7;
/** Deadline for n ticks (or n jobs of one tick each): generous against a loaded 2-core machine. */
const windowMs = (n: number): number => Math.max(30_000, n * TICK_MS * 5);
async function ticksBy(name: string, since = new Date(0)): Promise<number> {
  const [r] = await sql<{ n: string }>(
    `SELECT count(*) AS n FROM beat_ticks WHERE schedule = $1 AND fired_by = $2 AND key LIKE '%@%' AND scheduled_at > $3`,
    [SCHEDULE, name, since],
  );
  return Number(r?.n ?? 0);
}

describe('beat', () => {
  test('when two beats run an every-second schedule and the leader is killed then every tick fires exactly once', async () => {
    const beatEnv = {
      BEAT_LEADER_KEY: `mutiroes/beat/test-${run}`,
      BEAT_DOMAIN_SCHEDULES: 'false',
      BEAT_TEST_SCHEDULE: '* * * * * *',
      BEAT_TEST_SCHEDULE_NAME: SCHEDULE,
      LOG_LEVEL: 'info',
    };
    procs.push(start('worker', `worker-b-${run}`, env, { WORKER_QUEUES: 'beat_probe', LOG_LEVEL: 'warn' }));
    const beats = [
      start('beat', `beat-t1-${run}`, env, beatEnv),
      start('beat', `beat-t2-${run}`, env, beatEnv),
    ];
    procs.push(...beats);

    const firstBy = async () =>
      (
        await sql<{ fired_by: string }>(
          `SELECT fired_by FROM beat_ticks WHERE schedule = $1 AND key LIKE '%@%' ORDER BY scheduled_at LIMIT 1`,
          [SCHEDULE],
        )
      )[0]?.fired_by;
    const leaderName = await waitFor(firstBy, { timeoutMs: 40_000, description: 'the first tick' });
    await waitFor(
      async () => {
        const ids = (await registry.lookup('beat')).map((i) => i.id);
        return beats.every((b) => ids.includes(b.name));
      },
      { timeoutMs: 20_000, description: 'both beats passing their TTL check in Consul' },
    );
    // The observation windows count ticks, not wall time: on a loaded machine 8 s may hold fewer fired ticks.
    await waitFor(async () => (await ticksBy(leaderName)) >= TICKS_PER_LEADER, {
      timeoutMs: windowMs(TICKS_PER_LEADER),
      intervalMs: 250,
      description: `${TICKS_PER_LEADER} ticks under the first leader`,
    });

    const leader = beats.find((b) => b.name === leaderName)!;
    const follower = beats.find((b) => b !== leader)!;
    const killedAt = new Date();
    leader.proc.kill('SIGKILL');
    await leader.exited;
    const firstOfNew = await waitFor(
      async () =>
        (
          await sql<{ created_at: Date; scheduled_at: Date }>(
            `SELECT created_at, scheduled_at FROM beat_ticks WHERE schedule = $1 AND fired_by = $2 AND key LIKE '%@%' ORDER BY created_at LIMIT 1`,
            [SCHEDULE, follower.name],
          )
        )[0],
      { timeoutMs: 30_000, description: 'the follower to fire' },
    );
    const handoverS = (new Date(firstOfNew.created_at).getTime() - killedAt.getTime()) / 1000;
    console.log(
      `beat leader handover: ${handoverS.toFixed(2)} s from SIGKILL of ${leader.name} to the first tick fired by ${follower.name}`,
    );
    await waitFor(async () => (await ticksBy(follower.name, killedAt)) >= TICKS_PER_LEADER, {
      timeoutMs: windowMs(TICKS_PER_LEADER),
      intervalMs: 250,
      description: `${TICKS_PER_LEADER} ticks under the new leader`,
    });

    await stop(follower);
    const ticks = await sql<{ key: string; scheduled_at: Date; fired_by: string }>(
      `SELECT key, scheduled_at, fired_by FROM beat_ticks WHERE schedule = $1 AND key LIKE '%@%' ORDER BY scheduled_at`,
      [SCHEDULE],
    );
    const seconds = ticks.map((t) => new Date(t.scheduled_at).getTime() / 1000);
    // No gap: every second between the first and the last tick is there (missed ones were caught up) ...
    assert.equal(seconds.length, seconds[seconds.length - 1]! - seconds[0]! + 1, 'a second is missing');
    // ... and each fired once (unique key) by whichever beat was leader, both took part.
    assert.equal(new Set(ticks.map((t) => t.key)).size, ticks.length);
    assert.deepEqual([...new Set(ticks.map((t) => t.fired_by))].sort(), [leader.name, follower.name].sort());
    assert.ok(ticks.length >= 2 * TICKS_PER_LEADER, `only ${ticks.length} ticks`);
    // Each tick's job ran exactly once on the worker.
    const runs = await waitFor(
      async () => {
        const r = await sql<{ tick_key: string; n: string }>(
          `SELECT tick_key, count(*) AS n FROM beat_probe_runs WHERE tick_key LIKE $1 GROUP BY tick_key`,
          [`${SCHEDULE}@%`],
        );
        return r.length >= ticks.length && r;
      },
      { timeoutMs: windowMs(ticks.length), description: 'every probe job to run' },
    );
    assert.deepEqual(
      runs.filter((r) => r.n !== '1'),
      [],
    );
    assert.deepEqual(new Set(runs.map((r) => r.tick_key)), new Set(ticks.map((t) => t.key)));
    const missedDuringHandover = ticks.filter(
      (t) => t.fired_by === follower.name && new Date(t.scheduled_at) < new Date(firstOfNew.created_at),
    ).length;
    console.log(
      `beat: ${ticks.length} ticks, each fired once; ${missedDuringHandover} caught up by the new leader`,
    );
  });
});

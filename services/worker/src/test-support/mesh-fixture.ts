// Integration-test fixture: the mesh (connectMesh), the schema migrated with the API's migrator, direct
// Postgres/Redis handles for assertions, worker/beat child processes, and the SMTP sink.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, waitFor } from '@mutiroes/platform';
import {
  ConsulRegistry,
  createPostgres,
  createRedis,
  type PostgresClients,
  type RedisClient,
} from '@mutiroes/registry';
import { connectMesh, type Mesh } from '@mutiroes/mesh';
import { runMigrations } from '@mutiroes/api';
import { withJobPolicy, type JobName } from '@mutiroes/contracts';
import { QueryTypes } from 'sequelize';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../../..');
export const WORKER_MAIN = path.resolve(here, '../main.ts');
export const BEAT_MAIN = path.resolve(REPO_ROOT, 'services/beat/src/main.ts');

export const log = createLogger({ service: 'worker-test', level: process.env['TEST_LOG_LEVEL'] ?? 'warn' });

export interface Fixture {
  mesh: Mesh;
  env: Record<string, string>;
  registry: ConsulRegistry;
  pg: PostgresClients;
  redis: RedisClient;
  sql<R extends object>(q: string, bind?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

export async function openFixture(): Promise<Fixture> {
  const mesh = await connectMesh();
  const env = mesh.env as Record<string, string>;
  const registry = new ConsulRegistry({ consulAddr: env['CONSUL_HTTP_ADDR']!, logger: log });
  const pg = await createPostgres({
    registry,
    database: env['DB_NAME']!,
    username: env['DB_USER']!,
    password: env['DB_PASSWORD']!,
    logger: log,
  });
  await runMigrations(pg.sequelize, log);
  const redis = await createRedis({ registry, masterName: env['REDIS_SENTINEL_MASTER']!, logger: log });
  return {
    mesh,
    env,
    registry,
    pg,
    redis,
    sql: <R extends object>(q: string, bind: unknown[] = []) =>
      pg.sequelize.query<R>(q, { bind, type: QueryTypes.SELECT }) as Promise<R[]>,
    async close() {
      redis.disconnect();
      await pg.close();
      await registry.close();
    },
  };
}

export interface Child {
  name: string;
  proc: ChildProcess;
  port: number;
  output: string[];
  exited: Promise<number | null>;
}

/** Starts a worker or beat main.ts as a child process with the mesh env plus `extra`. */
export function spawnService(
  kind: 'worker' | 'beat',
  name: string,
  env: Record<string, string>,
  extra: Record<string, string> = {},
): Child {
  const main = kind === 'worker' ? WORKER_MAIN : BEAT_MAIN;
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...env,
      SERVICE_NAME: kind,
      INSTANCE_ID: name,
      PORT: '0',
      LOG_LEVEL: 'info',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const child: Child = {
    name,
    proc,
    port: 0,
    output,
    exited: new Promise((r) => proc.once('exit', (code) => r(code))),
  };
  const onData = (b: Buffer) => {
    for (const line of b.toString().split('\n')) {
      if (!line) continue;
      output.push(line);
      if (output.length > 5000) output.shift();
      if (line.includes('"worker started"')) {
        try {
          child.port = Number((JSON.parse(line) as { port?: number }).port ?? 0);
        } catch {
          /* not JSON */
        }
      }
    }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  return child;
}

export async function waitStarted(c: Child, marker: RegExp, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    () =>
      c.output.some((l) => marker.test(l)) ||
      (c.proc.exitCode !== null
        ? Promise.reject(new Error(`${c.name} exited: ${c.output.slice(-5).join('\n')}`))
        : false),
    {
      timeoutMs,
      intervalMs: 100,
      description: `${c.name} to log ${marker}`,
    },
  );
}

export async function stopChild(c: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  c.proc.kill(signal);
  const t = setTimeout(() => c.proc.kill('SIGKILL'), 20_000);
  await c.exited;
  clearTimeout(t);
}

export interface SinkMessage {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  received_at: string;
}

export async function sinkMessages(env: Record<string, string>): Promise<SinkMessage[]> {
  const r = await fetch(`${env['SMTP_SINK_URL']}/messages`);
  if (!r.ok) throw new Error(`sink answered ${r.status}`);
  const body = (await r.json()) as SinkMessage[] | { messages: SinkMessage[] };
  return Array.isArray(body) ? body : body.messages;
}

/** A user row for tests (unique by `tag`). */
export async function createUser(
  f: Fixture,
  tag: string,
  extra: { is_staff?: boolean; first_name?: string } = {},
): Promise<{ id: number; email: string; username: string }> {
  const [u] = await f.sql<{ id: number; email: string; username: string }>(
    `INSERT INTO users (username, email, first_name, last_name, password_hash, is_staff) VALUES ($1, $2, $3, 'Teste', 'x', $4) RETURNING id, email, username`,
    [`u_${tag}`, `${tag}@example.com`, extra.first_name ?? 'Maria', extra.is_staff ?? false],
  );
  return u!;
}

export async function createEvent(
  f: Fixture,
  organizerId: number,
  tag: string,
  startsInMs: number,
  status = 'published',
): Promise<number> {
  const start = new Date(Date.now() + startsInMs);
  const end = new Date(start.getTime() + 3 * 3_600_000);
  const [cat] = await f.sql<{ id: number }>(`SELECT id FROM event_categories ORDER BY id LIMIT 1`);
  const [e] = await f.sql<{ id: number }>(
    `INSERT INTO events (title, description, category_id, organizer_id, address, city, state, start_date, end_date, max_participants, status, what_to_bring)
     VALUES ($1, 'Teste', $2, $3, 'Praia do Gonzaga, 1', 'Santos', 'SP', $4, $5, 500, $6, 'Luvas e garrafa de água') RETURNING id`,
    [`Mutirão ${tag}`, cat!.id, organizerId, start.toISOString(), end.toISOString(), status],
  );
  return e!.id;
}

/** Enqueues like the API's outbox relay does (bee-queue, prefix bq, explicit job id, the contract's retry policy). */
export async function enqueue(
  f: Fixture,
  queue: JobName,
  jobId: string,
  data: Record<string, unknown>,
): Promise<void> {
  const { default: BeeQueue } = await import('bee-queue');
  let q = producers.get(queue);
  if (!q) {
    q = new BeeQueue(queue, {
      prefix: 'bq',
      redis: f.redis as never,
      isWorker: false,
      getEvents: false,
      sendEvents: false,
      storeJobs: false,
    });
    q.on('error', () => undefined);
    producers.set(queue, q);
  }
  await withJobPolicy(q.createJob(data), queue).setId(jobId).save();
}
const producers = new Map<string, import('bee-queue')>();
export async function closeProducers(): Promise<void> {
  await Promise.allSettled([...producers.values()].map((q) => q.close(1000)));
  producers.clear();
}

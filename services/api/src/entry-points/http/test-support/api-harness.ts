// Test support: boots the real API (startWebServer) on port 0 against the mesh's Consul, Postgres and
// Redis (env from `mesh test-run` / `mesh env`), plus HTTP and SQL helpers. Integration tests only.
import { QueryTypes } from 'sequelize';
import { waitFor } from '@mutiroes/platform';
import { startWebServer, type RunningApi } from '../../../main.js';

export interface CallResult {
  status: number;
  body: any;
  headers: Headers;
  text: string;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent verbatim (malformed JSON tests). */
  raw?: string;
  headers?: Record<string, string>;
}

export interface ApiHarness {
  api: RunningApi;
  url: string;
  call(method: string, path: string, opts?: CallOptions): Promise<CallResult>;
  count(table: string, where?: string, bind?: unknown[]): Promise<number>;
  sql<T extends object>(sql: string, bind?: unknown[]): Promise<T[]>;
  /**
   * Waits (≤ 10 s) until the replica has replayed every write committed on the primary so far. `call`
   * does this itself before a GET by anyone outside the read-your-writes window (anonymous, or a token
   * without a successful write in the last 4 s), because those reads go to the replica, stale by design.
   */
  replicaCaughtUp(): Promise<void>;
  /** Records a successful write made with `token` outside `call` (multipart uploads via fetch). */
  noteWrite(token: string | undefined): void;
  /** A unique name for this test run (usernames, e-mails). */
  unique(prefix: string): string;
  close(): Promise<void>;
}

/** The subset of @mutiroes/mesh the tests use (imported dynamically: the mesh workspace is not a build reference of the API). */
export interface MeshControl {
  env: Record<string, string>;
  stop(name: string): Promise<void>;
  start(name: string): Promise<void>;
  waitHealthy(opts?: { timeoutMs?: number }): Promise<void>;
  redisMaster(): Promise<{ name: string; port: number }>;
  status(): Promise<
    Array<{ name: string; kind: string; pid: number | null; port: number; running: boolean }>
  >;
  startInstance(kind: string, opts?: { env?: Record<string, string> }): Promise<string>;
  /** Stops an instance started for a test and forgets it. */
  remove(name: string): Promise<void>;
  kill(
    name: string,
    opts?: { signal?: NodeJS.Signals; restart?: boolean; restartDelayMs?: number },
  ): Promise<number | null>;
  pgPrimary(): Promise<{ name: string; port: number }>;
  waitPassing(service: string, ids: string[], timeoutMs: number): Promise<void>;
}

export async function connectTestMesh(): Promise<MeshControl> {
  const pkg = '@mutiroes/mesh';
  const mod = (await import(pkg)) as { connectMesh: () => Promise<MeshControl> };
  return mod.connectMesh();
}

let seq = 0;
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;

export async function startApi(env: Record<string, string> = {}): Promise<ApiHarness> {
  const api = await startWebServer({
    env: {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
      INSTANCE_ID: `api-test-${run}-${++seq}`,
      ...env,
    },
    register: false,
  });
  const sequelize = api.deps.db.sequelize;
  const reader = api.deps.db.reader;
  // Token → time of its last successful write through the API (the API then reads that user's requests
  // from the primary for READ_YOUR_WRITES_S = 5 s; 4 s leaves a margin).
  const writers = new Map<string, number>();
  const RYW_MARGIN_MS = Math.max(0, api.deps.config.READ_YOUR_WRITES_S * 1000 - 1000);
  const replicaCaughtUp = async () => {
    if (reader === sequelize) return;
    const [p] = await sequelize.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn', {
      type: QueryTypes.SELECT,
    });
    await waitFor(
      async () => {
        const [r] = await reader.query<{ ok: boolean | null }>(
          'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok',
          { bind: [p!.lsn], type: QueryTypes.SELECT },
        );
        // NULL: the reader is on a primary (no replica passing), which is fresh by definition.
        return r!.ok !== false;
      },
      { timeoutMs: 10_000, intervalMs: 10, description: `replica replayed up to ${p!.lsn}` },
    );
  };
  const noteWrite = (token: string | undefined) => {
    if (token) writers.set(token, Date.now());
  };
  const h: ApiHarness = {
    api,
    url: api.url,
    replicaCaughtUp,
    noteWrite,
    async call(method, path, opts = {}) {
      const reading = method === 'GET' || method === 'HEAD';
      if (reading) {
        const wrote = opts.token ? writers.get(opts.token) : undefined;
        if (wrote === undefined || Date.now() - wrote > RYW_MARGIN_MS) await replicaCaughtUp();
      }
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      let body: string | undefined;
      if (opts.raw !== undefined) {
        body = opts.raw;
        headers['content-type'] ??= 'application/json';
      } else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] = 'application/json';
      }
      if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      if (!reading && res.status < 400) noteWrite(opts.token);
      return { status: res.status, body: parsed, headers: res.headers, text };
    },
    async count(table, where = 'true', bind = []) {
      const [r] = await sequelize.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`, {
        bind,
        type: QueryTypes.SELECT,
      });
      return Number(r!.n);
    },
    sql: (s, bind = []) => sequelize.query(s, { bind, type: QueryTypes.SELECT }),
    unique: (prefix) => `${prefix}_${run}_${++seq}`,
    close: () => api.stop(),
  };
  return h;
}

export const STRONG_PASSWORD = 'Mangue-Vivo-2024!';

/** A valid anonymous registration body for `username` (e-mail `<username>@example.test`). */
export const registrationBody = (username: string) => ({
  username,
  email: `${username}@example.test`,
  password: STRONG_PASSWORD,
  password_confirm: STRONG_PASSWORD,
});

/** Starts a worker instance when none runs (and waits until it passes); returns its name, or null if one ran. */
export async function ensureWorker(mesh: MeshControl): Promise<string | null> {
  const running = (await mesh.status()).filter((c) => c.kind === 'worker' && c.running);
  if (running.length > 0) return null;
  const name = await mesh.startInstance('worker');
  await mesh.waitPassing('worker', [name], 60_000);
  return name;
}

/** How many users are called `username` (case-insensitive, like the unique index). */
export const countUsers = (h: ApiHarness, username: string) =>
  h.count('users', 'lower(username) = lower($1)', [username]);

/** Registers a user through the API and logs in; returns ids and tokens. */
export async function registerAndLogin(
  h: ApiHarness,
  over: Partial<Record<'username' | 'email' | 'password' | 'first_name' | 'last_name', string>> = {},
): Promise<{
  id: number;
  username: string;
  email: string;
  password: string;
  access: string;
  refresh: string;
}> {
  const username = over.username ?? h.unique('vol');
  const email = over.email ?? `${username}@example.test`;
  const password = over.password ?? STRONG_PASSWORD;
  const reg = await h.call('POST', '/api/users/register/', {
    body: {
      username,
      email,
      first_name: over.first_name ?? 'Ana',
      last_name: over.last_name ?? 'Souza',
      password,
      password_confirm: password,
    },
  });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${reg.text}`);
  const tok = await h.call('POST', '/api/token/', { body: { email, password } });
  if (tok.status !== 200) throw new Error(`login failed: ${tok.status} ${tok.text}`);
  return { id: reg.body.id, username, email, password, access: tok.body.access, refresh: tok.body.refresh };
}

// Test support: the real API (startWebServer) on port 0 against the mesh's Postgres and Redis,
// plus users and tokens to call it with. Integration tests only (needs `mesh up --infra-only`).
import { QueryTypes, type Sequelize } from 'sequelize';
import { startWebServer } from '../../../../main.js';
import { JwtTokens } from '../../../../domain/users/jwt-tokens.service.js';

export interface TestUser {
  id: number;
  username: string;
  token: string;
}

export interface EventsApi {
  url: string;
  sequelize: Sequelize;
  /** MEDIA_DIR of the running API (uploads land under events/<id>/). */
  mediaDir: string;
  /** A new user (profile with a birth date making them `age` at the events' dates) and an access token. */
  user(opts?: { age?: number | null; name?: string }): Promise<TestUser>;
  /** `fetch` against the API with JSON body and optional bearer token. */
  call(
    method: string,
    path: string,
    opts?: {
      token?: string;
      body?: unknown;
      raw?: string | Uint8Array | FormData;
      headers?: Record<string, string>;
    },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  count(table: string, where?: string, bind?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

let seq = 0;

export async function startEventsApi(): Promise<EventsApi> {
  const running = await startWebServer({
    env: { ...process.env, PORT: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    register: false,
  });
  const { url, config } = running;
  const pg = { sequelize: running.deps.db.sequelize };
  const tokens = new JwtTokens({ secret: config.JWT_SECRET, accessTtlS: 3600, refreshTtlS: 3600 });
  const run = process.pid.toString(36) + Date.now().toString(36);

  return {
    url,
    sequelize: pg.sequelize,
    mediaDir: config.MEDIA_DIR,
    async user(opts = {}) {
      const username = `${opts.name ?? 'vol'}_${run}_${++seq}`;
      const [row] = await pg.sequelize.query<{ id: number }>(
        `INSERT INTO users (username, email, first_name, last_name, password_hash) VALUES ($1, $2, 'Test', 'User', 'x') RETURNING id`,
        { bind: [username, `${username}@example.test`], type: QueryTypes.SELECT },
      );
      const id = row!.id;
      const age = opts.age === undefined ? 30 : opts.age;
      if (age !== null) {
        const birth = new Date();
        birth.setUTCFullYear(birth.getUTCFullYear() - age);
        birth.setUTCMonth(birth.getUTCMonth() - 1);
        await pg.sequelize.query('INSERT INTO user_profiles (user_id, birth_date) VALUES ($1, $2)', {
          bind: [id, birth.toISOString().slice(0, 10)],
        });
      }
      return {
        id,
        username,
        token: tokens.signAccess({ id, username, email: `${username}@example.test`, is_staff: false }),
      };
    },
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | Uint8Array | FormData | undefined;
      if (opts.raw !== undefined) body = opts.raw;
      else if (opts.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(opts.body);
      }
      const res = await fetch(url + path, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async count(table, where = 'true', bind = []) {
      const [r] = await pg.sequelize.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
        { bind, type: QueryTypes.SELECT },
      );
      return r!.n;
    },
    async close() {
      await running.stop();
    },
  };
}

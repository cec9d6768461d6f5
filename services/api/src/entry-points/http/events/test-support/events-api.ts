// Test support: a real API (events router + API-core's middlewares) on port 0 against the mesh's Postgres,
// plus users and tokens to call it with. Integration tests only (needs `mesh up --infra-only`).
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Sequelize, QueryTypes } from 'sequelize';
import { createLogger } from '@mutiroes/platform';
import { ConsulRegistry, createPostgres, type PostgresClients } from '@mutiroes/registry';
import { loadConfig } from '../../../../config.js';
import type { ApiDeps } from '../../../../deps.js';
import { createDatabase } from '../../../../data-access/database.js';
import { createHotCache } from '../../../../data-access/cache/hot-cache.js';
import { runMigrations } from '../../../../data-access/migrator.js';
import { createOutbox } from '../../../outbox-relay/outbox-relay.js';
import { createAuthMiddlewares } from '../../auth.middleware.js';
import { errorMiddleware, notFoundHandler } from '../../error.middleware.js';
import { requestContextMiddleware } from '../../request-context.middleware.js';
import { JwtTokens } from '../../../../domain/users/jwt-tokens.service.js';
import { createEventsRouter, createMediaRouter } from '../index.js';

export interface TestUser {
  id: number;
  username: string;
  token: string;
}

export interface EventsApi {
  url: string;
  sequelize: Sequelize;
  /** A new user (profile with a birth date making them `age` at the events' dates) and an access token. */
  user(opts?: { age?: number | null; name?: string }): Promise<TestUser>;
  /** `fetch` against the API with JSON body and optional bearer token. */
  call(method: string, path: string, opts?: { token?: string; body?: unknown; raw?: string | Uint8Array | FormData; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers }>;
  count(table: string, where?: string, bind?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

let seq = 0;

export async function startEventsApi(): Promise<EventsApi> {
  const config = loadConfig({ ...process.env, PORT: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', READ_YOUR_WRITES_S: '5' });
  const logger = createLogger({ service: 'api', instance: 'events-test' });
  const registry = new ConsulRegistry({ consulAddr: config.CONSUL_HTTP_ADDR, logger });
  const pg: PostgresClients = await createPostgres({
    registry,
    database: config.DB_NAME,
    username: config.DB_USER,
    password: config.DB_PASSWORD ?? '',
    logger,
    replicaReads: true,
    pool: { max: 20, min: 0, acquire: 20_000, idle: 5_000 },
  });
  await runMigrations(pg.sequelize, logger);
  const db = createDatabase({ sequelize: pg.sequelize, reader: pg.reader, windowS: config.READ_YOUR_WRITES_S, log: logger });
  const cache = createHotCache({ log: logger });
  const auth = createAuthMiddlewares(config.JWT_SECRET);
  const deps: ApiDeps = { config, logger, db, cache, outbox: createOutbox(pg.sequelize, null), ...auth };
  const app = express();
  app.use(requestContextMiddleware(logger));
  app.use(express.json({ limit: config.BODY_LIMIT }));
  app.use('/api/events', createEventsRouter(deps));
  app.use('/media', createMediaRouter(config.MEDIA_DIR));
  app.use(notFoundHandler());
  app.use(errorMiddleware(logger));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens = new JwtTokens({ secret: config.JWT_SECRET, accessTtlS: 3600, refreshTtlS: 3600 });
  const run = process.pid.toString(36) + Date.now().toString(36);

  return {
    url,
    sequelize: pg.sequelize,
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
        await pg.sequelize.query('INSERT INTO user_profiles (user_id, birth_date) VALUES ($1, $2)', { bind: [id, birth.toISOString().slice(0, 10)] });
      }
      return { id, username, token: tokens.signAccess({ id, username, email: `${username}@example.test`, is_staff: false }) };
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
      const [r] = await pg.sequelize.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, { bind, type: QueryTypes.SELECT });
      return r!.n;
    },
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await pg.close();
      await registry.close();
    },
  };
}

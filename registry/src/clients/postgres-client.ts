// Postgres through Sequelize, every new write connection pointed at the current Patroni primary found in
// Consul (service `pgha`, tag `primary`); optional reads on a replica (tag `replica`), else the primary.
import { Sequelize, type Options, type PoolOptions } from 'sequelize';
import type { Instance, RegistryLogger } from '../types.js';

export interface PgSource {
  watch(
    service: string,
    opts?: { tag?: string },
  ): { ready(timeoutMs?: number): Promise<Instance[]>; instances(): Instance[]; close(): void };
  /** Direct (uncached) lookup of the passing instances. */
  lookup(service: string, opts?: { tag?: string }): Promise<Instance[]>;
}

export interface CreatePostgresOptions {
  registry: PgSource;
  database: string;
  username: string;
  password: string;
  logger: RegistryLogger;
  /** Second Sequelize on a `pgha` replica for stale-tolerant reads (falls back to the primary). */
  replicaReads?: boolean;
  /** Consul service Patroni registers (its scope; default `pgha`). */
  service?: string;
  pool?: PoolOptions;
  /** Extra Sequelize options (e.g. `logging`, `define`). */
  sequelizeOptions?: Partial<Options>;
}

export interface PostgresClients {
  /** Writes (and reads that must see them): always the current primary. */
  sequelize: Sequelize;
  /** Reads that may be slightly stale: a replica when one passes, else the primary. */
  reader: Sequelize;
  /** The primary new connections currently go to. */
  primary(): Promise<Instance>;
  close(): Promise<void>;
}

const READ_ONLY_TRANSACTION = '25006';

function pgCode(err: unknown): string | undefined {
  const e = err as { original?: { code?: string }; parent?: { code?: string }; code?: string } | null;
  return e?.original?.code ?? e?.parent?.code ?? e?.code;
}

interface PgConnection {
  query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
}

export async function createPostgres(opts: CreatePostgresOptions): Promise<PostgresClients> {
  if (!opts.username || !opts.password)
    throw new Error('createPostgres: username and password are required (from configuration)');
  const service = opts.service ?? 'pgha';
  const log = opts.logger;
  const primaryWatch = opts.registry.watch(service, { tag: 'primary' });
  const replicaWatch = opts.replicaReads ? opts.registry.watch(service, { tag: 'replica' }) : null;
  await Promise.all([primaryWatch.ready(10_000), replicaWatch?.ready(10_000)]).catch((e: Error) =>
    log.warn('consul did not answer for pgha yet; connections will look it up directly', {
      error: e.message,
    }),
  );

  let lastPrimary = '';
  async function primary(): Promise<Instance> {
    const cached = primaryWatch.instances();
    let list = cached.length === 1 ? cached : await opts.registry.lookup(service, { tag: 'primary' });
    if (list.length !== 1 && cached.length === 1) list = cached;
    if (list.length !== 1) throw new Error(`consul: ${list.length} passing ${service} primaries`);
    const p = list[0]!;
    const where = `${p.address}:${p.port}`;
    if (where !== lastPrimary) {
      log.info('postgres writes now go to the primary', {
        primary: p.id,
        address: where,
        previous: lastPrimary || undefined,
      });
      lastPrimary = where;
    }
    return p;
  }

  function replica(): Instance | undefined {
    const list = replicaWatch?.instances() ?? [];
    return list.length ? list[Math.floor(Math.random() * list.length)] : undefined;
  }

  const base: Options = {
    dialect: 'postgres',
    database: opts.database,
    username: opts.username,
    password: opts.password,
    host: '127.0.0.1', // replaced for every connection by beforeConnect
    port: 5432,
    logging: false,
    pool: { max: 10, min: 0, acquire: 5_000, idle: 5_000, evict: 1_000, ...(opts.pool ?? {}) },
    dialectOptions: { connectionTimeoutMillis: 2_000, query_timeout: 10_000, keepAlive: true },
    ...(opts.sequelizeOptions ?? {}),
  };

  const sequelize = new Sequelize({
    ...base,
    hooks: {
      beforeConnect: async (config) => {
        const p = await primary();
        Object.assign(config, { host: p.address, port: p.port });
      },
      afterConnect: async (connection) => {
        // Consul (or Patroni's leader key) can point at a node a moment before promotion finished.
        const conn = connection as unknown as PgConnection;
        const r = await conn.query('SELECT pg_is_in_recovery() AS r');
        if (r.rows[0]?.['r'] === true) {
          await conn.end().catch(() => undefined);
          throw new Error('connected to a postgres node in recovery (not the primary yet)');
        }
      },
    },
  });
  dropPoolOnReadOnly(sequelize, log);

  const reader = replicaWatch
    ? new Sequelize({
        ...base,
        hooks: {
          beforeConnect: async (config) => {
            const r = replica() ?? (await primary());
            Object.assign(config, { host: r.address, port: r.port });
          },
        },
      })
    : sequelize;

  return {
    sequelize,
    reader,
    primary,
    async close() {
      primaryWatch.close();
      replicaWatch?.close();
      await sequelize.close();
      if (reader !== sequelize) await reader.close();
    },
  };
}

/** A write that hit a read-only node (25006, demoted primary) drops every pooled connection. */
function dropPoolOnReadOnly(sequelize: Sequelize, log: RegistryLogger): void {
  const original = sequelize.query.bind(sequelize) as (...a: unknown[]) => Promise<unknown>;
  (sequelize as unknown as { query: (...a: unknown[]) => Promise<unknown> }).query = async (
    ...args: unknown[]
  ) => {
    try {
      return await original(...args);
    } catch (e) {
      if (pgCode(e) === READ_ONLY_TRANSACTION) {
        log.warn('write hit a read-only postgres node; dropping the connection pool', {});
        const pool = (
          sequelize.connectionManager as unknown as { pool?: { destroyAllNow?: () => Promise<void> } }
        ).pool;
        await pool?.destroyAllNow?.().catch(() => undefined);
      }
      throw e;
    }
  };
}

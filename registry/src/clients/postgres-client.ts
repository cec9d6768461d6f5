// Postgres through Sequelize, every new write connection pointed at the current Patroni primary found in
// Consul (service `pgha`, tag `primary`) and verified on the node itself (`pg_is_in_recovery()`); optional
// reads on a replica (tag `replica`), else the primary. When Consul cannot name a usable primary (down,
// checks critical or role tags stale right after a restart), the last verified primary and then every
// known `pgha` member are tried, and a new connection waits (bounded) for a node that accepts writes
// instead of failing at once: a primary restarting or being promoted costs latency, not errors.
import { Sequelize, type Options, type PoolOptions } from 'sequelize';
import type { Instance, RegistryLogger } from '../types.js';
import { PrimaryLocator, type PgConnection, type PgSource } from './postgres-primary-locator.js';
import { dropPoolOnReadOnly, retryConnect } from './postgres-connect-retry.js';

export type { PgSource } from './postgres-primary-locator.js';

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
  /** Client-side timeout of one query (ms, default 10 000; long batch scripts want more). */
  queryTimeoutMs?: number;
  /** Timeout of opening a connection (ms, default 2 000). */
  connectTimeoutMs?: number;
  /** Bound of the direct Consul lookup a new connection makes when the watch has no single primary (ms, default 1 500). */
  lookupTimeoutMs?: number;
  /**
   * How long opening a connection keeps trying when no node accepts writes (no primary known, the
   * primary restarting or in recovery, a promotion in flight) before it fails (ms, default 8 000). The
   * pool's acquire timeout defaults to this plus the connect timeout and 3 s.
   */
  primaryWaitMs?: number;
  /** Extra Sequelize options, e.g. `logging`, `define` (`dialectOptions` given here replace the defaults whole). */
  sequelizeOptions?: Partial<Options>;
}

export interface PostgresClients {
  /** Writes (and reads that must see them): always the current primary. */
  sequelize: Sequelize;
  /** Reads that may be slightly stale: a replica when one passes, else the primary. */
  reader: Sequelize;
  /**
   * The primary new connections currently go to: Consul's single passing `primary`, else (Consul
   * unreachable, no leader, 0 or several passing primaries) the last primary a connection verified.
   */
  primary(): Promise<Instance>;
  /** The last primary a write connection verified (`pg_is_in_recovery() = false`), if any. */
  lastVerifiedPrimary(): Instance | undefined;
  close(): Promise<void>;
}

export async function createPostgres(opts: CreatePostgresOptions): Promise<PostgresClients> {
  if (!opts.username || !opts.password)
    throw new Error('createPostgres: username and password are required (from configuration)');
  const service = opts.service ?? 'pgha';
  const log = opts.logger;
  const watches = {
    primary: opts.registry.watch(service, { tag: 'primary' }),
    replica: opts.replicaReads ? opts.registry.watch(service, { tag: 'replica' }) : null,
    /** Every member whatever its tag: the way to the real primary when a role tag is stale. */
    member: opts.registry.watch(service),
  };
  await Promise.all([watches.primary.ready(10_000), watches.replica?.ready(10_000)]).catch((e: Error) =>
    log.warn('consul did not answer for pgha yet; connections will look it up directly', {
      error: e.message,
    }),
  );
  const locator = new PrimaryLocator(opts.registry, service, watches, opts.lookupTimeoutMs ?? 1_500, log);
  const primaryWaitMs = opts.primaryWaitMs ?? 8_000;
  const base = sequelizeOptions(opts, primaryWaitMs);
  let closed = false;
  const retry = { waitMs: primaryWaitMs, refuse: locator.refuse, closed: () => closed, log };

  const sequelize = new Sequelize({
    ...base,
    hooks: {
      beforeConnect: async (config) => {
        const p = await locator.handOut();
        Object.assign(config, { host: p.address, port: p.port });
      },
      afterConnect: (connection) => locator.verify(connection as unknown as PgConnection),
    },
  });
  dropPoolOnReadOnly(sequelize, log);
  retryConnect(sequelize, 'primary', retry);

  const reader = watches.replica
    ? new Sequelize({
        ...base,
        hooks: {
          beforeConnect: async (config) => {
            const r = locator.replica() ?? (await locator.primary());
            Object.assign(config, { host: r.address, port: r.port });
          },
        },
      })
    : sequelize;
  if (reader !== sequelize) retryConnect(reader, 'reader', retry);

  return {
    sequelize,
    reader,
    primary: locator.primary,
    lastVerifiedPrimary: () => locator.lastVerified(),
    async close() {
      closed = true;
      watches.primary.close();
      watches.replica?.close();
      watches.member.close();
      await sequelize.close();
      if (reader !== sequelize) await reader.close();
    },
  };
}

/** The options both Sequelizes share; host and port are replaced for every connection by beforeConnect. */
function sequelizeOptions(opts: CreatePostgresOptions, primaryWaitMs: number): Options {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2_000;
  return {
    dialect: 'postgres',
    database: opts.database,
    username: opts.username,
    password: opts.password,
    host: '127.0.0.1',
    port: 5432,
    logging: false,
    pool: {
      max: 10,
      min: 0,
      acquire: primaryWaitMs + connectTimeoutMs + 3_000,
      idle: 5_000,
      evict: 1_000,
      ...(opts.pool ?? {}),
    },
    dialectOptions: {
      connectionTimeoutMillis: connectTimeoutMs,
      query_timeout: opts.queryTimeoutMs ?? 10_000,
      keepAlive: true,
    },
    ...(opts.sequelizeOptions ?? {}),
  };
}

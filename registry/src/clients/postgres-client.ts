// Postgres through Sequelize, every new write connection pointed at the current Patroni primary found in
// Consul (service `pgha`, tag `primary`) and verified on the node itself (`pg_is_in_recovery()`); optional
// reads on a replica (tag `replica`), else the primary. When Consul cannot name a usable primary (down,
// checks critical or role tags stale right after a restart), the last verified primary and then every
// known `pgha` member are tried, and a new connection waits (bounded) for a node that accepts writes
// instead of failing at once: a primary restarting or being promoted costs latency, not errors.
import { Sequelize, type Options, type PoolOptions } from 'sequelize';
import { withTimeout } from '@mutiroes/platform';
import type { Instance, RegistryLogger } from '../types.js';

export interface PgSource {
  watch(
    service: string,
    opts?: { tag?: string },
  ): { ready(timeoutMs?: number): Promise<Instance[]>; instances(): Instance[]; close(): void };
  /**
   * Direct (uncached) lookup of the passing instances; with `passing: false`, of every registered
   * instance whatever its checks say (critical right after a Consul restart), minus those taken out on purpose.
   */
  lookup(service: string, opts?: { tag?: string; passing?: boolean }): Promise<Instance[]>;
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

const READ_ONLY_TRANSACTION = '25006';

function pgCode(err: unknown): string | undefined {
  const e = err as { original?: { code?: string }; parent?: { code?: string }; code?: string } | null;
  return e?.original?.code ?? e?.parent?.code ?? e?.code;
}

interface PgConnection {
  query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
  host?: string;
  port?: number;
}

/** A node found in recovery is not handed out again for this long when a verified primary is known. */
const REFUSED_MS = 1_000;
/** How long a node that failed stays second to a primary verified after that failure, whatever Consul says. */
const DISTRUST_MS = 30_000;

const where = (i: Pick<Instance, 'address' | 'port'>) => `${i.address}:${i.port}`;

export async function createPostgres(opts: CreatePostgresOptions): Promise<PostgresClients> {
  if (!opts.username || !opts.password)
    throw new Error('createPostgres: username and password are required (from configuration)');
  const service = opts.service ?? 'pgha';
  const log = opts.logger;
  const primaryWatch = opts.registry.watch(service, { tag: 'primary' });
  const replicaWatch = opts.replicaReads ? opts.registry.watch(service, { tag: 'replica' }) : null;
  /** Every member whatever its tag: the way to the real primary when a role tag is stale. */
  const memberWatch = opts.registry.watch(service);
  await Promise.all([primaryWatch.ready(10_000), replicaWatch?.ready(10_000)]).catch((e: Error) =>
    log.warn('consul did not answer for pgha yet; connections will look it up directly', {
      error: e.message,
    }),
  );

  const lookupTimeoutMs = opts.lookupTimeoutMs ?? 1_500;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2_000;
  const primaryWaitMs = opts.primaryWaitMs ?? 8_000;
  /** The primary the last successful write connection verified (not in recovery). */
  let verified: Instance | undefined;
  /** Nodes a connection found in recovery or could not reach, until when (ms). */
  const refusedUntil = new Map<string, number>();
  /** When each node last refused a connection or was found in recovery. */
  const lastRefusedAt = new Map<string, number>();
  let verifiedAt = 0;
  /** Instances handed to connections being opened, by host:port (to know what afterConnect verified). */
  const handedOut = new Map<string, Instance>();
  /**
   * Every `pgha` member this client has seen, by host:port, whatever its role tag or checks: where the
   * primary is looked for when Consul cannot name it (Consul down, checks critical, stale role tags).
   */
  const members = new Map<string, Instance>();
  const remember = (list: readonly Instance[]): readonly Instance[] => {
    for (const i of list) members.set(where(i), i);
    return list;
  };
  /** `consul|fallback|probe host:port`: logged once per change, not per connection. */
  let state = '';
  let closed = false;

  let turn = 0;
  let severalListed = '';
  async function discover(): Promise<Instance> {
    const cached = remember(primaryWatch.instances());
    let list = cached;
    if (cached.length !== 1) {
      try {
        list = remember(
          await withTimeout(
            opts.registry.lookup(service, { tag: 'primary' }),
            lookupTimeoutMs,
            `consul lookup of ${service} primary`,
          ),
        );
      } catch (e) {
        if (cached.length === 0) throw e;
      }
    }
    if (list.length === 1) {
      severalListed = '';
      return list[0]!;
    }
    if (list.length === 0) throw new Error(`consul: 0 passing ${service} primaries`);
    const listed = list.map(where).join(',');
    if (listed !== severalListed) {
      severalListed = listed;
      log.warn('consul lists several postgres primaries; each new connection verifies the node it reaches', {
        listed,
      });
    }
    // Several nodes tagged primary (a restarted agent restored a stale registration, or a failover in
    // flight): the verified one if listed, else one not found in recovery lately (afterConnect decides).
    const known = verified ? list.find((i) => where(i) === where(verified!)) : undefined;
    if (known && !isRefused(known)) return known;
    const candidates = list.filter((i) => !isRefused(i));
    if (candidates.length === 0)
      throw new Error(`consul: ${list.length} passing ${service} primaries, all in recovery`);
    return candidates[turn++ % candidates.length]!;
  }

  const isRefused = (i: Pick<Instance, 'address' | 'port'>) => (refusedUntil.get(where(i)) ?? 0) > Date.now();
  const refuse = (at: string) => {
    refusedUntil.set(at, Date.now() + REFUSED_MS);
    lastRefusedAt.set(at, Date.now());
  };
  /**
   * Consul may go on naming a node that has just failed — panic mode serves the last passing set while the
   * promoted node's new role tag is not registered yet (Patroni re-registers a few seconds after promotion).
   * Such a node comes second to a primary verified after it failed, for DISTRUST_MS.
   */
  const supersededBy = (i: Instance): Instance | undefined => {
    const failedAt = lastRefusedAt.get(where(i)) ?? 0;
    if (!verified || where(verified) === where(i) || isRefused(verified)) return undefined;
    return failedAt > Date.now() - DISTRUST_MS && verifiedAt > failedAt ? verified : undefined;
  };

  function transition(next: string, log: (previous: string) => void): void {
    if (next === state) return;
    const previous = state;
    state = next;
    log(previous);
  }

  /**
   * Where the next write connection goes, in this order: the single primary Consul lists (passing), the
   * last verified primary, then any other known member. A node found in recovery or unreachable lately
   * is skipped; afterConnect verifies whatever is chosen, so a wrong guess costs one connection attempt.
   */
  async function primary(): Promise<Instance> {
    let found: Instance | undefined;
    let consulError: Error | undefined;
    try {
      found = await discover();
    } catch (e) {
      consulError = e as Error;
    }
    const newer = found && !isRefused(found) ? supersededBy(found) : undefined;
    if (newer) {
      transition(`verified ${where(newer)}`, () =>
        log.warn(
          'consul still names a postgres node that failed lately; new connections go to the primary verified since',
          {
            listed: where(found!),
            primary: newer.id,
            address: where(newer),
          },
        ),
      );
      return newer;
    }
    if (found && !isRefused(found)) {
      const f = found;
      transition(`consul ${where(f)}`, (previous) =>
        log.info('postgres writes now go to the primary', {
          primary: f.id,
          address: where(f),
          previous: previous || undefined,
        }),
      );
      return f;
    }
    const why =
      consulError?.message ?? `the primary consul lists (${where(found!)}) is in recovery or unreachable`;
    if (verified && !isRefused(verified)) {
      const fallback = verified;
      transition(`fallback ${where(fallback)}`, () =>
        log.warn('consul has no usable postgres primary; new connections go to the last verified primary', {
          primary: fallback.id,
          address: where(fallback),
          error: why,
        }),
      );
      return fallback;
    }
    // No usable primary named and none verified (a stale role tag restored after a Consul restart, the
    // primary restarted while Consul could not tell): the primary is whichever member accepts writes.
    const other = (await otherMembers(found)).find((i) => !isRefused(i));
    if (other) {
      transition(`probe ${where(other)}`, () =>
        log.warn('consul has no usable postgres primary; trying another known pgha member', {
          listed: found ? where(found) : undefined,
          trying: where(other),
          error: why,
        }),
      );
      return other;
    }
    throw new Error(`no usable postgres primary: ${why}; every known ${service} member refused lately`);
  }

  /** Every known member but `not`: the watches' caches, Consul's full registration list, what was seen. */
  async function otherMembers(not: Instance | undefined): Promise<Instance[]> {
    remember([...primaryWatch.instances(), ...(replicaWatch?.instances() ?? []), ...memberWatch.instances()]);
    try {
      remember(
        await withTimeout(
          opts.registry.lookup(service, { passing: false }),
          lookupTimeoutMs,
          `consul lookup of ${service}`,
        ),
      );
    } catch {
      /* Consul unreachable: what was seen before */
    }
    return [...members.values()].filter((i) => !not || where(i) !== where(not));
  }

  function replica(): Instance | undefined {
    const list = (replicaWatch?.instances() ?? []).filter((i) => !isRefused(i));
    remember(list);
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

  const sequelize = new Sequelize({
    ...base,
    hooks: {
      beforeConnect: async (config) => {
        const p = await primary();
        handedOut.set(where(p), p);
        Object.assign(config, { host: p.address, port: p.port });
      },
      afterConnect: async (connection) => {
        // Consul (or Patroni's leader key) can point at a node a moment before promotion finished, or a
        // restarted agent can list a stale tag: every new write connection checks the node's role.
        const conn = connection as unknown as PgConnection;
        const at = `${conn.host}:${conn.port}`;
        const r = await conn.query('SELECT pg_is_in_recovery() AS r');
        if (r.rows[0]?.['r'] === true) {
          await conn.end().catch(() => undefined);
          refuse(at);
          if (verified && where(verified) === at) {
            log.warn('the last verified postgres primary is in recovery now; forgetting it', { address: at });
            verified = undefined;
          }
          throw new Error(`connected to a postgres node in recovery (${at}, not the primary)`);
        }
        refusedUntil.delete(at);
        lastRefusedAt.delete(at);
        const inst = handedOut.get(at);
        if (inst && (!verified || where(verified) !== at || verified.id !== inst.id)) verified = inst;
        if (inst) verifiedAt = Date.now();
      },
    },
  });
  dropPoolOnReadOnly(sequelize, log);
  retryConnect(sequelize, 'primary', { waitMs: primaryWaitMs, refuse, closed: () => closed, log });

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
  if (reader !== sequelize)
    retryConnect(reader, 'reader', { waitMs: primaryWaitMs, refuse, closed: () => closed, log });

  return {
    sequelize,
    reader,
    primary,
    lastVerifiedPrimary: () => verified,
    async close() {
      closed = true;
      primaryWatch.close();
      replicaWatch?.close();
      memberWatch.close();
      await sequelize.close();
      if (reader !== sequelize) await reader.close();
    },
  };
}

/** Errors that no other node or later attempt can fix: bad credentials, missing database, bad config. */
const PERMANENT_PG_CODES = new Set(['28P01', '28000', '3D000', '42501']);
const PERMANENT_NAMES = new Set([
  'SequelizeAccessDeniedError',
  'SequelizeInvalidConnectionError',
  'SequelizeHostNotFoundError',
]);

/** Where the failed attempt went: `host:port` of a Sequelize connection error (or our own messages). */
function failedAt(err: unknown, config: { host?: unknown; port?: unknown }): string | undefined {
  const m = /\(([^\s,()]+:\d+), not the primary\)/.exec((err as Error | null)?.message ?? '');
  if (m) return m[1];
  const p = (err as { parent?: { address?: string; port?: number } } | null)?.parent;
  if (p?.address && p.port) return `${p.address}:${p.port}`;
  return typeof config.host === 'string' && config.host !== ''
    ? `${config.host}:${String(config.port)}`
    : undefined;
}

/**
 * Opening a connection retries (new discovery each time, nodes that failed skipped for a moment) until a
 * node accepts it or `waitMs` passed, instead of failing the request that needed it at once: during a
 * restart, demotion or promotion of the primary there is briefly no node to write to.
 */
function retryConnect(
  sequelize: Sequelize,
  role: 'primary' | 'reader',
  o: { waitMs: number; refuse: (at: string) => void; closed: () => boolean; log: RegistryLogger },
): void {
  const cm = sequelize.connectionManager as unknown as {
    _connect(config: Record<string, unknown>): Promise<unknown>;
  };
  const once = cm._connect.bind(cm);
  let waitingSince: number | null = null;
  let waiters = 0;
  cm._connect = async (config) => {
    const deadline = Date.now() + o.waitMs;
    let delay = 50;
    for (let attempt = 1; ; attempt++) {
      // A copy per attempt: beforeConnect writes the chosen host into it, and attempts run concurrently.
      const cfg: Record<string, unknown> = { ...config, host: '' };
      try {
        const conn = await once(cfg);
        if (attempt > 1) {
          waiters -= 1;
          if (waiters === 0 && waitingSince !== null) {
            o.log.info(`postgres ${role} reachable again; waiting connections opened`, {
              waited_ms: Date.now() - waitingSince,
              address: `${String(cfg['host'])}:${String(cfg['port'])}`,
            });
            waitingSince = null;
          }
        }
        return conn;
      } catch (e) {
        const code = (e as { parent?: { code?: string }; original?: { code?: string } }).parent?.code;
        const permanent =
          PERMANENT_NAMES.has((e as Error).name) || (code !== undefined && PERMANENT_PG_CODES.has(code));
        const at = failedAt(e, cfg);
        if (at && !permanent) o.refuse(at);
        const giveUp = permanent || o.closed() || Date.now() + delay >= deadline;
        if (attempt === 1 && !giveUp) {
          waiters += 1;
          if (waitingSince === null) {
            waitingSince = Date.now();
            o.log.warn(`no postgres ${role} accepts connections right now; new connections wait for one`, {
              error: (e as Error).message,
              wait_ms: o.waitMs,
            });
          }
        }
        if (giveUp) {
          if (attempt > 1) waiters -= 1;
          if (attempt > 1 && waiters === 0) waitingSince = null;
          throw e;
        }
        await new Promise((r) => setTimeout(r, delay).unref());
        delay = Math.min(delay * 2, 500);
      }
    }
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

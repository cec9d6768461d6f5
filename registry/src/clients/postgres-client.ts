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
  /** Client-side timeout of one query (ms, default 10 000; long batch scripts want more). */
  queryTimeoutMs?: number;
  /** Timeout of opening a connection (ms, default 2 000). */
  connectTimeoutMs?: number;
  /** Bound of the direct Consul lookup a new connection makes when the watch has no single primary (ms, default 1 500). */
  lookupTimeoutMs?: number;
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

const where = (i: Pick<Instance, 'address' | 'port'>) => `${i.address}:${i.port}`;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    t.unref();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

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
  /** The primary the last successful write connection verified (not in recovery). */
  let verified: Instance | undefined;
  /** Nodes a connection found in recovery, until when (ms). */
  const refusedUntil = new Map<string, number>();
  /** Instances handed to connections being opened, by host:port (to know what afterConnect verified). */
  const handedOut = new Map<string, Instance>();
  /** `consul|fallback host:port`: logged once per change, not per connection. */
  let state = '';

  let turn = 0;
  let severalListed = '';
  async function discover(): Promise<Instance> {
    const cached = primaryWatch.instances();
    let list = cached;
    if (cached.length !== 1) {
      try {
        list = await withTimeout(
          opts.registry.lookup(service, { tag: 'primary' }),
          lookupTimeoutMs,
          `consul lookup of ${service} primary`,
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

  const isRefused = (i: Instance) => (refusedUntil.get(where(i)) ?? 0) > Date.now();

  function transition(next: string, log: (previous: string) => void): void {
    if (next === state) return;
    const previous = state;
    state = next;
    log(previous);
  }

  async function primary(): Promise<Instance> {
    let found: Instance;
    try {
      found = await discover();
    } catch (e) {
      const fallback = verified;
      if (!fallback) throw e;
      transition(`fallback ${where(fallback)}`, () =>
        log.warn('consul has no usable postgres primary; new connections go to the last verified primary', {
          primary: fallback.id,
          address: where(fallback),
          error: (e as Error).message,
        }),
      );
      return fallback;
    }
    if (isRefused(found) && verified && where(verified) !== where(found) && !isRefused(verified)) {
      const fallback = verified;
      transition(`fallback ${where(fallback)}`, () =>
        log.warn(
          'the primary consul lists is still in recovery; new connections go to the last verified primary',
          {
            primary: fallback.id,
            address: where(fallback),
            listed: where(found),
          },
        ),
      );
      return fallback;
    }
    if (isRefused(found)) {
      // The node Consul tags primary is in recovery and no verified primary is known (a stale role tag
      // restored after a Consul restart): the primary is whichever other pgha member accepts writes.
      const other = (await otherMembers(found)).find((i) => !isRefused(i));
      if (other) {
        transition(`probe ${where(other)}`, () =>
          log.warn('the primary consul lists is in recovery; trying another pgha member', {
            listed: where(found),
            trying: where(other),
          }),
        );
        return other;
      }
    }
    transition(`consul ${where(found)}`, (previous) =>
      log.info('postgres writes now go to the primary', {
        primary: found.id,
        address: where(found),
        previous: previous || undefined,
      }),
    );
    return found;
  }

  async function otherMembers(not: Instance): Promise<Instance[]> {
    let all: Instance[] = [...primaryWatch.instances(), ...(replicaWatch?.instances() ?? []), ...memberWatch.instances()];
    try {
      all = all.concat(await withTimeout(opts.registry.lookup(service), lookupTimeoutMs, `consul lookup of ${service}`));
    } catch {
      /* Consul unreachable: what the watches cached */
    }
    const seen = new Set([where(not)]);
    return all.filter((i) => !seen.has(where(i)) && seen.add(where(i)));
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
    dialectOptions: {
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 2_000,
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
          refusedUntil.set(at, Date.now() + REFUSED_MS);
          if (verified && where(verified) === at) {
            log.warn('the last verified postgres primary is in recovery now; forgetting it', { address: at });
            verified = undefined;
          }
          throw new Error(`connected to a postgres node in recovery (${at}, not the primary)`);
        }
        refusedUntil.delete(at);
        const inst = handedOut.get(at);
        if (inst && (!verified || where(verified) !== at || verified.id !== inst.id)) verified = inst;
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
    lastVerifiedPrimary: () => verified,
    async close() {
      primaryWatch.close();
      replicaWatch?.close();
      memberWatch.close();
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

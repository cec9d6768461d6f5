// Where a new Postgres connection goes: the single primary Consul lists, else the last primary a connection
// verified, else any other known `pgha` member; and what a connection learnt about the node it reached.
import { withTimeout } from '@mutiroes/platform';
import type { Instance, RegistryLogger } from '../types.js';

/** A node found in recovery is not handed out again for this long when a verified primary is known. */
const REFUSED_MS = 1_000;
/** How long a node that failed stays second to a primary verified after that failure, whatever Consul says. */
const DISTRUST_MS = 30_000;

export const where = (i: Pick<Instance, 'address' | 'port'>): string => `${i.address}:${i.port}`;

/** Where `pgha` members are found (the registry's Consul client). */
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

/** What afterConnect needs of a fresh pg connection. */
export interface PgConnection {
  query(sql: string): Promise<{ rows: Array<Record<string, unknown>> }>;
  end(): Promise<void>;
  host?: string;
  port?: number;
}

type Watch = ReturnType<PgSource['watch']>;

export class PrimaryLocator {
  /** The primary the last successful write connection verified (not in recovery). */
  private verified: Instance | undefined;
  private verifiedAt = 0;
  /** Nodes a connection found in recovery or could not reach, until when (ms). */
  private readonly refusedUntil = new Map<string, number>();
  /** When each node last refused a connection or was found in recovery. */
  private readonly lastRefusedAt = new Map<string, number>();
  /** Instances handed to connections being opened, by host:port (to know what afterConnect verified). */
  private readonly handedOut = new Map<string, Instance>();
  /**
   * Every `pgha` member this client has seen, by host:port, whatever its role tag or checks: where the
   * primary is looked for when Consul cannot name it (Consul down, checks critical, stale role tags).
   */
  private readonly members = new Map<string, Instance>();
  /** `consul|fallback|probe host:port`: logged once per change, not per connection. */
  private state = '';
  private turn = 0;
  private severalListed = '';

  constructor(
    private readonly registry: PgSource,
    private readonly service: string,
    private readonly watches: { primary: Watch; replica: Watch | null; member: Watch },
    private readonly lookupTimeoutMs: number,
    private readonly log: RegistryLogger,
  ) {}

  lastVerified(): Instance | undefined {
    return this.verified;
  }

  isRefused(i: Pick<Instance, 'address' | 'port'>): boolean {
    return (this.refusedUntil.get(where(i)) ?? 0) > Date.now();
  }

  /** A connection to `at` failed or found the node in recovery: skip it for a moment. */
  readonly refuse = (at: string): void => {
    this.refusedUntil.set(at, Date.now() + REFUSED_MS);
    this.lastRefusedAt.set(at, Date.now());
  };

  /** The primary for a new write connection, remembered so that afterConnect knows what it verified. */
  async handOut(): Promise<Instance> {
    const p = await this.primary();
    this.handedOut.set(where(p), p);
    return p;
  }

  /** A replica for a stale-tolerant read connection, if one passes and was not refused lately. */
  replica(): Instance | undefined {
    const list = (this.watches.replica?.instances() ?? []).filter((i) => !this.isRefused(i));
    this.remember(list);
    return list.length ? list[Math.floor(Math.random() * list.length)] : undefined;
  }

  /**
   * afterConnect of a write connection: Consul (or Patroni's leader key) can point at a node a moment before
   * promotion finished, or a restarted agent can list a stale tag: every new write connection checks the role.
   */
  async verify(conn: PgConnection): Promise<void> {
    const at = `${conn.host}:${conn.port}`;
    const r = await conn.query('SELECT pg_is_in_recovery() AS r');
    if (r.rows[0]?.['r'] === true) {
      await conn.end().catch(() => undefined);
      this.refuse(at);
      if (this.verified && where(this.verified) === at) {
        this.log.warn('the last verified postgres primary is in recovery now; forgetting it', {
          address: at,
        });
        this.verified = undefined;
      }
      throw new Error(`connected to a postgres node in recovery (${at}, not the primary)`);
    }
    this.refusedUntil.delete(at);
    this.lastRefusedAt.delete(at);
    const inst = this.handedOut.get(at);
    const v = this.verified;
    if (inst && (!v || where(v) !== at || v.id !== inst.id)) this.verified = inst;
    if (inst) this.verifiedAt = Date.now();
  }

  /**
   * Where the next write connection goes, in this order: the single primary Consul lists (passing), the
   * last verified primary, then any other known member. A node found in recovery or unreachable lately
   * is skipped; afterConnect verifies whatever is chosen, so a wrong guess costs one connection attempt.
   */
  readonly primary = async (): Promise<Instance> => {
    let found: Instance | undefined;
    let consulError: Error | undefined;
    try {
      found = await this.discover();
    } catch (e) {
      consulError = e as Error;
    }
    const newer = found && !this.isRefused(found) ? this.supersededBy(found) : undefined;
    if (newer) {
      this.transition(`verified ${where(newer)}`, () =>
        this.log.warn(
          'consul still names a postgres node that failed lately; new connections go to the primary verified since',
          { listed: where(found!), primary: newer.id, address: where(newer) },
        ),
      );
      return newer;
    }
    if (found && !this.isRefused(found)) {
      const f = found;
      this.transition(`consul ${where(f)}`, (previous) =>
        this.log.info('postgres writes now go to the primary', {
          primary: f.id,
          address: where(f),
          previous: previous || undefined,
        }),
      );
      return f;
    }
    const why =
      consulError?.message ?? `the primary consul lists (${where(found!)}) is in recovery or unreachable`;
    const fallback = this.verified;
    if (fallback && !this.isRefused(fallback)) {
      this.transition(`fallback ${where(fallback)}`, () =>
        this.log.warn(
          'consul has no usable postgres primary; new connections go to the last verified primary',
          {
            primary: fallback.id,
            address: where(fallback),
            error: why,
          },
        ),
      );
      return fallback;
    }
    // No usable primary named and none verified (a stale role tag restored after a Consul restart, the
    // primary restarted while Consul could not tell): the primary is whichever member accepts writes.
    const other = (await this.otherMembers(found)).find((i) => !this.isRefused(i));
    if (other) {
      this.transition(`probe ${where(other)}`, () =>
        this.log.warn('consul has no usable postgres primary; trying another known pgha member', {
          listed: found ? where(found) : undefined,
          trying: where(other),
          error: why,
        }),
      );
      return other;
    }
    throw new Error(`no usable postgres primary: ${why}; every known ${this.service} member refused lately`);
  };

  private remember(list: readonly Instance[]): readonly Instance[] {
    for (const i of list) this.members.set(where(i), i);
    return list;
  }

  /** The primary Consul names: the watch's single entry, else a direct lookup; several → one not refused. */
  private async discover(): Promise<Instance> {
    const cached = this.remember(this.watches.primary.instances());
    let list = cached;
    if (cached.length !== 1) {
      try {
        const lookup = this.registry.lookup(this.service, { tag: 'primary' });
        list = this.remember(
          await withTimeout(lookup, this.lookupTimeoutMs, `consul lookup of ${this.service} primary`),
        );
      } catch (e) {
        if (cached.length === 0) throw e;
      }
    }
    if (list.length === 1) {
      this.severalListed = '';
      return list[0]!;
    }
    if (list.length === 0) throw new Error(`consul: 0 passing ${this.service} primaries`);
    const listed = list.map(where).join(',');
    if (listed !== this.severalListed) {
      this.severalListed = listed;
      this.log.warn(
        'consul lists several postgres primaries; each new connection verifies the node it reaches',
        {
          listed,
        },
      );
    }
    // Several nodes tagged primary (a restarted agent restored a stale registration, or a failover in
    // flight): the verified one if listed, else one not found in recovery lately (afterConnect decides).
    const v = this.verified;
    const known = v ? list.find((i) => where(i) === where(v)) : undefined;
    if (known && !this.isRefused(known)) return known;
    const candidates = list.filter((i) => !this.isRefused(i));
    if (candidates.length === 0) {
      throw new Error(`consul: ${list.length} passing ${this.service} primaries, all in recovery`);
    }
    return candidates[this.turn++ % candidates.length]!;
  }

  /**
   * Consul may go on naming a node that has just failed — panic mode serves the last passing set while the
   * promoted node's new role tag is not registered yet (Patroni re-registers a few seconds after promotion).
   * Such a node comes second to a primary verified after it failed, for DISTRUST_MS.
   */
  private supersededBy(i: Instance): Instance | undefined {
    const failedAt = this.lastRefusedAt.get(where(i)) ?? 0;
    const v = this.verified;
    if (!v || where(v) === where(i) || this.isRefused(v)) return undefined;
    return failedAt > Date.now() - DISTRUST_MS && this.verifiedAt > failedAt ? v : undefined;
  }

  private transition(next: string, log: (previous: string) => void): void {
    if (next === this.state) return;
    const previous = this.state;
    this.state = next;
    log(previous);
  }

  /** Every known member but `not`: the watches' caches, Consul's full registration list, what was seen. */
  private async otherMembers(not: Instance | undefined): Promise<Instance[]> {
    const w = this.watches;
    this.remember([...w.primary.instances(), ...(w.replica?.instances() ?? []), ...w.member.instances()]);
    try {
      const lookup = this.registry.lookup(this.service, { passing: false });
      this.remember(await withTimeout(lookup, this.lookupTimeoutMs, `consul lookup of ${this.service}`));
    } catch {
      /* Consul unreachable: what was seen before */
    }
    return [...this.members.values()].filter((i) => !not || where(i) !== where(not));
  }
}

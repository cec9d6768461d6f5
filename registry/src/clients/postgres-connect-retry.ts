// Opening a Postgres connection with retries while no node accepts writes, and dropping the pool when a
// write hits a demoted (read-only) node.
import type { Sequelize } from 'sequelize';
import type { RegistryLogger } from '../types.js';

const READ_ONLY_TRANSACTION = '25006';

function pgCode(err: unknown): string | undefined {
  const e = err as { original?: { code?: string }; parent?: { code?: string }; code?: string } | null;
  return e?.original?.code ?? e?.parent?.code ?? e?.code;
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
export function retryConnect(
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
export function dropPoolOnReadOnly(sequelize: Sequelize, log: RegistryLogger): void {
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

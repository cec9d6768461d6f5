// The API's database handle: primary + reader from the registry, with a per-user read-your-writes window
// shared by all API instances (marks are broadcast on Redis pub/sub and kept in memory, so lookups are sync).
import { randomUUID } from 'node:crypto';
import type { Sequelize } from 'sequelize';
import type { RedisClient as Redis } from '@mutiroes/registry';
import type { Logger } from '@mutiroes/platform';
import type { ApiDb } from '../deps.js';

export const RYW_CHANNEL = 'mutiroes:read-your-writes';

export interface DatabaseOptions {
  sequelize: Sequelize;
  reader: Sequelize;
  /** Broadcasts read-your-writes marks to the other instances; without it only this process remembers. */
  redis?: Redis;
  windowS: number;
  log: Logger;
}

export interface Database extends ApiDb {
  /** Subscribes to the other instances' marks. */
  start(): Promise<void>;
  /** Stops the subscription (the connections themselves are closed by their owner). */
  stop(): Promise<void>;
}

export function createDatabase(o: DatabaseOptions): Database {
  const marks = new Map<number, number>();
  const windowMs = o.windowS * 1000;
  const origin = randomUUID();
  let sub: Redis | undefined;
  let lastSweep = Date.now();

  const remember = (userId: number, until: number) => {
    const now = Date.now();
    if ((marks.get(userId) ?? 0) < until) marks.set(userId, until);
    if (now - lastSweep > 10_000) {
      lastSweep = now;
      for (const [k, exp] of marks) if (exp <= now) marks.delete(k);
    }
  };

  return {
    sequelize: o.sequelize,
    reader: o.reader,
    markWrite(userId) {
      if (userId === undefined || windowMs === 0) return;
      remember(userId, Date.now() + windowMs);
      if (o.redis?.status === 'ready') {
        // Peers keep the mark for the full window from when they receive it (clock skew does not matter).
        o.redis.publish(RYW_CHANNEL, JSON.stringify({ origin, user_id: userId })).catch((e: unknown) => {
          o.log.debug('read-your-writes mark not broadcast', { error: String(e) });
        });
      }
    },
    readerFor(userId) {
      if (o.reader === o.sequelize || userId === undefined || windowMs === 0) return o.reader;
      const exp = marks.get(userId);
      return exp !== undefined && exp > Date.now() ? o.sequelize : o.reader;
    },
    async start() {
      if (!o.redis || windowMs === 0) return;
      sub = o.redis.duplicate();
      sub.on('error', (e: unknown) => o.log.debug('read-your-writes subscriber error', { error: String(e) }));
      sub.on('message', (_c: string, message: string) => {
        try {
          const m = JSON.parse(message) as { origin?: string; user_id?: unknown };
          if (m.origin !== origin && typeof m.user_id === 'number')
            remember(m.user_id, Date.now() + windowMs);
        } catch {
          /* not ours */
        }
      });
      // Re-subscribe on every 'ready': a first SUBSCRIBE that failed while Redis was away is not re-sent by ioredis.
      sub.on('ready', () => {
        sub?.subscribe(RYW_CHANNEL).catch(() => undefined);
      });
      await sub.subscribe(RYW_CHANNEL);
    },
    async stop() {
      sub?.disconnect();
      sub = undefined;
    },
  };
}

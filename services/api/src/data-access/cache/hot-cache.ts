// Hot-read cache: a bounded LRU per instance (DEFAULT_MAX_KEYS), invalidated in every API instance through Redis
// pub/sub. Staleness bound: an entry lives at most its TTL (default 5 s), so a lost invalidation (Redis down,
// subscriber reconnecting) can serve data at most that old.
import { randomUUID } from 'node:crypto';
import { BoundedTtlCache } from './bounded-ttl-cache.js';
import type { RedisClient as Redis } from '@mutiroes/registry';
import type { Logger } from '@mutiroes/platform';
import type { ApiCache } from '../../deps.js';

export const INVALIDATE_CHANNEL = 'mutiroes:cache-invalidate';
export const DEFAULT_TTL_S = 5;
/** Keys per instance: list pages keyed by their filters would otherwise grow without bound under crafted queries. */
export const DEFAULT_MAX_KEYS = 10_000;

export interface HotCache extends ApiCache {
  /** Starts listening for invalidations from other instances. */
  start(): Promise<void>;
  close(): Promise<void>;
  stats(): { keys: number; hits: number; misses: number; evictions: number };
}

export function createHotCache(opts: {
  redis?: Redis;
  log: Logger;
  ttlS?: number;
  maxKeys?: number;
}): HotCache {
  const ttl = opts.ttlS ?? DEFAULT_TTL_S;
  const cache = new BoundedTtlCache(opts.maxKeys ?? DEFAULT_MAX_KEYS);
  const origin = randomUUID();
  const inflight = new Map<string, Promise<unknown>>();
  let sub: Redis | undefined;

  const dropLocal = (keys: string[]) => {
    for (const key of keys) {
      cache.deleteTree(key);
      inflight.delete(key);
    }
  };

  return {
    async getOrLoad<T>(key: string, load: () => Promise<T>, ttlSeconds?: number): Promise<T> {
      const hit = cache.get<T>(key);
      if (hit !== undefined) return hit;
      const pending = inflight.get(key) as Promise<T> | undefined;
      if (pending) return pending;
      const p = load().then(
        (v) => {
          if (inflight.get(key) === p) {
            cache.set(key, v, Math.min(ttlSeconds ?? ttl, ttl) * 1000);
            inflight.delete(key);
          }
          return v;
        },
        (e: unknown) => {
          inflight.delete(key);
          throw e;
        },
      );
      inflight.set(key, p);
      return p;
    },
    async invalidate(...keys: string[]) {
      if (!keys.length) return;
      dropLocal(keys);
      const redis = opts.redis;
      if (!redis || redis.status !== 'ready') return; // other instances converge within the TTL
      try {
        await Promise.race([
          redis.publish(INVALIDATE_CHANNEL, JSON.stringify({ origin, keys })),
          new Promise((_, rej) => setTimeout(() => rej(new Error('publish timeout')), 500).unref()),
        ]);
      } catch (e) {
        opts.log.warn('cache invalidation not published; peers converge within the TTL', {
          error: String(e),
          ttl_s: ttl,
        });
      }
    },
    async start() {
      if (!opts.redis) return;
      sub = opts.redis.duplicate();
      sub.on('error', (e: unknown) => opts.log.debug('cache subscriber error', { error: String(e) }));
      sub.on('message', (_channel: string, message: string) => {
        try {
          const m = JSON.parse(message) as { origin?: string; keys?: unknown };
          if (m.origin === origin || !Array.isArray(m.keys)) return;
          dropLocal(m.keys.filter((k): k is string => typeof k === 'string'));
        } catch {
          opts.log.warn('malformed cache invalidation message', { message: message.slice(0, 200) });
        }
      });
      // After a reconnect we may have missed messages: drop everything (cheap, bounded by the TTL anyway).
      // Subscribing on every 'ready' (idempotent in Redis) also covers a first SUBSCRIBE that failed
      // while Redis was away at boot, which ioredis would not re-send on its own.
      sub.on('ready', () => {
        cache.clear();
        sub?.subscribe(INVALIDATE_CHANNEL).catch(() => undefined);
      });
      await sub.subscribe(INVALIDATE_CHANNEL);
    },
    async close() {
      cache.clear();
      if (sub) {
        sub.disconnect();
        sub = undefined;
      }
    },
    stats() {
      return { keys: cache.size, hits: cache.hits, misses: cache.misses, evictions: cache.evictions };
    },
  };
}

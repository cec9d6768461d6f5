// Token bucket + concurrency leases in Redis, one atomic Lua script per decision (EVALSHA, EVAL on NOSCRIPT).
import { createHash } from 'node:crypto';
import type { RateLimitStore, SharedDecision } from '../domain/rate-limiter.js';
import type { BucketSpec } from '../domain/token-bucket.js';

/**
 * Same arithmetic as domain/token-bucket.ts takeToken(), on Redis' clock (TIME), so every gateway
 * shares one bucket per client and limit. KEYS[1] bucket hash {t, ts}; KEYS[2] concurrency zset
 * (lease id → expiry ms) or absent. ARGV: rate per ms, capacity, concurrency limit, lease id, lease ttl ms.
 * Returns {allowed 0/1, reason 0 ok/1 rate/2 concurrency, wait ms}.
 */
export const TOKEN_BUCKET_LUA = `
local now_t = redis.call('TIME')
local now = tonumber(now_t[1]) * 1000 + math.floor(tonumber(now_t[2]) / 1000)
local rate = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil or ts == nil then tokens = cap; ts = now end
local elapsed = now - ts
if elapsed < 0 then elapsed = 0 end
tokens = math.min(cap, tokens + elapsed * rate)
if tokens < 1 then
  return {0, 1, math.ceil((1 - tokens) / rate)}
end
if #KEYS > 1 then
  local limit = tonumber(ARGV[3])
  local ttl = tonumber(ARGV[5])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= limit then
    return {0, 2, 1000}
  end
  redis.call('ZADD', KEYS[2], now + ttl, ARGV[4])
  redis.call('PEXPIRE', KEYS[2], ttl)
end
redis.call('HSET', KEYS[1], 't', tostring(tokens - 1), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate) + 1000)
return {1, 0, 0}
`;

const SHA = createHash('sha1').update(TOKEN_BUCKET_LUA).digest('hex');

/** The subset of an ioredis client the store uses (the registry's RedisClient fits). */
export interface RedisScripting {
  readonly status: string;
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  zrem(key: string, member: string): Promise<unknown>;
}

export class RedisRateLimitStore implements RateLimitStore {
  constructor(private readonly redis: RedisScripting) {}

  get usable(): boolean {
    return this.redis.status === 'ready';
  }

  async take(bucketKey: string, spec: BucketSpec, concKey: string | null, concLimit: number, leaseId: string, leaseTtlMs: number): Promise<SharedDecision> {
    const args: (string | number)[] = concKey
      ? [bucketKey, concKey, spec.ratePerMs, spec.capacity, concLimit, leaseId, leaseTtlMs]
      : [bucketKey, spec.ratePerMs, spec.capacity, 0, leaseId, leaseTtlMs];
    const nKeys = concKey ? 2 : 1;
    let r: unknown;
    try {
      r = await this.redis.evalsha(SHA, nKeys, ...args);
    } catch (e) {
      // Redis 7 does not replicate SCRIPT LOAD: after a failover the new master lacks the script.
      if (!String((e as Error)?.message).startsWith('NOSCRIPT')) throw e;
      r = await this.redis.eval(TOKEN_BUCKET_LUA, nKeys, ...args);
    }
    const [allowed, reason, wait] = r as [number, number, number];
    return { allowed: allowed === 1, reason: reason === 1 ? 'rate' : reason === 2 ? 'concurrency' : null, waitMs: Number(wait) };
  }

  release(concKey: string, leaseId: string): void {
    if (!this.usable) return;
    this.redis.zrem(concKey, leaseId).catch(() => {
      /* the lease expires on its own */
    });
  }
}

// Leases of rate tokens and concurrency slots in Redis, one atomic Lua script per lease (EVALSHA, EVAL on NOSCRIPT).
import { createHash } from 'node:crypto';
import type { SharedLimitStore, SlotGrant, TokenGrant } from '../domain/leased-limits.js';
import type { BucketSpec } from '../domain/token-bucket.js';

/**
 * Same arithmetic as domain/token-bucket.ts takeToken(), on Redis' clock (TIME), so every gateway shares one
 * bucket per client and limit, but takes `need` tokens at once (fewer when fewer are left) plus `extra` while
 * the bucket stays more than half full. KEYS[1] bucket hash {t, ts}. ARGV: rate per ms, capacity, need, extra.
 * Returns {granted, ms until one token is back (0 when one is left)}.
 */
export const TOKEN_LEASE_LUA = `
local now_t = redis.call('TIME')
local now = tonumber(now_t[1]) * 1000 + math.floor(tonumber(now_t[2]) / 1000)
local rate = tonumber(ARGV[1])
local cap = tonumber(ARGV[2])
local need = tonumber(ARGV[3])
local extra = tonumber(ARGV[4])
local b = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil or ts == nil then tokens = cap; ts = now end
local elapsed = now - ts
if elapsed < 0 then elapsed = 0 end
tokens = math.min(cap, tokens + elapsed * rate)
local avail = math.floor(tokens)
if avail < 1 then
  return {0, math.ceil((1 - tokens) / rate)}
end
local g = math.min(need, avail)
if g == need and avail - g - extra >= cap / 2 then g = g + extra end
tokens = tokens - g
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate) + 1000)
local wait = 0
if tokens < 1 then wait = math.ceil((1 - tokens) / rate) end
return {g, wait}
`;

/**
 * Concurrency slots per client: KEYS[1] hash holder → "count:expiry ms" (expired holders are dropped, so a crashed
 * gateway's slots age out). ARGV: holder, need, extra, limit, ttl ms. Adds up to `need` slots to the holder
 * (+ `extra` while the total stays at most half the limit). Returns {granted, total after}.
 */
export const SLOT_LEASE_LUA = `
local now_t = redis.call('TIME')
local now = tonumber(now_t[1]) * 1000 + math.floor(tonumber(now_t[2]) / 1000)
local need = tonumber(ARGV[2])
local extra = tonumber(ARGV[3])
local limit = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
-- A key left by the per-request leases of before (a zset) is dropped rather than failing every lease.
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'hash' and kind ~= 'none' then redis.call('DEL', KEYS[1]) end
local h = redis.call('HGETALL', KEYS[1])
local total = 0
local own = 0
for i = 1, #h, 2 do
  local c, exp = string.match(h[i + 1], '^(%d+):(%d+)$')
  c = tonumber(c)
  exp = tonumber(exp)
  if c == nil or exp < now then
    redis.call('HDEL', KEYS[1], h[i])
  else
    total = total + c
    if h[i] == ARGV[1] then own = c end
  end
end
local room = limit - total
local g = math.min(need, room)
if g < 0 then g = 0 end
if g == need and total + g + extra <= limit / 2 then g = g + extra end
if g > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], tostring(own + g) .. ':' .. tostring(now + ttl))
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return {g, total + g}
`;

/**
 * Gives slots back or renews them. ARGV: holder, mode ('return' count | 'set' count), count, ttl ms.
 * 'return' subtracts (commutes with concurrent leases); 'set' writes the holder's own count and a new expiry.
 */
export const SLOT_UPDATE_LUA = `
local now_t = redis.call('TIME')
local now = tonumber(now_t[1]) * 1000 + math.floor(tonumber(now_t[2]) / 1000)
local n = tonumber(ARGV[3])
local kind = redis.call('TYPE', KEYS[1]).ok
if kind ~= 'hash' and kind ~= 'none' then redis.call('DEL', KEYS[1]) end
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local c, exp = 0, now + tonumber(ARGV[4])
if cur then
  local a, b = string.match(cur, '^(%d+):(%d+)$')
  c = tonumber(a) or 0
  if ARGV[2] == 'return' then exp = tonumber(b) or exp end
end
if ARGV[2] == 'return' then c = c - n else c = n end
if c <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], tostring(c) .. ':' .. tostring(exp))
  if ARGV[2] == 'set' then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4])) end
end
return c
`;

const sha = (s: string) => createHash('sha1').update(s).digest('hex');
const SCRIPTS = {
  tokens: [TOKEN_LEASE_LUA, sha(TOKEN_LEASE_LUA)],
  slots: [SLOT_LEASE_LUA, sha(SLOT_LEASE_LUA)],
  update: [SLOT_UPDATE_LUA, sha(SLOT_UPDATE_LUA)],
} as const;

/** The subset of an ioredis client the store uses (the registry's RedisClient fits). */
export interface RedisScripting {
  readonly status: string;
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export class RedisRateLimitStore implements SharedLimitStore {
  constructor(private readonly redis: RedisScripting) {}

  get usable(): boolean {
    return this.redis.status === 'ready';
  }

  private async run(which: keyof typeof SCRIPTS, key: string, args: (string | number)[]): Promise<unknown> {
    const [script, digest] = SCRIPTS[which];
    try {
      return await this.redis.evalsha(digest, 1, key, ...args);
    } catch (e) {
      // Redis 7 does not replicate SCRIPT LOAD: after a failover the new master lacks the script.
      if (!String((e as Error)?.message).startsWith('NOSCRIPT')) throw e;
      return this.redis.eval(script, 1, key, ...args);
    }
  }

  async leaseTokens(bucketKey: string, spec: BucketSpec, need: number, extra: number): Promise<TokenGrant> {
    const [granted, wait] = (await this.run('tokens', bucketKey, [
      spec.ratePerMs,
      spec.capacity,
      need,
      extra,
    ])) as [number, number];
    return { granted: Number(granted), waitMs: Number(wait) };
  }

  async leaseSlots(
    concKey: string,
    holder: string,
    need: number,
    extra: number,
    limit: number,
    ttlMs: number,
  ): Promise<SlotGrant> {
    const [granted, total] = (await this.run('slots', concKey, [holder, need, extra, limit, ttlMs])) as [
      number,
      number,
    ];
    return { granted: Number(granted), total: Number(total) };
  }

  returnSlots(concKey: string, holder: string, count: number): void {
    this.update(concKey, holder, 'return', count, 0);
  }

  renewSlots(concKey: string, holder: string, count: number, ttlMs: number): void {
    this.update(concKey, holder, 'set', count, ttlMs);
  }

  private update(
    concKey: string,
    holder: string,
    mode: 'return' | 'set',
    count: number,
    ttlMs: number,
  ): void {
    if (!this.usable) return;
    this.run('update', concKey, [holder, mode, count, ttlMs]).catch(() => {
      /* the slots age out with the holder's lease */
    });
  }
}

// Redis through the Sentinels found in Consul (service `redis-sentinel`), with an ioredis subclass that
// bee-queue 2.0 accepts and that survives a Sentinel failover (see INFRA-RECIPE.md §2).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import type { Instance, RegistryLogger } from '../types.js';

/** bee-queue's Lua scripts by SHA1, so an EVALSHA that hit NOSCRIPT can be re-run as EVAL. */
function loadBeeQueueScripts(): Map<string, string> {
  const scripts = new Map<string, string>();
  try {
    const require = createRequire(import.meta.url);
    const luaDir = path.join(path.dirname(require.resolve('bee-queue')), 'lib', 'lua');
    for (const f of readdirSync(luaDir).filter((n) => n.endsWith('.lua'))) {
      const src = readFileSync(path.join(luaDir, f), 'utf8');
      scripts.set(createHash('sha1').update(src).digest('hex'), src);
    }
  } catch {
    // bee-queue not installed: only scripts registered with registerScript() fall back.
  }
  return scripts;
}

const SCRIPTS = loadBeeQueueScripts();

/** Makes another Lua script NOSCRIPT-safe for RedisClient.evalsha; returns its SHA1. */
export function registerScript(source: string): string {
  const sha = createHash('sha1').update(source).digest('hex');
  SCRIPTS.set(sha, source);
  return sha;
}

/** Options with the default (legacy, RESP2-shaped) reply mapping bee-queue expects. */
type LegacyOptions = Omit<RedisOptions, 'replyMapping'> & { replyMapping?: 'legacy' };
type Callback = (err: Error | null, result?: unknown) => void;
type Args = Array<string | number | Buffer>;

/**
 * ioredis client that bee-queue recognises (`constructor.name === 'RedisClient'`): `batch()` maps to
 * `pipeline()` (its EVALSHAs sent as EVAL, since a pipeline cannot retry one command), `evalsha` falls
 * back to EVAL on NOSCRIPT (Redis does not replicate loaded scripts, so a promoted replica has none),
 * and `duplicate()` keeps the class and the error listener.
 */
export class RedisClient extends Redis {
  batch() {
    const pipeline = this.pipeline();
    const origEvalsha = pipeline.evalsha.bind(pipeline) as (...a: unknown[]) => unknown;
    (pipeline as unknown as { evalsha: (...a: unknown[]) => unknown }).evalsha = (
      sha: unknown,
      ...rest: unknown[]
    ) => {
      const src = typeof sha === 'string' ? SCRIPTS.get(sha) : undefined;
      return src
        ? (pipeline.eval as (...a: unknown[]) => unknown).call(pipeline, src, ...rest)
        : origEvalsha(sha, ...rest);
    };
    return pipeline;
  }

  override evalsha(sha: string | Buffer, numkeys: number | string, ...rest: unknown[]): Promise<unknown> {
    const cb = typeof rest[rest.length - 1] === 'function' ? (rest.pop() as Callback) : null;
    const args = rest as Args;
    const p = (super.evalsha as (...a: unknown[]) => Promise<unknown>)
      .call(this, sha, numkeys, ...args)
      .catch((e: Error) => {
        const src = SCRIPTS.get(String(sha));
        if (/^NOSCRIPT/.test(e.message) && src)
          return (super.eval as (...a: unknown[]) => Promise<unknown>).call(this, src, numkeys, ...args);
        throw e;
      });
    if (cb)
      p.then(
        (r) => cb(null, r),
        (e: Error) => cb(e),
      );
    return p;
  }

  // @ts-expect-error ioredis types duplicate() generically over reply mappings; this keeps the subclass.
  override duplicate(override?: Partial<RedisOptions>): RedisClient {
    const copy = new RedisClient({ ...this.options, ...(override ?? {}) } as LegacyOptions);
    for (const l of this.listeners('error')) copy.on('error', l as (e: Error) => void);
    return copy;
  }
}

export interface SentinelSource {
  watch(service: string): {
    ready(timeoutMs?: number): Promise<Instance[]>;
    instances(): Instance[];
    on(ev: 'change', l: (i: Instance[]) => void): unknown;
  };
}

export interface CreateRedisOptions {
  registry: SentinelSource;
  /** Sentinel master name (REDIS_SENTINEL_MASTER, e.g. `mutiroes`). */
  masterName: string;
  logger: RegistryLogger;
  /** Consul service of the Sentinels (default `redis-sentinel`). */
  sentinelService?: string;
  /** Extra ioredis options (e.g. `maxRetriesPerRequest: null` for blocking workers). */
  redisOptions?: Partial<RedisOptions>;
  /** How long to wait for Consul to list the Sentinels (ms, default 10 000). */
  discoveryTimeoutMs?: number;
  /**
   * Password of Redis and of the Sentinels (requirepass / auth-pass; REDIS_PASSWORD). Default: the
   * REDIS_PASSWORD variable of the process.
   */
  password?: string;
}

/**
 * A RedisClient on the current master, found through the Sentinels registered in Consul. The Sentinel
 * list follows Consul (new duplicates use the latest list; ioredis also learns Sentinels from Sentinel).
 */
export async function createRedis(opts: CreateRedisOptions): Promise<RedisClient> {
  const service = opts.sentinelService ?? 'redis-sentinel';
  const watch = opts.registry.watch(service);
  const deadline = opts.discoveryTimeoutMs ?? 10_000;
  let sentinels = toSentinels(await watch.ready(deadline));
  if (sentinels.length === 0) {
    // Consul answered but no Sentinel passes yet (mesh still starting): wait for one.
    sentinels = await new Promise((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`no passing ${service} instance in Consul within ${deadline} ms`)),
        deadline,
      );
      watch.on('change', (list) => {
        if (list.length > 0) {
          clearTimeout(t);
          resolve(toSentinels(list));
        }
      });
    });
  }
  const password = opts.password ?? process.env['REDIS_PASSWORD'] ?? undefined;
  const client = new RedisClient({
    sentinels,
    name: opts.masterName,
    ...(password ? { password, sentinelPassword: password } : {}),
    sentinelRetryStrategy: (times: number) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
    retryStrategy: (times: number) => Math.min(50 * times, 1_000),
    enableOfflineQueue: true,
    ...(opts.redisOptions ?? {}),
  } as LegacyOptions);
  let lastLogged = 0;
  client.on('error', (e: Error) => {
    // ioredis retries by itself; log at most once a second so a failover does not flood the log.
    if (Date.now() - lastLogged > 1_000) {
      lastLogged = Date.now();
      opts.logger.warn('redis connection error (retrying through sentinels)', { error: e.message });
    }
  });
  watch.on('change', (list) => {
    const next = toSentinels(list);
    if (next.length > 0) (client.options as RedisOptions).sentinels = next;
  });
  return client;
}

/** A duplicate of `client` for SUBSCRIBE / blocking commands (same Sentinels, same class). */
export function duplicateRedis(client: RedisClient, override?: Partial<RedisOptions>): RedisClient {
  return client.duplicate(override);
}

function toSentinels(list: readonly Instance[]): Array<{ host: string; port: number }> {
  return list.map((i) => ({ host: i.address, port: i.port }));
}

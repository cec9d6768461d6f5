// The configuration keys every service shares, defined once; each service's schema spreads them in.
import { z } from 'zod';

export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

/** Keys of every Mutirões process: environment, where it listens, how it is named in Consul, logging. */
export function serviceConfigShape(service: string, defaults: { port?: number } = {}) {
  return {
    /** development | test | production; production forbids dev-only defaults. */
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    /** Interface to listen on (the mesh uses loopback only). */
    HOST: z.string().default('127.0.0.1'),
    /** TCP port; 0 picks a free one (tests). */
    PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(defaults.port ?? 0),
    /** Name under which instances register in Consul. */
    SERVICE_NAME: z.string().default(service),
    /** Consul service ID of this instance, e.g. api-2; derived from host:port when absent. */
    INSTANCE_ID: z.string().optional(),
    /** Comma-separated Consul HTTP addresses, the local agent first. The only address a service is given. */
    CONSUL_HTTP_ADDR: z.string().default('127.0.0.1:8500'),
    /** ACL token of this service kind (Consul runs default-deny); required in production. */
    CONSUL_HTTP_TOKEN: z.string().optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  };
}

/** Keys of the services that use the shared Redis (found through Consul's Sentinels). */
export const redisConfigShape = {
  /** Sentinel master name; the Sentinels themselves are found in Consul. */
  REDIS_SENTINEL_MASTER: z.string().default('mutiroes'),
  /** Password of Redis and the Sentinels (requirepass / auth-pass); required in production. */
  REDIS_PASSWORD: z.string().optional(),
};

/** Keys of the services that use Postgres (found through Consul's `pgha`). */
export const databaseConfigShape = {
  DB_NAME: z.string().default('mutiroes'),
  DB_USER: z.string().default('mutiroes'),
  /** Required in production (each service's schema checks it). */
  DB_PASSWORD: z.string().optional(),
};

/** A service that uses both Postgres and Redis (api, worker, beat): the three shapes above, spread together. */
export function dataServiceConfigShape(service: string, defaults: { port?: number } = {}) {
  return { ...serviceConfigShape(service, defaults), ...databaseConfigShape, ...redisConfigShape };
}

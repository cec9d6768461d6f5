// @mutiroes/registry: Consul registration, discovery (blocking queries + cache), selection, leader
// election, and the shared mesh clients (Redis via Sentinel, Postgres via Patroni) found through Consul.
export { ConsulRegistry, type ConsulRegistryOptions } from './consul-registry.js';
export type { Instance, RegisterSpec, CheckSpec, Strategy, RegistryLogger } from './types.js';
export { Registration, type RegistrationOptions } from './registration/registration.js';
export { registerLifecycle, type RegistryLifecycleOptions } from './registration/registry-lifecycle.js';
export { ServiceWatchHandle as ServiceWatch, type WatchOptions } from './discovery/service-watch.js';
export { CatalogWatch, type CatalogWatchOptions } from './discovery/catalog-watch.js';
export { LeaderLock, type LeaderLockOptions } from './leader/leader-lock.js';
export { OutstandingTracker, InstanceSelector } from './selection/instance-selector.js';
export { nextIndex } from './discovery/blocking-index.js';
export { Backoff, RateLimiter, jitter, parseDuration } from './discovery/backoff.js';
export { parseConsulAddrs } from './consul/consul-agents.js';
export {
  RedisClient,
  createRedis,
  duplicateRedis,
  registerScript,
  type CreateRedisOptions,
} from './clients/redis-client.js';
export {
  createPostgres,
  type CreatePostgresOptions,
  type PostgresClients,
} from './clients/postgres-client.js';
export { queryPrepared } from './clients/postgres-prepared.js';

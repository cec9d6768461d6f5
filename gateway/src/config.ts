// The gateway's one config schema: parsed once at boot from the environment, frozen.
import { z } from 'zod';
import { defineConfig, redisConfigShape, serviceConfigShape } from '@mutiroes/platform';

const csv = z
  .string()
  .optional()
  .transform((s) =>
    (s ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  );

const onOff = (def: boolean) =>
  z
    .stringbool()
    .optional()
    .transform((v) => v ?? def);

export const gatewayConfigSchema = z.object({
  ...serviceConfigShape('gateway', { port: 8080 }),
  /** The gateway names itself in access-log lines and rate-limit leases even without Consul registration. */
  INSTANCE_ID: z.string().default('gateway-1'),
  /**
   * The operator listener (/status, /metrics and /health, /ready), always on 127.0.0.1, never on the public port.
   * Unset: PORT + 50 (0 when PORT is 0: a free port, tests). The mesh launcher sets it from the profile.
   */
  GATEWAY_ADMIN_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  ...redisConfigShape,
  /**
   * Services the gateway routes to (comma list). Only these, whatever else registers in Consul with a
   * `route` meta: routing follows the allow-list, registration alone grants nothing.
   */
  GATEWAY_ROUTED_SERVICES: csv.transform((l) => (l.length ? l : ['api', 'worker', 'web'])),

  /** Self-registration in Consul as service `gateway` (off only for benchmarks without a Consul agent of their own). */
  GATEWAY_REGISTER: onOff(true),
  /** Processes serving the port (node:cluster); 1 = no cluster. */
  GATEWAY_WORKERS: z.coerce.number().int().min(1).max(64).default(1),

  /** Upstream connect timeout (nginx proxy_connect_timeout). */
  GATEWAY_CONNECT_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** Time allowed for the upstream's response headers (nginx proxy_read_timeout before the first byte). */
  GATEWAY_RESPONSE_HEADER_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Idle time between body chunks; 0 = none (SSE streams may be silent for long). */
  GATEWAY_BODY_TIMEOUT_MS: z.coerce.number().int().min(0).default(0),
  /** Idle keep-alive time of upstream connections; keep it below the upstream servers' own (Node: 5 s). */
  GATEWAY_UPSTREAM_KEEPALIVE_MS: z.coerce.number().int().positive().default(4000),
  /** Max connections per upstream instance. */
  GATEWAY_UPSTREAM_CONNECTIONS: z.coerce.number().int().positive().default(128),
  /** Client keep-alive idle timeout. */
  GATEWAY_CLIENT_KEEPALIVE_MS: z.coerce.number().int().positive().default(65_000),
  /** Time a client has to send the request headers (Node headersTimeout; slowloris). */
  GATEWAY_CLIENT_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Time a client has to send the whole request, headers and body (Node requestTimeout). */
  GATEWAY_CLIENT_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** Longest silence while a request body is being received (nginx client_body_timeout): 408 and close. */
  GATEWAY_CLIENT_BODY_IDLE_MS: z.coerce.number().int().positive().default(10_000),
  /** Open connections per client address (trusted proxies exempt); 0 = unlimited. */
  GATEWAY_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(0).default(128),

  /** Tries per request on different instances (nginx proxy_next_upstream_tries). */
  GATEWAY_RETRY_TRIES: z.coerce.number().int().min(1).max(10).default(3),
  /** No new try starts once this much time has passed since the request arrived (proxy_next_upstream_timeout). */
  GATEWAY_RETRY_BUDGET_MS: z.coerce.number().int().positive().default(10_000),
  /** Also try the next instance on a 502/503/504 answer (idempotent methods only). */
  GATEWAY_RETRY_ON_5XX: onOff(true),
  /**
   * Response-header wait of a replayable try (idempotent method or Idempotency-Key) while another try still fits
   * in the tries and the budget; past it the try is abandoned and replayed on another instance. This is what
   * gets a request off a socket to an instance cut off by a partition. The last try waits
   * GATEWAY_RESPONSE_HEADER_TIMEOUT_MS. 0 = off.
   */
  GATEWAY_RETRY_TRY_TIMEOUT_MS: z.coerce.number().int().min(0).default(4000),

  /** Passive ejection: consecutive failures that eject an instance (a refused connect ejects at once). */
  GATEWAY_EJECT_AFTER_FAILURES: z.coerce.number().int().positive().default(3),
  GATEWAY_EJECT_BASE_MS: z.coerce.number().int().positive().default(10_000),
  GATEWAY_EJECT_MAX_MS: z.coerce.number().int().positive().default(30_000),
  /** At most this fraction of a service's instances is ejected at once. */
  GATEWAY_EJECT_MAX_FRACTION: z.coerce.number().min(0).max(1).default(0.5),

  /** opossum breakers (per instance and per service). */
  GATEWAY_BREAKER_ERROR_PERCENT: z.coerce.number().min(1).max(100).default(50),
  GATEWAY_BREAKER_VOLUME: z.coerce.number().int().positive().default(20),
  GATEWAY_BREAKER_RESET_MS: z.coerce.number().int().positive().default(10_000),
  GATEWAY_BREAKER_WINDOW_MS: z.coerce.number().int().positive().default(10_000),

  /** Request body size limit (bodies are buffered so that idempotent requests can be retried). */
  GATEWAY_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Body limit of the upload routes (photos), which are the only ones allowed more than GATEWAY_MAX_BODY_BYTES. */
  GATEWAY_MAX_UPLOAD_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),

  /** Per-client-IP limits, shared through Redis; `false` disables them (benchmarks). */
  GATEWAY_RATE_LIMIT: onOff(true),
  /** API: rate per second and burst (nginx limit_req semantics, nodelay: bucket capacity = burst + 1). */
  GATEWAY_API_RATE_PER_S: z.coerce.number().positive().default(100),
  GATEWAY_API_BURST: z.coerce.number().int().min(0).default(50),
  /** Auth endpoints: rate per minute and burst. */
  GATEWAY_AUTH_RATE_PER_MIN: z.coerce.number().positive().default(10),
  GATEWAY_AUTH_BURST: z.coerce.number().int().min(0).default(10),
  GATEWAY_AUTH_PATHS: csv.transform((l) => (l.length ? l : ['/api/token/', '/api/users/register/'])),
  /** Concurrent requests per client IP (nginx limit_conn); 0 = unlimited. */
  GATEWAY_CONCURRENCY_PER_IP: z.coerce.number().int().min(0).default(50),
  /**
   * Give up on Redis for one decision after this long and decide locally. Generous on purpose: a timer
   * runs before pending I/O in a late event-loop turn, so a short one fires spuriously under CPU pressure.
   * (A Redis that is down is detected at once from the client's state, without waiting.)
   */
  GATEWAY_REDIS_TIMEOUT_MS: z.coerce.number().int().positive().default(500),
  /** Peers whose X-Forwarded-For / X-Forwarded-Proto are trusted (exact IPs). */
  GATEWAY_TRUSTED_PROXIES: csv,

  /** CORS: allowed origins (`*` = any, then never with credentials); empty = no CORS headers. */
  GATEWAY_CORS_ORIGINS: csv,
  GATEWAY_CORS_CREDENTIALS: onOff(true),
  GATEWAY_CORS_MAX_AGE_S: z.coerce.number().int().min(0).default(600),

  /** One JSON access log line per proxied request. */
  GATEWAY_ACCESS_LOG: onOff(true),
  /** Grace between deregistering and closing the listener on SIGTERM. */
  GATEWAY_DRAIN_GRACE_MS: z.coerce.number().int().min(0).default(2000),
  GATEWAY_DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
});

export type GatewayConfig = Readonly<z.infer<typeof gatewayConfigSchema>>;

/** The operator listener's port: GATEWAY_ADMIN_PORT, else PORT + 50 (any free port when PORT is 0). */
export function adminPortOf(config: GatewayConfig): number {
  return config.GATEWAY_ADMIN_PORT ?? (config.PORT === 0 ? 0 : config.PORT + 50);
}

export function loadConfig(env?: Record<string, string | undefined>): GatewayConfig {
  return defineConfig(gatewayConfigSchema, env, {
    secrets: [{ name: 'REDIS_PASSWORD' }, { name: 'CONSUL_HTTP_TOKEN', kind: 'uuid' }],
  });
}

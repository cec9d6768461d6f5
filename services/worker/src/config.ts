// The worker's one config schema: every environment variable it reads, parsed once at boot.
import { z } from 'zod';
import { dataServiceConfigShape, defineConfig, type SecretSpec } from '@mutiroes/platform';

const schema = z.object({
  ...dataServiceConfigShape('worker'),
  /** HMAC secret of the API's JWTs: the status page's admin actions need role 'admin'. */
  JWT_SECRET: z
    .string({ error: 'JWT_SECRET is required (the mesh launcher provides it)' })
    .min(16, 'JWT_SECRET must be at least 16 characters'),
  /** SMTP relay (the mesh runs a local sink). */
  SMTP_HOST: z.string().default('127.0.0.1'),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(25),
  /** Sender address of every e-mail. */
  MAIL_FROM: z.string().default('Mutirões <nao-responda@mutiroes.org.br>'),
  /** Public base URL used in e-mail links (the gateway). */
  GATEWAY_URL: z.string().default('http://127.0.0.1:8080'),
  /** Concurrent jobs per queue in this process. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(4),
  /** Comma-separated queue names this worker consumes; empty = every job of the catalogue. */
  WORKER_QUEUES: z.string().optional(),
  /** bee-queue stall interval (ms): a job whose worker stopped renewing it for this long is re-queued. */
  STALL_INTERVAL_MS: z.coerce.number().int().min(500).default(5000),
  /** A job that stalled more than this many times goes to the dead-letter list instead of looping. */
  MAX_STALLS: z.coerce.number().int().min(0).default(3),
  /** Heartbeat period (ms); the Redis heartbeat key lives 3 periods. */
  HEARTBEAT_MS: z.coerce.number().int().min(200).default(2000),
  /** How long SIGTERM waits for in-flight jobs before closing the queues (ms). */
  DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** Seconds between Consul deregistration and draining (routing settles). */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(1000),
  /** Failed jobs kept per queue (the oldest beyond are removed). */
  FAILED_KEEP: z.coerce.number().int().min(10).default(1000),
  /** Succeeded jobs kept per queue for the status page (bee-queue removes them on success). */
  SUCCEEDED_KEEP: z.coerce.number().int().min(10).default(200),
});

/** The secrets this service uses: checked in production (no placeholder, ≥ 32 random bytes). */
export const SERVICE_SECRETS: SecretSpec[] = [
  { name: 'DB_PASSWORD' },
  { name: 'JWT_SECRET' },
  { name: 'REDIS_PASSWORD' },
  { name: 'CONSUL_HTTP_TOKEN', kind: 'uuid' },
];

export type WorkerConfig = Readonly<z.infer<typeof schema>>;

export function loadConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  return defineConfig(schema, env, { secrets: SERVICE_SECRETS });
}

// The API's one config schema: every environment variable the service reads, parsed once at boot.
import { z } from 'zod';
import { dataServiceConfigShape, defineConfig, type SecretSpec } from '@mutiroes/platform';

const schema = z
  .object({
    ...dataServiceConfigShape('api'),
    /** HMAC secret of the JWTs. No default: the launcher generates one per run dir. */
    JWT_SECRET: z
      .string({ error: 'JWT_SECRET is required (the mesh launcher provides it)' })
      .min(16, 'JWT_SECRET must be at least 16 characters'),
    /** Access token lifetime, seconds (60 min). */
    JWT_ACCESS_TTL_S: z.coerce.number().int().positive().default(3600),
    /** Refresh token lifetime, seconds (7 days). */
    JWT_REFRESH_TTL_S: z.coerce
      .number()
      .int()
      .positive()
      .default(7 * 24 * 3600),
    /** Where uploaded media live; served under /media. */
    MEDIA_DIR: z.string().default('/var/tmp/mutiroes/media'),
    /** Maximum JSON body size accepted by express.json. */
    BODY_LIMIT: z.string().default('256kb'),
    /** Seconds a user's reads go to the primary after that user wrote (read-your-writes window). */
    READ_YOUR_WRITES_S: z.coerce.number().int().min(0).default(5),
    /** Seconds between the Consul deregistration and closing the listener (in-flight routing drains). */
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(1500),
    /** Outbox relay poll interval, ms. */
    OUTBOX_POLL_MS: z.coerce.number().int().positive().default(200),
    /** `WAIT 1 <ms>` after each relayed batch: rows count as enqueued only once a Redis replica has them. */
    OUTBOX_REPLICA_ACK_TIMEOUT_MS: z.coerce.number().int().positive().default(1000),
    /** With no Redis replica connected for this long, the relay accepts master-only acks (logged, degraded). */
    OUTBOX_SINGLE_NODE_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
    /** scrypt cost parameter N (power of two; OWASP: 2^17); lowered only by tests that hash many passwords. */
    PASSWORD_SCRYPT_N: z.coerce
      .number()
      .int()
      .min(1024)
      .max(2 ** 20)
      .refine((n) => Number.isInteger(Math.log2(n)), 'must be a power of two')
      .default(131072),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && !c.DB_PASSWORD) {
      ctx.addIssue({
        code: 'custom',
        path: ['DB_PASSWORD'],
        message: 'DB_PASSWORD is required in production',
      });
    }
  });

/** The secrets the API uses: checked in production (no placeholder, ≥ 32 random bytes). */
export const SERVICE_SECRETS: SecretSpec[] = [
  { name: 'DB_PASSWORD' },
  { name: 'JWT_SECRET' },
  { name: 'REDIS_PASSWORD' },
  { name: 'CONSUL_HTTP_TOKEN', kind: 'uuid' },
];

export type ApiConfig = Readonly<z.infer<typeof schema>>;

export function loadConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  return defineConfig(schema, env, { secrets: SERVICE_SECRETS }) as ApiConfig;
}

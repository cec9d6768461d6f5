// The web service's one config schema: every environment variable it reads, parsed once at boot.
import { z } from 'zod';
import { defineConfig, serviceConfigShape, type SecretSpec } from '@mutiroes/platform';

const schema = z
  .object({
    ...serviceConfigShape('web'),
    /** Register in Consul as SERVICE_NAME (route `/`); false only for instances tests call directly. */
    WEB_REGISTER: z.stringbool().default(true),
    /** Consul service name of the API. */
    WEB_API_SERVICE: z.string().default('api'),
    /** Time allowed for one API call (each try), ms. */
    WEB_API_TIMEOUT_MS: z.coerce.number().int().positive().default(8000),
    /** Tries of an idempotent API call on different instances. */
    WEB_API_TRIES: z.coerce.number().int().min(1).max(5).default(3),
    /** HMAC key of the CSRF tokens. No default: the mesh launcher derives one per run folder. */
    WEB_SESSION_SECRET: z
      .string({ error: 'WEB_SESSION_SECRET is required (the mesh launcher provides it)' })
      .min(16, 'WEB_SESSION_SECRET must be at least 16 characters'),
    /** Map tiles (Leaflet URL template). Default: the stand-in tile server of this service (no third party). */
    WEB_TILE_URL: z.string().default('/tiles/{z}/{x}/{y}.png'),
    /** Attribution shown on the map. */
    WEB_TILE_ATTRIBUTION: z.string().default('© colaboradores do OpenStreetMap'),
    /** Where the client build (vite) lives; relative to the workspace. */
    WEB_BUILD_DIR: z.string().default('build'),
    /** City used for "events near me" when the browser gives no position: São Paulo. */
    WEB_FALLBACK_CITY: z.string().default('São Paulo'),
    /** Seconds between the Consul deregistration and closing the listener. */
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(1500),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && c.WEB_TILE_URL.startsWith('/tiles/')) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEB_TILE_URL'],
        message: 'WEB_TILE_URL must name a real tile server in production (the built-in one is a stand-in)',
      });
    }
  });

/** The secrets the web server uses (no database, JWT or Redis secret): checked in production. */
export const SERVICE_SECRETS: SecretSpec[] = [
  { name: 'WEB_SESSION_SECRET' },
  { name: 'CONSUL_HTTP_TOKEN', kind: 'uuid' },
];

export type WebConfig = Readonly<z.infer<typeof schema>>;

export function loadConfig(env: Record<string, string | undefined> = process.env): WebConfig {
  return defineConfig(schema as unknown as z.ZodObject<z.ZodRawShape>, env, {
    secrets: SERVICE_SECRETS,
  }) as WebConfig;
}

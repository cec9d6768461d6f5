// The web service's one config schema: every environment variable it reads, parsed once at boot.
import { isIP } from 'node:net';
import { z } from 'zod';
import {
  defineConfig,
  isEnvExamplePlaceholder,
  serviceConfigShape,
  type SecretSpec,
} from '@mutiroes/platform';

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An entry express's `trust proxy` accepts: a name, an address, or an address with a prefix length. */
export function isProxyEntry(x: string): boolean {
  if (PROXY_NAMES.has(x)) return true;
  const [addr, bits, extra] = x.split('/');
  const v = isIP(addr ?? '');
  if (!v || extra !== undefined) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n <= (v === 4 ? 32 : 128);
}

const schema = z
  .object({
    ...serviceConfigShape('web'),
    /**
     * Who may tell this server the client's protocol, host and address (X-Forwarded-Proto/-Host/-For): a comma list
     * of addresses, CIDRs or express's names (loopback, linklocal, uniquelocal). The gateway is the proxy in front;
     * on one host it is loopback, in the compose deployment it is on the private overlay network (uniquelocal).
     * Behind TLS, the forwarded `https` is what makes same-origin checks and Secure cookies work.
     */
    WEB_TRUSTED_PROXIES: z
      .string()
      .default('loopback')
      .transform((s) =>
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      )
      .refine((l) => l.length > 0 && l.every(isProxyEntry), {
        message:
          'WEB_TRUSTED_PROXIES: a comma list of IP addresses, CIDRs (10.0.0.0/8) or loopback, linklocal, uniquelocal',
      }),
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
    // The built-in stand-in, or .env.example's placeholder (https://change-me-tile-server.invalid/…).
    if (
      c.NODE_ENV === 'production' &&
      (c.WEB_TILE_URL.startsWith('/tiles/') ||
        isEnvExamplePlaceholder(c.WEB_TILE_URL) ||
        /\.invalid\//i.test(c.WEB_TILE_URL))
    ) {
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

// The beat's one config schema: every environment variable it reads, parsed once at boot.
import { z } from 'zod';
import { dataServiceConfigShape, defineConfig, type SecretSpec } from '@mutiroes/platform';

const schema = z.object({
  ...dataServiceConfigShape('beat'),
  /** Time zone of every schedule. */
  BEAT_TIMEZONE: z.string().default('America/Sao_Paulo'),
  /** Consul KV key of the leader lock: only its holder fires. */
  BEAT_LEADER_KEY: z.string().default('mutiroes/beat/leader'),
  /** TTL of the check the leader session is tied to, and the lock delay (handover ≈ ttl + delay). */
  BEAT_LEADER_TTL: z.string().default('3s'),
  BEAT_LOCK_DELAY: z.string().default('1s'),
  /** Run the product schedules (cleanup, monthly report, reminders); tests turn them off. */
  BEAT_DOMAIN_SCHEDULES: z.stringbool().default(true),
  /** Pattern of the reminders sweep (events starting within 24 h, not reminded yet); hourly by default. */
  BEAT_REMINDER_SCHEDULE: z.string().default('0 * * * *'),
  /** Extra accelerated schedule for tests (6-field cron, e.g. '* * * * * *'): enqueues `beat_probe` jobs. */
  BEAT_TEST_SCHEDULE: z.string().optional(),
  /** Name (and tick-key prefix) of the test schedule. */
  BEAT_TEST_SCHEDULE_NAME: z
    .string()
    .regex(/^[a-z0-9_.:-]{1,80}$/)
    .default('test_probe'),
  /** Missed ticks older than this are not caught up after downtime (days). */
  BEAT_CATCHUP_DAYS: z.coerce.number().min(0).max(366).default(35),
  /** Catch-up bound of the test schedule (seconds). */
  BEAT_TEST_CATCHUP_S: z.coerce.number().int().min(0).default(300),
  /** Longest sleep of the scheduling loop (ms); it also wakes at the next due tick. */
  BEAT_MAX_SLEEP_MS: z.coerce.number().int().min(50).default(1000),
  /** Redis heartbeat period of the instance (ms). */
  HEARTBEAT_MS: z.coerce.number().int().min(200).default(2000),
});

/** The secrets this service uses: checked in production (no placeholder, ≥ 32 random bytes). */
export const SERVICE_SECRETS: SecretSpec[] = [
  { name: 'DB_PASSWORD' },
  { name: 'REDIS_PASSWORD' },
  { name: 'CONSUL_HTTP_TOKEN', kind: 'uuid' },
];

export type BeatConfig = Readonly<z.infer<typeof schema>>;

export function loadConfig(env: Record<string, string | undefined> = process.env): BeatConfig {
  return defineConfig(schema, env, { secrets: SERVICE_SECRETS });
}

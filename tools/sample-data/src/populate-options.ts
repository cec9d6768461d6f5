// The populate command's own settings (POPULATE_*), separate from the API's config schema: they describe a
// one-off operator command, not the service.
import { z } from 'zod';
import { defineConfig } from '@mutiroes/platform';

export const SIZES = {
  small: { users: 50, events: 200 },
  medium: { users: 500, events: 5_000 },
  large: { users: 5_000, events: 100_000 },
} as const;
export type PopulateSize = keyof typeof SIZES;

export interface PopulateOptions {
  size: PopulateSize | 'custom';
  users: number;
  events: number;
  /** Goes into every username and e-mail of the run, so re-runs add rows instead of colliding. */
  tag: string;
  /** PRNG seed: the same seed and tag give the same rows. */
  seed: number;
  /** Events per transaction. */
  batchSize: number;
}

const count = z.coerce
  .number()
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(10_000_000, 'must be at most 10,000,000');

const schema = z.object({
  POPULATE_SIZE: z.enum(['small', 'medium', 'large'], 'must be small, medium or large').default('small'),
  POPULATE_USERS: count.optional(),
  POPULATE_EVENTS: z.coerce
    .number()
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .max(10_000_000)
    .optional(),
  POPULATE_TAG: z
    .string()
    .regex(/^[a-z0-9]{1,12}$/, 'must be 1–12 lowercase letters or digits')
    .optional(),
  POPULATE_SEED: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .optional(),
  POPULATE_BATCH: z.coerce.number().int().min(1).max(20_000).default(1_000),
});

/** A run tag unique enough for re-runs: base-36 time (seconds) plus two random characters. */
export function newRunTag(now = Date.now(), random = Math.random): string {
  return (
    Math.floor(now / 1000)
      .toString(36)
      .slice(-6) +
    Math.floor(random() * 36 * 36)
      .toString(36)
      .padStart(2, '0')
  );
}

export function loadPopulateOptions(env: Record<string, string | undefined> = process.env): PopulateOptions {
  const c = defineConfig(schema, env);
  const preset = SIZES[c.POPULATE_SIZE];
  const custom = c.POPULATE_USERS !== undefined || c.POPULATE_EVENTS !== undefined;
  return {
    size: custom ? 'custom' : c.POPULATE_SIZE,
    users: c.POPULATE_USERS ?? preset.users,
    events: c.POPULATE_EVENTS ?? preset.events,
    tag: c.POPULATE_TAG ?? newRunTag(),
    seed: c.POPULATE_SEED ?? Math.floor(Math.random() * 2 ** 32),
    batchSize: c.POPULATE_BATCH,
  };
}

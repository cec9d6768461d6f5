// One typed, frozen config object per service, parsed once at boot from the environment.
import { z } from 'zod';
import { secretProblems, type SecretSpec } from './secrets.js';

export type ConfigSchema = z.ZodObject<z.ZodRawShape>;

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(public readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
  }
}

export interface ConfigOptions {
  /**
   * The secrets this service uses. With NODE_ENV=production each must be present, not a placeholder
   * (.env.example's `change-me-…`) and at least 32 random bytes (or a UUID for Consul tokens).
   */
  secrets?: readonly SecretSpec[];
}

/**
 * Parses `env` (default `process.env`) against a zod object schema whose keys are the
 * environment variable names. Fails fast with one line per bad variable, naming it.
 * Values come in as strings: use `z.coerce.number()` / `z.stringbool()` in the schema.
 */
export function defineConfig<S extends ConfigSchema>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
  opts: ConfigOptions = {},
): Readonly<z.infer<S>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    input[key] = v === '' ? undefined : v;
  }
  const production = env['NODE_ENV'] === 'production';
  const secretIssues = production ? secretProblems(env, opts.secrets ?? []) : [];
  const parsed = schema.safeParse(input);
  if (!parsed.success || secretIssues.length) {
    const flagged = new Set(secretIssues.map((i) => i.split(':')[0]));
    throw new ConfigError([
      ...secretIssues,
      ...(parsed.success ? [] : parsed.error.issues)
        .filter((i) => !flagged.has(String(i.path[0])))
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    ]);
  }
  return Object.freeze(parsed.data) as Readonly<z.infer<S>>;
}

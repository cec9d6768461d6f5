// One typed, frozen config object per service, parsed once at boot from the environment.
import { z } from 'zod';

export type ConfigSchema = z.ZodObject<z.ZodRawShape>;

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(public readonly issues: string[]) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`);
  }
}

/**
 * Parses `env` (default `process.env`) against a zod object schema whose keys are the
 * environment variable names. Fails fast with one line per bad variable, naming it.
 * Values come in as strings: use `z.coerce.number()` / `z.stringbool()` in the schema.
 */
export function defineConfig<S extends ConfigSchema>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.infer<S>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const v = env[key];
    input[key] = v === '' ? undefined : v;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return Object.freeze(parsed.data) as Readonly<z.infer<S>>;
}

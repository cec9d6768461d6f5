// Production secrets: no placeholder, no short or guessable value. One check, used by every service's config.

/** How a secret variable is checked in production. */
export interface SecretSpec {
  /** Environment variable name. */
  name: string;
  /** `random` (default): at least 32 bytes of random data. `uuid`: a Consul ACL token (a UUID). */
  kind?: 'random' | 'uuid';
}

/** The placeholders of .env.example (`change-me-…`) and other values people leave in by mistake. */
const PLACEHOLDER = /change[-_ ]?me|placeholder|example|secret|password|^x+$|^0+$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MIN_SECRET_BYTES = 32;

/** True for a value left as .env.example has it (`change-me-…`): secrets and required settings alike. */
export function isEnvExamplePlaceholder(v: string): boolean {
  return /change[-_ ]?me/i.test(v);
}

/** One message per unusable secret (empty when all are fine). Only meaningful in production. */
export function secretProblems(
  env: Record<string, string | undefined>,
  specs: readonly SecretSpec[],
): string[] {
  const problems: string[] = [];
  for (const { name, kind = 'random' } of specs) {
    const v = env[name];
    if (v === undefined || v === '') {
      problems.push(`${name}: required in production (no default)`);
    } else if (isEnvExamplePlaceholder(v)) {
      problems.push(`${name}: is the .env.example placeholder; generate one (openssl rand -hex 32)`);
    } else if (kind === 'uuid') {
      if (!UUID.test(v) || /^[0-]+$/.test(v.replace(/-/g, '0')))
        problems.push(`${name}: must be the Consul ACL token of this service (a UUID)`);
    } else if (PLACEHOLDER.test(v)) {
      problems.push(
        `${name}: looks like a placeholder, not a random secret; generate one (openssl rand -hex 32)`,
      );
    } else if (Buffer.byteLength(v) < MIN_SECRET_BYTES || new Set(v).size < 12) {
      problems.push(
        `${name}: must be at least ${MIN_SECRET_BYTES} bytes of random data (openssl rand -hex 32)`,
      );
    }
  }
  return problems;
}

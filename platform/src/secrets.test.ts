import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defineConfig, ConfigError } from './config.js';
import { secretProblems } from './secrets.js';

const envExample = fileURLToPath(new URL('../../.env.example', import.meta.url));

describe('production secrets', () => {
  test('when every secret of .env.example is checked then each is refused as the placeholder, by name', () => {
    const env: Record<string, string> = {};
    for (const line of fs.readFileSync(envExample, 'utf8').split('\n')) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
      if (m && /PASSWORD|SECRET|TOKEN|KEY/.test(m[1]!)) env[m[1]!] = m[2]!;
    }
    assert.ok(Object.keys(env).length >= 8, 'the example lists its secrets');
    const specs = Object.keys(env).map((name) => ({
      name,
      kind: /TOKEN/.test(name) ? ('uuid' as const) : ('random' as const),
    }));
    const problems = secretProblems(env, specs);
    assert.equal(problems.length, specs.length);
    for (const name of Object.keys(env)) {
      assert.ok(
        problems.some((p) => p.startsWith(`${name}: is the .env.example placeholder`)),
        name,
      );
    }
  });

  test('when a secret is missing, short, low-entropy or a guessable word then each is named', () => {
    const problems = secretProblems(
      {
        A: 'k3Y9pQ2xZ7',
        B: 'a'.repeat(64),
        C: 'my-super-secret-password-for-production-use',
        E: 'not-a-uuid',
      },
      [{ name: 'A' }, { name: 'B' }, { name: 'C' }, { name: 'D' }, { name: 'E', kind: 'uuid' }],
    );
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      ['A', 'B', 'C', 'D', 'E'],
    );
    assert.match(problems[0]!, /at least 32 bytes/);
    assert.match(problems[3]!, /required in production/);
  });

  test('when secrets are 32 random bytes and tokens are UUIDs then production starts', () => {
    const env = {
      NODE_ENV: 'production',
      DB_PASSWORD: randomBytes(32).toString('base64url'),
      JWT_SECRET: randomBytes(32).toString('hex'),
      CONSUL_HTTP_TOKEN: randomUUID(),
    };
    const schema = z.object({
      NODE_ENV: z.string(),
      DB_PASSWORD: z.string(),
      JWT_SECRET: z.string(),
      CONSUL_HTTP_TOKEN: z.string(),
    });
    const c = defineConfig(schema, env, {
      secrets: [{ name: 'DB_PASSWORD' }, { name: 'JWT_SECRET' }, { name: 'CONSUL_HTTP_TOKEN', kind: 'uuid' }],
    });
    assert.equal(c.DB_PASSWORD, env.DB_PASSWORD);
  });

  test('when not in production then placeholders are accepted (development meshes generate their own)', () => {
    const schema = z.object({ JWT_SECRET: z.string() });
    assert.doesNotThrow(() =>
      defineConfig(schema, { JWT_SECRET: 'change-me-jwt' }, { secrets: [{ name: 'JWT_SECRET' }] }),
    );
    assert.throws(
      () =>
        defineConfig(
          schema,
          { NODE_ENV: 'production', JWT_SECRET: 'change-me-jwt' },
          { secrets: [{ name: 'JWT_SECRET' }] },
        ),
      (e: unknown) =>
        e instanceof ConfigError && /JWT_SECRET: is the \.env\.example placeholder/.test(e.message),
    );
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { ConfigError } from '@mutiroes/platform';
import { loadConfig } from './config.js';

const production = (extra: Record<string, string>) => ({
  NODE_ENV: 'production',
  WEB_SESSION_SECRET: randomBytes(32).toString('base64url'),
  CONSUL_HTTP_TOKEN: randomUUID(),
  ...extra,
});
const tileIssue = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return null;
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.issues.find((i) => i.startsWith('WEB_TILE_URL')) ?? null;
  }
};

describe('web configuration', () => {
  test('when production keeps the stand-in tiles or the .env.example placeholder then it refuses to start', () => {
    assert.ok(tileIssue(production({})));
    assert.ok(tileIssue(production({ WEB_TILE_URL: '/tiles/{z}/{x}/{y}.png' })));
    assert.ok(
      tileIssue(production({ WEB_TILE_URL: 'https://change-me-tile-server.invalid/{z}/{x}/{y}.png' })),
    );
  });

  test('when production names a real tile server, or development keeps the stand-in, then it starts', () => {
    assert.equal(tileIssue(production({ WEB_TILE_URL: 'https://tiles.example.org/{z}/{x}/{y}.png' })), null);
    assert.equal(tileIssue({ WEB_SESSION_SECRET: 'a-development-secret' }), null);
  });
});

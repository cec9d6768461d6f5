import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '@mutiroes/platform';
import { loadConfig } from './config.js';

const base = { JWT_SECRET: 'x'.repeat(32), DB_PASSWORD: 'pw' };

describe('loadConfig', () => {
  test('when JWT_SECRET is missing then the error names it', () => {
    assert.throws(
      () => loadConfig({ DB_PASSWORD: 'pw' }),
      (e: unknown) => e instanceof ConfigError && /JWT_SECRET/.test(e.message),
    );
  });
  test('when production has no DB_PASSWORD then the error names it', () => {
    assert.throws(() => loadConfig({ JWT_SECRET: 'x'.repeat(32), NODE_ENV: 'production' }), /DB_PASSWORD/);
  });
  test('when PORT is not a port then the error names it', () => {
    assert.throws(() => loadConfig({ ...base, PORT: '70000' }), /PORT/);
  });
  test('when valid then defaults are the contract: 60 min access, 7 days refresh, frozen', () => {
    const c = loadConfig(base);
    assert.equal(c.JWT_ACCESS_TTL_S, 3600);
    assert.equal(c.JWT_REFRESH_TTL_S, 604800);
    assert.equal(c.PORT, 0);
    assert.ok(Object.isFrozen(c));
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Csrf } from './csrf.js';
import type { CookieJar } from './cookie-jar.js';
import { readAccessClaims } from './token-claims.js';
import { passwordRules } from '../users/password-rules.js';

function jar(): CookieJar & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: (n) => values.get(n),
    set: (n, v) => void values.set(n, v),
    clear: (n) => void values.delete(n),
  };
}

describe('csrf tokens', () => {
  test('when a form token is made for a browser then only that browser and that secret verify it', () => {
    const a = jar();
    const b = jar();
    const c = new Csrf('s'.repeat(32));
    const t = c.tokenFor(a);
    assert.equal(c.verify(a, t), true);
    assert.equal(c.tokenFor(a), t, 'stable per browser');
    c.tokenFor(b);
    assert.equal(c.verify(b, t), false);
    assert.equal(new Csrf('o'.repeat(32)).verify(a, t), false);
    assert.equal(c.verify(a, undefined), false);
    assert.equal(c.verify(jar(), t), false);
  });
});

describe('session helpers', () => {
  test('when an access token is read then its user and expiry come out, and garbage gives nothing', () => {
    const payload = Buffer.from(JSON.stringify({ user_id: 5, username: 'ana', exp: 2_000_000_000 })).toString(
      'base64url',
    );
    assert.deepEqual(readAccessClaims(`h.${payload}.s`), { userId: 5, username: 'ana', exp: 2_000_000_000 });
    assert.equal(readAccessClaims('nope'), undefined);
    assert.equal(readAccessClaims(undefined), undefined);
  });

  test('when a password is typed then the rules turn green one by one', () => {
    const ok = (pw: string) =>
      passwordRules(pw, { username: 'caio', email: 'caio@x.com' })
        .filter((r) => r.ok)
        .map((r) => r.id);
    assert.deepEqual(ok('12345678').sort(), ['length', 'similar'].sort());
    assert.ok(!ok('caio2026x').includes('similar'));
    assert.deepEqual(ok('Mutirao-Verde-2026!').sort(), ['common', 'length', 'numeric', 'similar']);
  });
});

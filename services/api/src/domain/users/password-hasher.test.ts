import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PasswordHasher } from './password-hasher.js';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher(1024);

  test('when a password is hashed then the same password verifies and another does not', async () => {
    const h = await hasher.hash('Mangue-Vivo-2024!');
    assert.match(h, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.equal(await hasher.verify('Mangue-Vivo-2024!', h), true);
    assert.equal(await hasher.verify('mangue-vivo-2024!', h), false);
  });

  test('when hashed twice then the salts differ', async () => {
    assert.notEqual(await hasher.hash('x-Secret-1'), await hasher.hash('x-Secret-1'));
  });

  test('when the stored hash is malformed or has absurd parameters then it does not verify (and does not throw)', async () => {
    assert.equal(await hasher.verify('a', 'md5$abc'), false);
    assert.equal(await hasher.verify('a', 'scrypt$1073741824$8$1$c2FsdA==$aGFzaA=='), false);
    assert.equal(await hasher.verify('a', 'scrypt$1024$8$1$c2FsdA==$c2hvcnQ='), false);
  });

  test("when the default cost is used then it is OWASP's N=2^17, r=8, p=1 and it verifies", async () => {
    const strong = new PasswordHasher();
    const h = await strong.hash('x-Secret-1');
    assert.ok(h.startsWith('scrypt$131072$8$1$'));
    assert.equal(await strong.verify('x-Secret-1', h), true);
  });

  test('when a stored hash has other parameters then it needs a rehash, and one with the current ones does not', async () => {
    const strong = new PasswordHasher();
    assert.equal(strong.needsRehash(await hasher.hash('x-Secret-1')), true);
    assert.equal(strong.needsRehash('scrypt$32768$8$1$c2FsdA==$aGFzaA=='), true);
    assert.equal(strong.needsRehash('scrypt$131072$8$1$c2FsdA==$aGFzaA=='), false);
    assert.equal(strong.needsRehash('md5$abc'), true);
  });

  test('when N is not a power of two then construction fails', () => {
    assert.throws(() => new PasswordHasher(1000));
  });
});

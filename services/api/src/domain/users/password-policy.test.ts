import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPassword, similarity } from './password-policy.js';

describe('similarity', () => {
  test('when compared with Python SequenceMatcher.ratio values then they agree', () => {
    // difflib.SequenceMatcher(None, a, b).ratio() for these pairs
    assert.equal(similarity('abcd', 'bcde'), 0.75);
    assert.equal(similarity('maria', 'maria'), 1);
    assert.equal(similarity('abc', 'xyz'), 0);
    assert.ok(Math.abs(similarity('joaquimbarbosa1', 'joaquimbarbosa') - 28 / 29) < 1e-9);
  });
});

describe('checkPassword', () => {
  test('when the password is long, mixed and unrelated then there is no problem', () => {
    assert.deepEqual(checkPassword('Mangue-Vivo-2024!', { username: 'ana', email: 'ana@example.org' }), []);
  });
  test('when shorter than 8 then the length rule is reported', () => {
    assert.match(checkPassword('Ab1!x').join(), /pelo menos 8/);
  });
  test('when all digits then the numeric rule is reported', () => {
    assert.match(checkPassword('83645192701').join(), /numérica/);
  });
  test('when common (any case) then the common rule is reported', () => {
    assert.match(checkPassword('PassWord123').join(), /comum/);
    assert.match(checkPassword('senha1234').join(), /comum/);
  });
  test('when too similar to the username or the e-mail local part then the similarity rule names the field', () => {
    assert.match(checkPassword('joaquimbarbosa1', { username: 'joaquimbarbosa' }).join(), /nome de usuário/);
    assert.match(checkPassword('example.org1', { email: 'beatriz.santos@example.org' }).join(), /e-mail/);
  });
  test('when longer than 128 then it is rejected', () => {
    assert.match(checkPassword('A1-'.repeat(50)).join(), /longa/);
  });
});

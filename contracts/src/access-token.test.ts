import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { bearerToken, tokenExpired, verifiedClaims, verifyToken } from './access-token.js';

const secret = 'a-test-secret-of-more-than-32-bytes!!';

describe('access tokens', () => {
  it('when the header is a bearer token then the token is read; otherwise null', () => {
    assert.equal(bearerToken('Bearer abc.def.ghi'), 'abc.def.ghi');
    assert.equal(bearerToken('bearer  abc'), 'abc');
    assert.equal(bearerToken('Basic abc'), null);
    assert.equal(bearerToken('Bearer a b'), null);
    assert.equal(bearerToken(undefined), null);
  });

  it('when a token is signed with the secret then its claims are returned', () => {
    const t = jwt.sign({ token_type: 'access', user_id: 7 }, secret, { algorithm: 'HS256', expiresIn: 60 });
    assert.equal(verifyToken(t, secret)['user_id'], 7);
    assert.equal(verifiedClaims(t, secret)?.['token_type'], 'access');
  });

  it('when the secret, the algorithm or the expiry is wrong then the token is refused', () => {
    const other = jwt.sign({ user_id: 7 }, 'another-secret-of-more-than-32-bytes', { algorithm: 'HS256' });
    assert.equal(verifiedClaims(other, secret), null);
    const hs512 = jwt.sign({ user_id: 7 }, secret, { algorithm: 'HS512' });
    assert.equal(verifiedClaims(hs512, secret), null);
    const unsigned = jwt.sign({ user_id: 7 }, '', { algorithm: 'none' });
    assert.equal(verifiedClaims(unsigned, secret), null);
    const expired = jwt.sign({ user_id: 7, exp: Math.floor(Date.now() / 1000) - 10 }, secret);
    assert.throws(
      () => verifyToken(expired, secret),
      (e) => tokenExpired(e),
    );
    assert.equal(tokenExpired(new Error('x')), false);
  });
});

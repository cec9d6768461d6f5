import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import type { Request } from 'express';
import { viewerOf } from './admin-auth.js';

const secret = 'test-secret-0123456789';
const req = (token?: string) => ({ headers: token ? { authorization: `Bearer ${token}` } : {} }) as unknown as Request;

describe('status page viewer', () => {
  test('when no token is sent then the viewer is anonymous and not admin', () => {
    assert.deepEqual(viewerOf(req(), secret), { authenticated: false, admin: false });
  });
  test('when an admin access token is sent then the viewer is admin', () => {
    const t = jwt.sign({ user_id: 1, username: 'root', role: 'admin', token_type: 'access' }, secret);
    assert.equal(viewerOf(req(t), secret).admin, true);
  });
  test('when a user token is sent then the viewer is authenticated but not admin', () => {
    const v = viewerOf(req(jwt.sign({ user_id: 2, role: 'user', token_type: 'access' }, secret)), secret);
    assert.equal(v.authenticated, true);
    assert.equal(v.admin, false);
  });
  test('when a token is signed with another secret or is a refresh token then it is rejected', () => {
    assert.equal(viewerOf(req(jwt.sign({ role: 'admin' }, 'another-secret-xxxxxxxx')), secret).authenticated, false);
    assert.equal(viewerOf(req(jwt.sign({ role: 'admin', token_type: 'refresh' }, secret)), secret).admin, false);
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import type { Request } from 'express';
import { tokenViewer, viewerOf, type AdminDirectory } from './admin-auth.js';

const secret = 'test-secret-0123456789';
const req = (token?: string) =>
  ({ headers: token ? { authorization: `Bearer ${token}` } : {} }) as unknown as Request;
const now = Math.floor(Date.now() / 1000);
/** The users table as the rule sees it (the integration tests use the real one). */
const users: Record<number, { is_active: boolean; is_staff: boolean; password_changed_s: number }> = {
  1: { is_active: true, is_staff: true, password_changed_s: now - 100 },
  2: { is_active: true, is_staff: false, password_changed_s: now - 100 },
  3: { is_active: false, is_staff: true, password_changed_s: now - 100 },
  4: { is_active: true, is_staff: false, password_changed_s: now - 100 },
  5: { is_active: true, is_staff: true, password_changed_s: now + 100 },
};
const dir: AdminDirectory = { adminState: async (id) => users[id] ?? null };
const admin = (id: number) =>
  jwt.sign({ user_id: id, username: `u${id}`, role: 'admin', token_type: 'access', iat: now }, secret);

describe('status page viewer', () => {
  test('when no token is sent then the viewer is anonymous and not admin', async () => {
    assert.deepEqual(await viewerOf(req(), secret, dir), { authenticated: false, admin: false });
  });
  test('when an active staff member sends an access token then the viewer is admin', async () => {
    assert.equal((await viewerOf(req(admin(1)), secret, dir)).admin, true);
  });
  test('when a token claims admin but the user is not staff, inactive, gone or changed the password since then it is not admin', async () => {
    assert.equal(tokenViewer(req(admin(4)), secret).admin, true, 'the claim alone says admin');
    assert.deepEqual(await viewerOf(req(admin(4)), secret, dir), {
      authenticated: true,
      admin: false,
      user_id: 4,
      username: 'u4',
    });
    assert.equal((await viewerOf(req(admin(3)), secret, dir)).authenticated, false);
    assert.equal((await viewerOf(req(admin(99)), secret, dir)).authenticated, false);
    assert.equal((await viewerOf(req(admin(5)), secret, dir)).authenticated, false);
  });
  test('when a token is signed with another secret or is a refresh token then it is rejected', async () => {
    assert.equal(
      (await viewerOf(req(jwt.sign({ user_id: 1, role: 'admin' }, 'another-secret-xxxxxxxx')), secret, dir))
        .authenticated,
      false,
    );
    assert.equal(
      (
        await viewerOf(
          req(jwt.sign({ user_id: 1, role: 'admin', token_type: 'refresh' }, secret)),
          secret,
          dir,
        )
      ).admin,
      false,
    );
  });
});

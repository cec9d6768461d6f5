// Login, refresh-token rotation with reuse detection, and password change (which revokes refresh tokens).
import { randomUUID } from 'node:crypto';
import type { Transaction } from 'sequelize';
import {
  AuthenticationFailedError,
  RateLimitedError,
  TokenInvalidError,
  ValidationError,
  type FieldErrors,
} from '../shared/app-errors.js';
import { hashToken } from '../../data-access/users/refresh-token.repository.js';
import { checkPassword } from './password-policy.js';
import { FREE_FAILURES, RESET_AFTER_S, backoffDelayS, lockedMessage, loginKey } from './login-backoff.js';
import type { UserRecord } from './user.types.js';
import { repos, type UsersDeps } from './users-deps.js';

export interface TokenPair {
  access: string;
  refresh: string;
}

async function issuePair(
  d: UsersDeps,
  user: UserRecord,
  family: string,
  tx?: Transaction,
): Promise<{ pair: TokenPair; jti: string }> {
  const jti = randomUUID();
  const { token, expiresAt } = d.tokens.signRefresh(user.id, jti, family);
  await repos.refreshTokens.insert(d.db.sequelize, tx, {
    jti,
    family_id: family,
    user_id: user.id,
    token,
    expires_at: expiresAt,
  });
  return { pair: { access: d.tokens.signAccess(user), refresh: token }, jti };
}

let lastPurge = 0;
/** Counters idle for a day are dropped, at most every 10 min per instance, in the background. */
function purgeLoginFailuresLazily(d: UsersDeps): void {
  if (Date.now() - lastPurge < 600_000) return;
  lastPurge = Date.now();
  repos.loginFailures
    .purge(d.db.sequelize, RESET_AFTER_S)
    .catch((e: unknown) => d.logger.warn('login failure purge failed', { error: String(e) }));
}

/**
 * `login` is an e-mail or a username. Unknown user, inactive user and wrong password look the same, and so does a
 * locked account name (429 for existing and unknown names alike): after FREE_FAILURES failures the name waits,
 * doubling each time (login-backoff.ts), and no password is even hashed while it waits.
 */
export async function login(d: UsersDeps, loginName: string, password: string): Promise<TokenPair> {
  const db = d.db.sequelize;
  const key = loginKey(loginName);
  const waitS = await repos.loginFailures.lockedForS(db, key);
  if (waitS > 0) throw new RateLimitedError(waitS, lockedMessage(waitS));
  // Primary: a user who registered a moment ago (maybe through another instance) must be able to log in.
  const user = await repos.users.findByLogin(db, loginName);
  let ok = false;
  if (user) ok = await d.hasher.verify(password, user.password_hash);
  else await d.hasher.burn(password);
  purgeLoginFailuresLazily(d);
  if (!user || !ok || !user.is_active) {
    const failures = await repos.loginFailures.recordFailure(db, key, RESET_AFTER_S, backoffDelayS);
    if (failures > FREE_FAILURES)
      d.logger.warn('login backoff engaged', { failures, wait_s: backoffDelayS(failures) });
    throw new AuthenticationFailedError();
  }
  await repos.loginFailures.clear(db, key);
  if (d.hasher.needsRehash(user.password_hash)) {
    // Transparent upgrade to the current cost; a failure here must not cost the user the login.
    await d.hasher
      .hash(password)
      .then((h) => repos.users.replaceHash(db, user.id, user.password_hash, h))
      .then(() => d.logger.info('password hash upgraded', { user_id: user.id }))
      .catch((e: unknown) => d.logger.warn('password rehash failed', { user_id: user.id, error: String(e) }));
  }
  const { pair } = await issuePair(d, user, randomUUID());
  await repos.users.touchLastLogin(d.db.sequelize, user.id);
  await repos.refreshTokens.deleteExpired(d.db.sequelize, user.id).catch(() => undefined);
  d.db.markWrite(user.id);
  d.logger.info('user logged in', { user_id: user.id });
  return pair;
}

type RefreshOutcome =
  | { kind: 'ok'; pair: TokenPair; userId: number }
  | { kind: 'reuse'; family: string; revoked: number; userId: number }
  | { kind: 'invalid'; reason: string };

/**
 * Rotates: the presented token is revoked (replaced_by = new jti) and a new pair is issued in the same
 * family. Presenting an already-rotated token is treated as theft: the whole family is revoked.
 */
export async function refresh(d: UsersDeps, token: string): Promise<TokenPair> {
  const claims = d.tokens.verifyRefresh(token);
  const db = d.db.sequelize;
  const outcome = await db.transaction(async (tx): Promise<RefreshOutcome> => {
    const row = await repos.refreshTokens.lock(db, tx, claims.jti);
    if (!row || row.token_hash !== hashToken(token) || row.user_id !== claims.user_id)
      return { kind: 'invalid', reason: 'unknown token' };
    if (row.revoked_at) {
      if (row.revoked_reason === 'rotated') {
        const revoked = await repos.refreshTokens.revokeFamily(db, tx, row.family_id, 'reuse_detected');
        return { kind: 'reuse', family: row.family_id, revoked, userId: row.user_id };
      }
      return { kind: 'invalid', reason: `revoked (${row.revoked_reason ?? 'unknown'})` };
    }
    if (new Date(row.expires_at).getTime() <= Date.now()) return { kind: 'invalid', reason: 'expired' };
    const user = await repos.users.findById(db, row.user_id, tx);
    if (!user || !user.is_active) return { kind: 'invalid', reason: 'inactive user' };
    const { pair, jti } = await issuePair(d, user, row.family_id, tx);
    await repos.refreshTokens.revoke(db, tx, row.jti, 'rotated', jti);
    return { kind: 'ok', pair, userId: user.id };
  });
  if (outcome.kind === 'reuse') {
    d.logger.warn('refresh token reuse detected; token family revoked', {
      user_id: outcome.userId,
      family: outcome.family,
      revoked: outcome.revoked,
    });
    throw new TokenInvalidError('O token já foi utilizado e foi revogado.');
  }
  if (outcome.kind === 'invalid') {
    d.logger.info('refresh rejected', { reason: outcome.reason, user_id: claims.user_id });
    throw new TokenInvalidError('O token é inválido ou foi revogado.');
  }
  d.db.markWrite(outcome.userId);
  return outcome.pair;
}

/**
 * Logout: the presented refresh token's whole family (every rotation of that login) is revoked, so neither it
 * nor a copy of an earlier one can refresh again. A token that is already revoked or unknown is not an error.
 */
export async function revokeRefresh(d: UsersDeps, token: string): Promise<{ revoked: number }> {
  const claims = d.tokens.verifyRefresh(token);
  const db = d.db.sequelize;
  const revoked = await db.transaction(async (tx) => {
    const row = await repos.refreshTokens.lock(db, tx, claims.jti);
    if (!row || row.token_hash !== hashToken(token) || row.user_id !== claims.user_id) return 0;
    return repos.refreshTokens.revokeFamily(db, tx, row.family_id, 'logout');
  });
  d.db.markWrite(claims.user_id);
  d.logger.info('refresh token family revoked (logout)', { user_id: claims.user_id, revoked });
  return { revoked };
}

export async function changePassword(
  d: UsersDeps,
  userId: number,
  oldPassword: string,
  newPassword: string,
): Promise<{ revoked: number }> {
  const db = d.db.sequelize;
  const user = await repos.users.findById(db, userId);
  if (!user || !user.is_active) throw new AuthenticationFailedError('Usuário não encontrado ou inativo.');
  const errors: FieldErrors = {};
  if (!(await d.hasher.verify(oldPassword, user.password_hash)))
    errors['old_password'] = ['A senha atual está incorreta.'];
  const problems = checkPassword(newPassword, user);
  if (newPassword === oldPassword) problems.push('A nova senha deve ser diferente da senha atual.');
  if (problems.length) errors['new_password'] = problems;
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const hash = await d.hasher.hash(newPassword);
  const revoked = await db.transaction(async (tx) => {
    await repos.users.setPassword(db, tx, userId, hash);
    return repos.refreshTokens.revokeAllForUser(db, tx, userId, 'password_changed');
  });
  d.db.markWrite(userId);
  await d.cache.invalidate(`${AUTH_STATE_CACHE}:${userId}`);
  d.logger.info('password changed; refresh tokens revoked', { user_id: userId, revoked });
  return { revoked };
}

export const AUTH_STATE_CACHE = 'users:auth';

/**
 * An access token stops counting when its user is deactivated or deleted, or changed the password after it
 * was issued. Read from the primary, cached per user for at most 5 s (invalidated in every instance on a
 * password change), so it costs ~one query per active user per 5 s per instance.
 */
export async function accessTokenStillValid(
  d: Pick<UsersDeps, 'db' | 'cache'>,
  userId: number,
  iat: number,
): Promise<boolean> {
  const state = await d.cache.getOrLoad(`${AUTH_STATE_CACHE}:${userId}`, () =>
    repos.users.authState(d.db.sequelize, userId),
  );
  return !!state && state.is_active && iat >= state.password_changed_s;
}

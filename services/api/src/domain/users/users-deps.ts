// What the users use cases run on (built once in app.ts from ApiDeps).
import type { Logger } from '@mutiroes/platform';
import type { ApiCache, ApiDb, ApiOutbox } from '../../deps.js';
import { UserRepository } from '../../data-access/users/user.repository.js';
import { RefreshTokenRepository } from '../../data-access/users/refresh-token.repository.js';
import { ProfileRepository } from '../../data-access/users/profile.repository.js';
import { BadgeRepository } from '../../data-access/users/badge.repository.js';
import { UserActivityRepository } from '../../data-access/users/user-activity.repository.js';
import type { PasswordHasher } from './password-hasher.js';
import { LoginFailureRepository } from '../../data-access/users/login-failure.repository.js';
import type { JwtTokens } from './jwt-tokens.service.js';

export interface UsersDeps {
  db: ApiDb;
  cache: ApiCache;
  outbox: ApiOutbox;
  logger: Logger;
  hasher: PasswordHasher;
  tokens: JwtTokens;
}

export const repos = {
  users: new UserRepository(),
  refreshTokens: new RefreshTokenRepository(),
  profiles: new ProfileRepository(),
  badges: new BadgeRepository(),
  activity: new UserActivityRepository(),
  loginFailures: new LoginFailureRepository(),
};

// Signs and verifies the API's JWTs (HS256). Claims follow simplejwt (token_type, user_id, jti) plus role.
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { tokenExpired, verifyToken } from '@mutiroes/contracts';
import { TokenInvalidError } from '../shared/app-errors.js';
import type { UserRecord } from './user.types.js';

export interface AccessClaims {
  token_type: 'access';
  user_id: number;
  username: string;
  email: string;
  is_staff: boolean;
  /** `admin` for staff: the worker's status page checks it. */
  role: 'admin' | 'user';
  jti: string;
  iat: number;
  exp: number;
}

export interface RefreshClaims {
  token_type: 'refresh';
  user_id: number;
  jti: string;
  /** Rotation family: all refresh tokens descending from one login. */
  fam: string;
  iat: number;
  exp: number;
}

export interface TokenSettings {
  secret: string;
  accessTtlS: number;
  refreshTtlS: number;
}

export class JwtTokens {
  constructor(private readonly s: TokenSettings) {}

  get accessTtlS(): number {
    return this.s.accessTtlS;
  }
  get refreshTtlS(): number {
    return this.s.refreshTtlS;
  }

  signAccess(user: Pick<UserRecord, 'id' | 'username' | 'email' | 'is_staff'>): string {
    return jwt.sign(
      {
        token_type: 'access',
        user_id: user.id,
        username: user.username,
        email: user.email,
        is_staff: user.is_staff,
        role: user.is_staff ? 'admin' : 'user',
      },
      this.s.secret,
      { algorithm: 'HS256', expiresIn: this.s.accessTtlS, jwtid: randomUUID(), subject: String(user.id) },
    );
  }

  signRefresh(userId: number, jti: string, family: string): { token: string; expiresAt: Date } {
    const token = jwt.sign({ token_type: 'refresh', user_id: userId, fam: family }, this.s.secret, {
      algorithm: 'HS256',
      expiresIn: this.s.refreshTtlS,
      jwtid: jti,
      subject: String(userId),
    });
    return { token, expiresAt: new Date(Date.now() + this.s.refreshTtlS * 1000) };
  }

  /** Verifies signature, expiry and type; throws TokenInvalidError otherwise. */
  verifyRefresh(token: string): RefreshClaims {
    let claims: unknown;
    try {
      claims = verifyToken(token, this.s.secret);
    } catch (e) {
      throw new TokenInvalidError(tokenExpired(e) ? 'O token expirou.' : 'O token é inválido ou expirou.');
    }
    const c = claims as Partial<RefreshClaims>;
    if (
      c.token_type !== 'refresh' ||
      typeof c.user_id !== 'number' ||
      typeof c.jti !== 'string' ||
      typeof c.fam !== 'string'
    ) {
      throw new TokenInvalidError('O token tem tipo errado.');
    }
    return c as RefreshClaims;
  }
}

/** Checks the claims of a signature-verified access token (passport-jwt verified signature and expiry). */
export function accessClaimsValid(c: Partial<AccessClaims>): c is AccessClaims {
  return (
    c.token_type === 'access' &&
    typeof c.user_id === 'number' &&
    typeof c.username === 'string' &&
    typeof c.email === 'string' &&
    typeof c.is_staff === 'boolean'
  );
}

// Bearer-JWT authentication (passport-jwt): requireAuth → 401 without a valid access token; optionalAuth → anonymous allowed.
import type { RequestHandler } from 'express';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { TOKEN_ALGORITHMS } from '@mutiroes/contracts';
import { accessClaimsValid, type AccessClaims } from '../../domain/users/jwt-tokens.service.js';
import { NotAuthenticatedError, TokenInvalidError } from '../../domain/shared/app-errors.js';
import type { AuthUser } from '../../deps.js';

export interface AuthMiddlewares {
  requireAuth: RequestHandler;
  optionalAuth: RequestHandler;
}

export interface AuthOptions {
  /**
   * Whether an access token issued at `iat` (seconds) for `userId` is still good: the user is active and did
   * not change the password after it was issued. Absent → signature and expiry decide alone.
   */
  tokenStillValid?: (userId: number, iat: number) => Promise<boolean>;
}

export function createAuthMiddlewares(secret: string, opts: AuthOptions = {}): AuthMiddlewares {
  // A private Passport instance: no global state shared with other apps in the same process (tests).
  const pp = new passport.Passport();
  pp.use(
    'jwt',
    new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKey: secret,
        algorithms: TOKEN_ALGORITHMS,
      },
      (claims: Partial<AccessClaims>, done: (err: unknown, user?: AuthUser | false) => void) => {
        if (!accessClaimsValid(claims)) return done(null, false);
        const user: AuthUser = {
          id: claims.user_id,
          username: claims.username,
          email: claims.email,
          is_staff: claims.is_staff,
        };
        if (!opts.tokenStillValid) return done(null, user);
        opts.tokenStillValid(claims.user_id, claims.iat).then(
          (ok) => done(null, ok ? user : false),
          (e: unknown) => done(e),
        );
      },
    ),
  );

  const authenticate =
    (required: boolean): RequestHandler =>
    (req, res, next) => {
      const header = req.get('authorization');
      if (!header) {
        if (required) return next(new NotAuthenticatedError());
        return next();
      }
      if (!/^Bearer\s+\S+$/i.test(header)) {
        if (!required) return next();
        return next(new TokenInvalidError('Cabeçalho de autorização deve ser "Bearer <token>".'));
      }
      pp.authenticate('jwt', { session: false }, (err: unknown, user: AuthUser | false) => {
        if (err) return next(err);
        // A public read with an expired or invalid token answers as to an anonymous caller: the original web
        // client keeps sending its stale token for a while and would see every public page fail (ADR 0006).
        if (!user && !required) return next();
        if (!user) return next(new TokenInvalidError());
        req.user = user;
        next();
      })(req, res, next);
    };

  return { requireAuth: authenticate(true), optionalAuth: authenticate(false) };
}

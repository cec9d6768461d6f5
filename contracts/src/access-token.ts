// The API's bearer tokens as every service checks them: HS256 JWTs signed with JWT_SECRET. Signing stays in the
// api (it issues them); verification is here, once, for the api's own checks and the worker's admin pages.
import jwt from 'jsonwebtoken';

/** The only algorithm accepted: a token naming another (or `none`) is refused. */
export const TOKEN_ALGORITHMS: jwt.Algorithm[] = ['HS256'];

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return m ? m[1]! : null;
}

/** The claims of a token whose signature and expiry hold; throws jsonwebtoken's error otherwise. */
export function verifyToken(token: string, secret: string): Record<string, unknown> {
  const claims = jwt.verify(token, secret, { algorithms: TOKEN_ALGORITHMS });
  if (typeof claims !== 'object' || claims === null)
    throw new jwt.JsonWebTokenError('claims are not an object');
  return claims as Record<string, unknown>;
}

/** Like verifyToken, but null instead of an error (the caller treats the request as anonymous). */
export function verifiedClaims(token: string, secret: string): Record<string, unknown> | null {
  try {
    return verifyToken(token, secret);
  } catch {
    return null;
  }
}

/** Whether verifyToken failed only because the token expired. */
export function tokenExpired(err: unknown): boolean {
  return err instanceof jwt.TokenExpiredError;
}

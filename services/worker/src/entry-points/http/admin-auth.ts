// Who is looking at the status page: the API's JWT (HS256, JWT_SECRET) for identity, the users table for the role —
// a token's `role: admin` claim is not enough: the user must still be an active staff member, and the token must
// be newer than their last password change (as the API checks it).
import { bearerToken, verifiedClaims } from '@mutiroes/contracts';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export interface Viewer {
  authenticated: boolean;
  admin: boolean;
  user_id?: string | number;
  username?: string;
}

/** What the database says about a user (null: no such user). */
export interface AdminDirectory {
  adminState(
    userId: number,
  ): Promise<{ is_active: boolean; is_staff: boolean; password_changed_s: number } | null>;
}

const anonymous: Viewer = { authenticated: false, admin: false };

/** The token's claims only (no database): identity and the role it was issued with. */
export function tokenViewer(req: Request, secret: string): Viewer & { iat?: number } {
  const token = bearerToken(req.headers.authorization);
  const p = token ? verifiedClaims(token, secret) : null;
  if (!p) return { ...anonymous };
  if (p['token_type'] !== undefined && p['token_type'] !== 'access') return { ...anonymous };
  const admin =
    p['role'] === 'admin' || (Array.isArray(p['roles']) && (p['roles'] as unknown[]).includes('admin'));
  return {
    authenticated: true,
    admin,
    ...(p['user_id'] !== undefined || p['sub'] !== undefined
      ? { user_id: (p['user_id'] ?? p['sub']) as string | number }
      : {}),
    ...(typeof p['username'] === 'string' ? { username: p['username'] } : {}),
    ...(typeof p['iat'] === 'number' ? { iat: p['iat'] } : {}),
  };
}

/** The viewer as of now: authenticated only while the user is active, admin only while they are staff. */
export async function viewerOf(req: Request, secret: string, dir: AdminDirectory): Promise<Viewer> {
  const t = tokenViewer(req, secret);
  if (!t.authenticated) return { ...anonymous };
  const id = Number(t.user_id);
  if (!Number.isSafeInteger(id) || id <= 0) return { ...anonymous };
  const state = await dir.adminState(id);
  if (!state || !state.is_active || (t.iat !== undefined && t.iat < state.password_changed_s))
    return { ...anonymous };
  return {
    authenticated: true,
    admin: state.is_staff,
    user_id: id,
    ...(t.username ? { username: t.username } : {}),
  };
}

/** 401 without a valid token of an active user, 403 for a non-admin; the checked viewer is left in res.locals. */
export function requireActiveAdmin(secret: string, dir: AdminDirectory): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    viewerOf(req, secret, dir).then((v) => {
      if (!v.authenticated)
        return void res
          .status(401)
          .json({ detail: 'As credenciais de autenticação não foram fornecidas ou são inválidas.' });
      if (!v.admin)
        return void res.status(403).json({ detail: 'Somente administradores podem ver e alterar as filas.' });
      res.locals['viewer'] = v;
      next();
    }, next);
  };
}

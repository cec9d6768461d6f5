// Who is looking at the status page: the API's JWT (HS256, JWT_SECRET); admin actions need role 'admin'.
import jwt from 'jsonwebtoken';
import type { NextFunction, Request, Response } from 'express';

export interface Viewer { authenticated: boolean; admin: boolean; user_id?: string | number; username?: string }

export function viewerOf(req: Request, secret: string): Viewer {
  const h = req.headers.authorization;
  if (!h || !/^Bearer\s+/i.test(h)) return { authenticated: false, admin: false };
  try {
    const p = jwt.verify(h.replace(/^Bearer\s+/i, ''), secret, { algorithms: ['HS256'] }) as Record<string, unknown>;
    if (p['token_type'] !== undefined && p['token_type'] !== 'access') return { authenticated: false, admin: false };
    const admin = p['role'] === 'admin' || (Array.isArray(p['roles']) && (p['roles'] as unknown[]).includes('admin'));
    return {
      authenticated: true,
      admin,
      ...(p['user_id'] !== undefined || p['sub'] !== undefined ? { user_id: (p['user_id'] ?? p['sub']) as string | number } : {}),
      ...(typeof p['username'] === 'string' ? { username: p['username'] } : {}),
    };
  } catch {
    return { authenticated: false, admin: false };
  }
}

export function requireAdmin(secret: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const v = viewerOf(req, secret);
    if (!v.authenticated) return void res.status(401).json({ detail: 'Authentication credentials were not provided or are invalid.' });
    if (!v.admin) return void res.status(403).json({ detail: 'Only administrators can change jobs.' });
    next();
  };
}

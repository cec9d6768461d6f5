// /api/token/ (login), /api/token/refresh/ (rotation) and /api/token/revoke/ (logout).
import express from 'express';
import type { UsersDeps } from '../../../domain/users/users-deps.js';
import { login, refresh, revokeRefresh } from '../../../domain/users/auth-tokens.use-case.js';
import { methodNotAllowed, parseBody } from '../request-validation.js';
import { refreshSchema, tokenSchema } from '../users/users.schemas.js';

export function createTokenRouter(users: UsersDeps): express.Router {
  const r = express.Router();
  r.post('/', async (req, res) => {
    const body = parseBody(tokenSchema, req.body);
    res.json(await login(users, (body.email || body.username)!, body.password));
  });
  r.post('/refresh', async (req, res) => {
    const body = parseBody(refreshSchema, req.body);
    res.json(await refresh(users, body.refresh));
  });
  // Logout (used by the web app): revokes the token's family; answers 200 even when it was already revoked.
  r.post('/revoke', async (req, res) => {
    const body = parseBody(refreshSchema, req.body);
    await revokeRefresh(users, body.refresh);
    res.json({ message: 'Sessão encerrada.' });
  });
  r.all(['/', '/refresh', '/revoke'], methodNotAllowed);
  return r;
}

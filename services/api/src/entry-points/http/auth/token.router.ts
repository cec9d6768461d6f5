// /api/token/ (login) and /api/token/refresh/ (rotation).
import express from 'express';
import type { UsersDeps } from '../../../domain/users/users-deps.js';
import { login, refresh } from '../../../domain/users/auth-tokens.use-case.js';
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
  r.all(['/', '/refresh'], methodNotAllowed);
  return r;
}

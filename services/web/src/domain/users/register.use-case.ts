// Registration through the API (its field errors come back keyed by field).
import type { ApiClient } from '../../data-access/api-client.js';
import { fieldErrors } from '../auth/session.js';

export const REGISTER_FIELDS = [
  'username',
  'email',
  'first_name',
  'last_name',
  'password',
  'password_confirm',
] as const;
export type RegisterValues = Record<(typeof REGISTER_FIELDS)[number], string>;

export async function registerUser(
  api: ApiClient,
  v: RegisterValues,
): Promise<{ ok: true } | { ok: false; errors: Record<string, string[]> }> {
  if (v.password !== v.password_confirm)
    return { ok: false, errors: { password_confirm: ['As senhas não conferem.'] } };
  const r = await api.request({
    method: 'POST',
    path: '/api/users/register/',
    body: v,
    idempotencyKey: crypto.randomUUID(),
  });
  if (r.status === 201 || r.status === 200) return { ok: true };
  return { ok: false, errors: fieldErrors(r) };
}

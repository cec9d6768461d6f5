// Server side of the private calendar subscription (issue #16): the API keeps only a hash of the secret, so
// the URL is shown once, when it is made; a new one revokes the previous, and it can be revoked outright.
import type { ApiClient } from '../../data-access/api-client.js';
import { fieldErrors } from '../auth/session.js';
import { PageError } from '../page-error.js';

export type SubscriptionResult =
  | { ok: true; message: string; url?: string; webcal?: string }
  | { ok: false; errors: Record<string, string[]> };

export async function runSubscriptionIntent(
  api: ApiClient,
  token: string,
  intent: string,
  origin: string,
): Promise<SubscriptionResult> {
  const path = '/api/events/calendar_subscription/';
  if (intent === 'create') {
    const r = await api.request<{ token: string; path: string }>({ method: 'POST', path, token });
    if (r.status === 401) throw new PageError('LOGIN_REQUIRED');
    if (r.status !== 201) return { ok: false, errors: fieldErrors(r) };
    const url = new URL(r.data.path, origin).toString();
    return {
      ok: true,
      message: 'Link de assinatura criado. Guarde-o: ele não será mostrado de novo.',
      url,
      webcal: url.replace(/^https?:/, 'webcal:'),
    };
  }
  if (intent === 'revoke') {
    const r = await api.request({ method: 'DELETE', path, token });
    if (r.status === 401) throw new PageError('LOGIN_REQUIRED');
    if (r.status === 404) return { ok: true, message: 'Não havia link de assinatura ativo.' };
    if (r.status >= 300) return { ok: false, errors: fieldErrors(r) };
    return { ok: true, message: 'Link de assinatura revogado: o endereço antigo deixou de funcionar.' };
  }
  return { ok: false, errors: { _form: ['Ação desconhecida.'] } };
}

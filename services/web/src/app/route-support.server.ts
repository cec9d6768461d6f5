// What every loader and action shares: errors to statuses (404, 503 with a retry page, login redirect),
// the login requirement, and the CSRF check of a posted form.
import { data, redirect } from 'react-router';
import { isApiUnavailable, PageError } from '../domain/page-error.js';
import type { WebContext } from './web-context.js';

/** Runs a loader/action body; domain errors become the responses the error pages render. */
export async function guard<T>(request: Request, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof Response) throw e;
    if (e instanceof PageError) {
      if (e.code === 'NOT_FOUND') throw data('Não encontrado', { status: 404 });
      if (e.code === 'FORBIDDEN') throw data('Sem permissão', { status: 403 });
      if (e.code === 'LOGIN_REQUIRED') throw loginRedirect(request);
      throw data('Serviço indisponível', { status: 503 });
    }
    if (isApiUnavailable(e)) throw data('Serviço indisponível', { status: 503 });
    throw e;
  }
}

export function loginRedirect(request: Request): Response {
  const u = new URL(request.url);
  return redirect(`/entrar?proximo=${encodeURIComponent(u.pathname + u.search)}`);
}

/** The access token, or a redirect to the login page that comes back here. */
export async function requireToken(w: WebContext, request: Request): Promise<string> {
  const t = await w.session.token();
  if (!t) throw loginRedirect(request);
  return t;
}

/** The posted form, after its CSRF token was checked (a forged post gets 403 and changes nothing). */
export async function readForm(w: WebContext, request: Request): Promise<FormData> {
  const fd = await request.formData();
  if (!w.verifyCsrf(fd.get('_csrf')))
    throw data('Formulário expirado ou forjado. Recarregue a página.', { status: 403 });
  return fd;
}

/** Only same-site relative paths are followed after login. */
export function safeNext(v: string | null): string {
  return v && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/\\') ? v : '/';
}

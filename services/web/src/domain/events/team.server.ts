// Server side of the organisers' team page (issue #16): co-organisers (the owner adds and removes them) and the
// waitlist in order. The API decides who may do what; this module only asks and reports.
import type { ApiClient } from '../../data-access/api-client.js';
import { expectOk } from '../page-error.js';
import { outcome, type ActionResult } from './event-actions.js';

export interface PersonRef {
  id: number;
  username: string;
  first_name: string;
  last_name: string;
}
export interface Coorganizer {
  user: PersonRef;
  added_at: string;
}
export interface WaitlistEntry {
  id: number;
  user: PersonRef;
  waitlist_position: number | null;
}
interface EventHead {
  id: number;
  title: string;
  is_organizer?: boolean;
}

/** The page: the event, its co-organisers and its waitlist; `isOwner` shows the add/remove controls. */
export async function teamView(api: ApiClient, token: string, id: number) {
  const event = expectOk(await api.request<EventHead>({ path: `/api/events/${id}/`, token }));
  const [coorganizers, waitlist] = await Promise.all([
    api.request<Coorganizer[]>({ path: `/api/events/${id}/coorganizers/`, token }),
    api.request<WaitlistEntry[]>({ path: `/api/events/${id}/waitlist/`, token }),
  ]);
  return {
    event: { id: event.id, title: event.title },
    isOwner: event.is_organizer === true,
    coorganizers: expectOk(coorganizers),
    waitlist: [...expectOk(waitlist)].sort((a, b) => (a.waitlist_position ?? 0) - (b.waitlist_position ?? 0)),
  };
}

export async function runTeamIntent(
  api: ApiClient,
  token: string,
  id: number,
  intent: string,
  form: FormData,
): Promise<ActionResult> {
  const base = `/api/events/${id}/coorganizers/`;
  switch (intent) {
    case 'add-coorganizer': {
      const username = String(form.get('username') ?? '').trim();
      if (!username) return { ok: false, errors: { username: ['Informe o nome de usuário.'] } };
      if (username.length > 150)
        return { ok: false, errors: { username: ['O nome de usuário tem no máximo 150 caracteres.'] } };
      return outcome(
        await api.request({ method: 'POST', path: base, body: { username }, token }),
        `${username} agora é coorganizador.`,
      );
    }
    case 'remove-coorganizer': {
      const user = Number(form.get('user'));
      if (!(user > 0)) return { ok: false, errors: { _form: ['Coorganizador inválido.'] } };
      return outcome(
        await api.request({ method: 'DELETE', path: `${base}${user}/`, token }),
        'Coorganizador removido.',
      );
    }
    default:
      return { ok: false, errors: { _form: ['Ação desconhecida.'] } };
  }
}

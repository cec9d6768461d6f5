// What a visitor can do on an event page, each one API call: join, leave, check in, comment, and the
// organiser's approve/reject/cancel; plus saving the event, the report and photos.
import type { ApiClient, ApiResponse } from '../../data-access/api-client.js';
import { fieldErrors } from '../auth/session.js';
import { PageError } from '../page-error.js';
import { eventApiBody, type EventFormValues } from './event-form.js';

export type ActionResult =
  { ok: true; message: string; id?: number } | { ok: false; errors: Record<string, string[]> };

/** An API answer as a form result: 2xx → the message, 401 → log in again, else the API's field errors. */
export function outcome(r: ApiResponse, message: string): ActionResult {
  if (r.status >= 200 && r.status < 300) return { ok: true, message };
  if (r.status === 401) throw new PageError('LOGIN_REQUIRED');
  return { ok: false, errors: fieldErrors(r) };
}

const post = (api: ApiClient, token: string, path: string, body: unknown = {}) =>
  api.request({ method: 'POST', path, body, token, idempotencyKey: crypto.randomUUID() });

export type EventIntent = 'join' | 'leave' | 'checkin' | 'comment' | 'approve' | 'reject' | 'cancel-event';

export async function runEventIntent(
  api: ApiClient,
  token: string,
  eventId: number,
  intent: string,
  form: FormData,
): Promise<ActionResult> {
  const base = `/api/events/${eventId}`;
  const pk = Number(form.get('participant'));
  switch (intent) {
    case 'join': {
      const r = await post(api, token, `${base}/join/`);
      const joined = r.data as { status?: string; waitlist_position?: number | null } | undefined;
      if (r.status === 201 && joined?.status === 'waitlisted')
        return {
          ok: true,
          message: `Evento lotado: você está na lista de espera — posição ${joined.waitlist_position ?? '?'}.`,
        };
      return outcome(r, 'Inscrição feita! Até lá.');
    }
    case 'leave':
      return outcome(await post(api, token, `${base}/leave/`), 'Você saiu do evento.');
    case 'checkin':
      return outcome(await post(api, token, `${base}/check_in/`), 'Check-in realizado.');
    case 'comment': {
      const content = String(form.get('content') ?? '').trim();
      if (!content) return { ok: false, errors: { content: ['Escreva um comentário.'] } };
      if (content.length > 2000)
        return { ok: false, errors: { content: ['O comentário pode ter no máximo 2000 caracteres.'] } };
      const parent = Number(form.get('parent'));
      return outcome(
        await post(api, token, `${base}/comments/`, { content, parent: parent > 0 ? parent : null }),
        'Comentário publicado.',
      );
    }
    case 'approve':
    case 'reject': {
      if (!(pk > 0)) return { ok: false, errors: { _form: ['Participante inválido.'] } };
      const status = intent === 'approve' ? 'confirmed' : 'rejected';
      return outcome(
        await api.request({
          method: 'PATCH',
          path: `${base}/participants/${pk}/`,
          body: { status },
          token,
          idempotencyKey: crypto.randomUUID(),
        }),
        intent === 'approve' ? 'Participante aprovado.' : 'Participante recusado.',
      );
    }
    case 'cancel-event':
      return outcome(
        await api.request({
          method: 'PATCH',
          path: `${base}/`,
          body: { status: 'cancelled' },
          token,
          idempotencyKey: crypto.randomUUID(),
        }),
        'Evento cancelado.',
      );
    default:
      return { ok: false, errors: { _form: ['Ação desconhecida.'] } };
  }
}

export async function saveEvent(
  api: ApiClient,
  token: string,
  values: EventFormValues,
  id?: number,
): Promise<ActionResult> {
  const r = await api.request<{ id?: number }>({
    method: id ? 'PATCH' : 'POST',
    path: id ? `/api/events/${id}/` : '/api/events/',
    body: eventApiBody(values),
    token,
    idempotencyKey: crypto.randomUUID(),
  });
  const res = outcome(r, id ? 'Evento atualizado.' : 'Evento criado.');
  return res.ok ? { ...res, id: id ?? r.data.id } : res;
}

export const REPORT_FIELDS = [
  'total_participants',
  'total_hours',
  'trash_collected_kg',
  'trees_planted',
  'area_cleaned_m2',
  'recyclable_material_kg',
  'summary',
  'challenges',
  'achievements',
] as const;

export async function saveReport(
  api: ApiClient,
  token: string,
  eventId: number,
  form: FormData,
  exists: boolean,
): Promise<ActionResult> {
  const body: Record<string, unknown> = {};
  const errors: Record<string, string[]> = {};
  for (const f of REPORT_FIELDS) {
    const v = String(form.get(f) ?? '').trim();
    if (['summary', 'challenges', 'achievements'].includes(f)) body[f] = v.slice(0, 10_000);
    else if (v === '') body[f] = 0;
    else if (!/^\d+([.,]\d+)?$/.test(v)) errors[f] = ['Informe um número maior ou igual a zero.'];
    else body[f] = Number(v.replace(',', '.'));
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const r = await api.request({
    method: exists ? 'PATCH' : 'POST',
    path: `/api/events/${eventId}/report/`,
    body,
    token,
    idempotencyKey: crypto.randomUUID(),
  });
  return outcome(r, 'Relatório salvo.');
}

export async function uploadPhoto(
  api: ApiClient,
  token: string,
  eventId: number,
  form: FormData,
): Promise<ActionResult> {
  const file = form.get('photo');
  if (!(file instanceof Blob) || file.size === 0)
    return { ok: false, errors: { photo: ['Escolha uma foto.'] } };
  if (file.size > 8 * 1024 * 1024)
    return { ok: false, errors: { photo: ['A foto pode ter no máximo 8 MB.'] } };
  const fd = new FormData();
  fd.set('photo', file, (file as File).name || 'foto.jpg');
  fd.set('caption', String(form.get('caption') ?? '').slice(0, 200));
  const moment = String(form.get('moment') ?? 'after');
  fd.set('is_before', String(moment === 'before'));
  fd.set('is_after', String(moment === 'after'));
  // No Idempotency-Key: the API does not take one on multipart bodies (so an upload is not replayed).
  return outcome(
    await api.request({ method: 'POST', path: `/api/events/${eventId}/photos/`, body: fd, token }),
    'Foto enviada.',
  );
}

// Server side (loaders/actions) of QR check-in/out and hours (ADR 0014) as the web pages use them: the organisers' rotating code and the
// participants with their hours; a participant's personal code and scan; the hours correction.
import type { ApiClient, ApiResponse } from '../../data-access/api-client.js';
import { fieldErrors } from '../auth/session.js';
import { PageError, expectOk } from '../page-error.js';
import type { ActionResult } from './event-actions.js';

export interface ShownCode {
  code: string;
  action?: 'check_in' | 'check_out';
  rotates_every_s: number;
  expires_at: string;
  svg: string;
}

export interface PresenceParticipant {
  id: number;
  user: { id: number; username: string; first_name: string; last_name: string };
  status: string;
  checked_in: boolean;
  check_in_time: string | null;
  check_out_time: string | null;
  hours_volunteered: number | null;
  hours_corrected: boolean;
}

interface EventHead {
  id: number;
  title: string;
  start_date: string;
  end_date: string;
  is_organizer?: boolean;
}

/** The QR as an <img> source: the API's SVG inside a data URL (an image cannot run script). */
export const svgDataUrl = (svg: string) => `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;

/** A code, or the API's reason why none is shown now (outside the check-in window, not confirmed). */
async function code(
  api: ApiClient,
  token: string,
  path: string,
): Promise<{ shown: ShownCode & { image: string }; refusal: null } | { shown: null; refusal: string }> {
  const r = await api.request<ShownCode>({ path, token });
  if (r.status === 400) {
    const msgs = Object.values(fieldErrors(r)).flat();
    return { shown: null, refusal: msgs[0] ?? 'O QR code não está disponível agora.' };
  }
  const c = expectOk(r);
  return { shown: { ...c, image: svgDataUrl(c.svg) }, refusal: null };
}

export type QrAction = 'check_in' | 'check_out';

/** The organisers' screen: the event code for `action`, and everyone confirmed with their hours. */
export async function organizerQrView(api: ApiClient, token: string, id: number, action: QrAction) {
  const event = expectOk(await api.request<EventHead>({ path: `/api/events/${id}/`, token }));
  const qr = await code(api, token, `/api/events/${id}/check_in_code/?action=${action}`);
  const all = expectOk(
    await api.request<PresenceParticipant[]>({ path: `/api/events/${id}/participants/`, token }),
  );
  const nominalHours = (Date.parse(event.end_date) - Date.parse(event.start_date)) / 3_600_000;
  return {
    event: { id: event.id, title: event.title, start_date: event.start_date, end_date: event.end_date },
    action,
    ...qr,
    nominalHours,
    participants: all.filter((p) => p.status === 'confirmed'),
  };
}

/** The participant's screen: their personal code and their own row. */
export async function presenceView(api: ApiClient, token: string, userId: number, id: number) {
  const event = expectOk(await api.request<EventHead>({ path: `/api/events/${id}/`, token }));
  const qr = await code(api, token, `/api/events/${id}/my_code/`);
  const rows = expectOk(
    await api.request<PresenceParticipant[]>({ path: `/api/events/${id}/participants/`, token }),
  );
  return {
    event: { id: event.id, title: event.title, start_date: event.start_date, end_date: event.end_date },
    ...qr,
    me: rows.find((p) => p.user.id === userId) ?? null,
  };
}

function outcome(r: ApiResponse<{ message?: string }>, fallback: string): ActionResult {
  if (r.status >= 200 && r.status < 300) return { ok: true, message: r.data.message ?? fallback };
  if (r.status === 401) throw new PageError('LOGIN_REQUIRED');
  if (r.status === 404) throw new PageError('NOT_FOUND');
  return { ok: false, errors: fieldErrors(r) };
}

/** "1,5" or "1.5" → 1.5; blank → null (back to the measured hours); anything else → undefined. */
export function parseHours(raw: string): number | null | undefined {
  const s = raw.trim().replace(',', '.');
  if (s === '') return null;
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(s)) return undefined;
  return Number(s);
}

export async function runPresenceIntent(
  api: ApiClient,
  token: string,
  id: number,
  intent: string,
  form: FormData,
): Promise<ActionResult> {
  const base = `/api/events/${id}`;
  switch (intent) {
    case 'scan':
    case 'scan-participant': {
      const c = String(form.get('code') ?? '').trim();
      if (!c) return { ok: false, errors: { code: ['Leia o QR code ou digite o código.'] } };
      const path = intent === 'scan' ? `${base}/scan/` : `${base}/scan_participant/`;
      return outcome(
        await api.request<{ message?: string }>({
          method: 'POST',
          path,
          body: { code: c },
          token,
          idempotencyKey: crypto.randomUUID(),
        }),
        'Presença registrada.',
      );
    }
    case 'hours': {
      const pk = Number(form.get('participant'));
      if (!(pk > 0)) return { ok: false, errors: { _form: ['Participante inválido.'] } };
      const hours = parseHours(String(form.get('hours') ?? ''));
      if (hours === undefined)
        return { ok: false, errors: { hours: ['Informe as horas como 1,5 (até duas casas decimais).'] } };
      const r = await api.request<{ message?: string }>({
        method: 'PUT',
        path: `${base}/participants/${pk}/hours/`,
        body: { hours },
        token,
      });
      return outcome(r, hours === null ? 'Horas medidas restauradas.' : 'Horas corrigidas.');
    }
    default:
      return { ok: false, errors: { _form: ['Ação desconhecida.'] } };
  }
}

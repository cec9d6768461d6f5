// The create/edit event form: its fields, the client-side checks that mirror the API's rules (DOMAIN.md),
// and the translation to the API body. Shared by the browser (as-you-type) and the server action.
import { toLocalInput } from '../format/pt-br.js';
import type { EventDetail } from './event.types.js';

export const EVENT_FIELDS = [
  'title',
  'description',
  'category',
  'address',
  'city',
  'state',
  'latitude',
  'longitude',
  'start_date',
  'end_date',
  'registration_deadline',
  'max_participants',
  'min_age',
  'max_age',
  'status',
  'is_public',
  'requires_approval',
  'required_tools',
  'provided_tools',
  'what_to_bring',
  'cover_image',
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];
export type EventFormValues = Record<EventField, string>;
export type FieldErrors = Partial<Record<EventField | '_form', string[]>>;

export function emptyEventForm(): EventFormValues {
  const v = Object.fromEntries(EVENT_FIELDS.map((f) => [f, ''])) as EventFormValues;
  return {
    ...v,
    min_age: '16',
    max_participants: '30',
    status: 'published',
    is_public: 'on',
    requires_approval: '',
  };
}

export function eventFormFrom(e: EventDetail): EventFormValues {
  const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return {
    title: e.title,
    description: e.description,
    category: s(e.category?.id),
    address: e.address,
    city: e.city,
    state: e.state,
    latitude: s(e.latitude),
    longitude: s(e.longitude),
    start_date: toLocalInput(e.start_date),
    end_date: toLocalInput(e.end_date),
    registration_deadline: toLocalInput(e.registration_deadline),
    max_participants: s(e.max_participants),
    min_age: s(e.min_age),
    max_age: s(e.max_age),
    status: e.status,
    is_public: e.is_public ? 'on' : '',
    requires_approval: e.requires_approval ? 'on' : '',
    required_tools: e.required_tools ?? '',
    provided_tools: e.provided_tools ?? '',
    what_to_bring: e.what_to_bring ?? '',
    cover_image: s(e.cover_image_url),
  };
}

export function eventFormFromData(fd: FormData): EventFormValues {
  const v = {} as EventFormValues;
  for (const f of EVENT_FIELDS) {
    const x = fd.get(f);
    v[f] = typeof x === 'string' ? x.slice(0, 10_000) : '';
  }
  return v;
}

const LIMITS: Partial<Record<EventField, number>> = {
  title: 200,
  address: 255,
  city: 100,
  cover_image: 500,
  required_tools: 5000,
  provided_tools: 5000,
  what_to_bring: 5000,
};
const REQUIRED: EventField[] = [
  'title',
  'description',
  'category',
  'address',
  'city',
  'state',
  'start_date',
  'end_date',
  'max_participants',
];

const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s) : NaN);

/** The same rules the API applies, in its words, so errors show before the round trip. */
export function validateEventForm(v: EventFormValues): FieldErrors {
  const e: FieldErrors = {};
  const add = (f: EventField, m: string) => (e[f] ??= []).push(m);
  for (const f of REQUIRED) if (!v[f].trim()) add(f, 'Este campo é obrigatório.');
  for (const [f, max] of Object.entries(LIMITS) as [EventField, number][]) {
    if (v[f].length > max) add(f, `Certifique-se de que este campo não tenha mais de ${max} caracteres.`);
  }
  if (v.state.trim() && !/^[A-Za-z]{2}$/.test(v.state.trim()))
    add('state', 'Informe a sigla do estado com 2 letras.');
  const lat = v.latitude.trim() ? Number(v.latitude) : null;
  const lng = v.longitude.trim() ? Number(v.longitude) : null;
  if (lat !== null && !(lat >= -90 && lat <= 90)) add('latitude', 'A latitude deve estar entre -90 e 90.');
  if (lng !== null && !(lng >= -180 && lng <= 180))
    add('longitude', 'A longitude deve estar entre -180 e 180.');
  if ((lat === null) !== (lng === null)) add('latitude', 'Marque o local no mapa (latitude e longitude).');
  const mp = int(v.max_participants);
  if (v.max_participants.trim() && !(mp >= 1 && mp <= 100_000))
    add('max_participants', 'Informe um número inteiro entre 1 e 100000.');
  const minAge = v.min_age.trim() ? int(v.min_age) : null;
  const maxAge = v.max_age.trim() ? int(v.max_age) : null;
  if (minAge !== null && !(minAge >= 0 && minAge <= 120)) add('min_age', 'Informe uma idade entre 0 e 120.');
  if (maxAge !== null && !(maxAge >= 0 && maxAge <= 120)) add('max_age', 'Informe uma idade entre 0 e 120.');
  if (minAge !== null && maxAge !== null && minAge >= maxAge)
    add('max_age', 'A idade máxima deve ser maior que a idade mínima.');
  const start = v.start_date ? Date.parse(`${v.start_date}:00-03:00`) : NaN;
  const end = v.end_date ? Date.parse(`${v.end_date}:00-03:00`) : NaN;
  const deadline = v.registration_deadline ? Date.parse(`${v.registration_deadline}:00-03:00`) : NaN;
  if (v.start_date && Number.isNaN(start)) add('start_date', 'Data e hora inválidas.');
  if (v.end_date && Number.isNaN(end)) add('end_date', 'Data e hora inválidas.');
  if (!Number.isNaN(start) && !Number.isNaN(end) && start >= end)
    add('end_date', 'A data de término deve ser posterior à data de início.');
  if (!Number.isNaN(deadline) && !Number.isNaN(start) && deadline >= start)
    add('registration_deadline', 'O prazo de inscrição deve ser anterior ao início do evento.');
  if (v.cover_image.trim() && !/^https?:\/\/\S+$/.test(v.cover_image.trim()))
    add('cover_image', 'Informe uma URL válida (http ou https).');
  if (!['draft', 'published'].includes(v.status) && v.status !== 'cancelled' && v.status !== 'completed')
    add('status', 'Escolha um valor válido.');
  return e;
}

/** The API body (datetime-local values are São Paulo wall-clock times). */
export function eventApiBody(v: EventFormValues): Record<string, unknown> {
  const dt = (s: string) => (s ? `${s}:00-03:00` : null);
  const num = (s: string) => (s.trim() ? Number(s) : null);
  return {
    title: v.title.trim(),
    description: v.description.trim(),
    category: num(v.category),
    address: v.address.trim(),
    city: v.city.trim(),
    state: v.state.trim().toUpperCase(),
    latitude: num(v.latitude),
    longitude: num(v.longitude),
    start_date: dt(v.start_date),
    end_date: dt(v.end_date),
    registration_deadline: dt(v.registration_deadline),
    max_participants: num(v.max_participants),
    min_age: num(v.min_age) ?? 16,
    max_age: num(v.max_age),
    status: v.status || 'published',
    is_public: v.is_public === 'on',
    requires_approval: v.requires_approval === 'on',
    required_tools: v.required_tools,
    provided_tools: v.provided_tools,
    what_to_bring: v.what_to_bring,
    cover_image: v.cover_image.trim() || null,
  };
}

// Profile pages: own profile with statistics, badges and history; edits; password change; public profiles.
import type { ApiClient } from '../../data-access/api-client.js';
import { fieldErrors } from '../auth/session.js';
import { expectOk, PageError } from '../page-error.js';
import type { Category, EventListItem, Page } from '../events/event.types.js';

export interface Profile {
  id: number;
  user: {
    id: number;
    username: string;
    email?: string;
    first_name: string;
    last_name: string;
    date_joined?: string;
  };
  phone?: string;
  birth_date?: string | null;
  bio?: string;
  avatar_url?: string | null;
  age?: number | null;
  city?: string;
  state?: string;
  zip_code?: string;
  interests?: string[];
  notification_preferences?: Record<string, boolean>;
  is_public_profile?: boolean;
  show_participation_history?: boolean;
  total_events_participated?: number;
  total_hours_volunteered?: number | string;
  participation_history?: Array<{
    event_id?: number;
    id?: number;
    title?: string;
    event_title?: string;
    start_date?: string;
    checked_in?: boolean;
  }>;
}

export interface UserStats {
  total_events_participated: number;
  total_hours_volunteered: number | string;
  badges_earned: number;
  events_organized: number;
  current_month_events: number;
}

export interface EarnedBadge {
  id: number;
  badge: { id: number; name: string; description?: string; icon?: string };
  earned_at: string;
}

export const NOTIFICATION_KEYS = [
  { key: 'email_event_updates', label: 'E-mails sobre mudanças nos meus eventos' },
  { key: 'email_reminders', label: 'Lembretes antes dos eventos' },
  { key: 'email_newsletter', label: 'Novidades do Mutirões' },
] as const;

export async function ownProfileView(api: ApiClient, token: string) {
  const [p, s, b, mine, cats] = await Promise.all([
    api.request<Profile>({ path: '/api/users/profile/', token }),
    api.request<UserStats>({ path: '/api/users/stats/', token }),
    api.request<EarnedBadge[] | Page<EarnedBadge>>({ path: '/api/users/badges/earned/', token }),
    api.request<{ organized: EventListItem[]; participating: EventListItem[] }>({
      path: '/api/events/my_events/',
      token,
    }),
    api.request<Category[] | Page<Category>>({ path: '/api/events/categories/' }),
  ]);
  const badges = b.status === 200 ? (Array.isArray(b.data) ? b.data : b.data.results) : [];
  const c = cats.status === 200 ? cats.data : [];
  return {
    profile: expectOk(p),
    stats: s.status === 200 ? s.data : null,
    badges,
    history:
      mine.status === 200 ? mine.data.participating.filter((e) => new Date(e.end_date) < new Date()) : [],
    categories: Array.isArray(c) ? c : c.results,
  };
}

export async function publicProfileView(api: ApiClient, token: string | undefined, username: string) {
  if (!/^[\w.@+-]{1,150}$/.test(username)) throw new PageError('NOT_FOUND');
  return expectOk(
    await api.request<Profile>({ path: `/api/users/profile/${encodeURIComponent(username)}/`, token }),
  );
}

export type Result = { ok: true; message: string } | { ok: false; errors: Record<string, string[]> };

export async function updateProfile(api: ApiClient, token: string, form: FormData): Promise<Result> {
  const s = (k: string, max: number) =>
    String(form.get(k) ?? '')
      .trim()
      .slice(0, max);
  const prefs = Object.fromEntries(NOTIFICATION_KEYS.map((n) => [n.key, form.get(`pref_${n.key}`) === 'on']));
  const body = {
    first_name: s('first_name', 150),
    last_name: s('last_name', 150),
    bio: s('bio', 500),
    phone: s('phone', 17),
    birth_date: s('birth_date', 10) || null,
    city: s('city', 100),
    state: s('state', 2),
    zip_code: s('zip_code', 10),
    interests: form.getAll('interests').map(String).slice(0, 20),
    notification_preferences: prefs,
    is_public_profile: form.get('is_public_profile') === 'on',
    show_participation_history: form.get('show_participation_history') === 'on',
  };
  const r = await api.request({
    method: 'PATCH',
    path: '/api/users/profile/',
    body,
    token,
    idempotencyKey: crypto.randomUUID(),
  });
  if (r.status === 200) return { ok: true, message: 'Perfil atualizado.' };
  if (r.status === 401) throw new PageError('LOGIN_REQUIRED');
  return { ok: false, errors: fieldErrors(r) };
}

export async function changePassword(api: ApiClient, token: string, form: FormData): Promise<Result> {
  const old_password = String(form.get('old_password') ?? '').slice(0, 128);
  const new_password = String(form.get('new_password') ?? '').slice(0, 128);
  if (new_password !== String(form.get('new_password_confirm') ?? ''))
    return { ok: false, errors: { new_password_confirm: ['As senhas não conferem.'] } };
  const r = await api.request({
    method: 'POST',
    path: '/api/users/change-password/',
    body: { old_password, new_password },
    token,
  });
  if (r.status === 200) return { ok: true, message: 'Senha alterada. Entre novamente.' };
  if (r.status === 401) throw new PageError('LOGIN_REQUIRED');
  return { ok: false, errors: fieldErrors(r) };
}

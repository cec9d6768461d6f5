// The events page: filters, ordering and page read from the URL (shareable), turned into the API query.
import type { ApiClient } from '../../data-access/api-client.js';
import { expectOk } from '../page-error.js';
import type { Category, EventListItem, Page } from './event.types.js';

export const PAGE_SIZE = 12;

export const ORDERINGS = [
  { value: 'start_date', label: 'Data (mais próximos primeiro)' },
  { value: '-start_date', label: 'Data (mais distantes primeiro)' },
  { value: '-created_at', label: 'Mais recentes' },
  { value: '-participants_count', label: 'Mais participantes' },
] as const;

export interface ListFilters {
  q: string;
  category: string;
  city: string;
  state: string;
  from: string;
  to: string;
  ordering: string;
  page: number;
  view: 'lista' | 'mapa';
}

const clip = (v: string | null, max: number) => (v ?? '').trim().slice(0, max);

export function parseListFilters(sp: URLSearchParams): ListFilters {
  const ordering = clip(sp.get('ordem'), 30);
  const page = Number(sp.get('pagina'));
  const date = (v: string | null) => (/^\d{4}-\d{2}-\d{2}$/.test(v ?? '') ? v! : '');
  return {
    q: clip(sp.get('q'), 100),
    category: /^\d{1,9}$/.test(sp.get('categoria') ?? '') ? sp.get('categoria')! : '',
    city: clip(sp.get('cidade'), 100),
    state: /^[A-Za-z]{2}$/.test(sp.get('uf') ?? '') ? sp.get('uf')!.toUpperCase() : '',
    from: date(sp.get('de')),
    to: date(sp.get('ate')),
    ordering: ORDERINGS.some((o) => o.value === ordering) ? ordering : 'start_date',
    page: Number.isInteger(page) && page > 0 && page < 10_000 ? page : 1,
    view: sp.get('vista') === 'mapa' ? 'mapa' : 'lista',
  };
}

/** The URL search string for `f` with `change` applied (page resets unless it is the change). */
export function listHref(f: ListFilters, change: Partial<ListFilters> = {}): string {
  const n = { ...f, ...('page' in change ? {} : { page: 1 }), ...change };
  const sp = new URLSearchParams();
  if (n.q) sp.set('q', n.q);
  if (n.category) sp.set('categoria', n.category);
  if (n.city) sp.set('cidade', n.city);
  if (n.state) sp.set('uf', n.state);
  if (n.from) sp.set('de', n.from);
  if (n.to) sp.set('ate', n.to);
  if (n.ordering !== 'start_date') sp.set('ordem', n.ordering);
  if (n.view === 'mapa') sp.set('vista', 'mapa');
  if (n.page > 1) sp.set('pagina', String(n.page));
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export function apiListPath(f: ListFilters): string {
  const sp = new URLSearchParams({
    page: String(f.page),
    page_size: String(f.view === 'mapa' ? 100 : PAGE_SIZE),
    ordering: f.ordering,
  });
  if (f.q) sp.set('search', f.q);
  if (f.category) sp.set('category', f.category);
  if (f.city) sp.set('city', f.city);
  if (f.state) sp.set('state', f.state);
  // Dates are São Paulo days: from 00:00 of `from` to 23:59 of `to`.
  if (f.from) sp.set('start_date', `${f.from}T00:00:00-03:00`);
  if (f.to) sp.set('end_date', `${f.to}T23:59:59-03:00`);
  return `/api/events/?${sp}`;
}

export interface EventListView {
  filters: ListFilters;
  events: EventListItem[];
  count: number;
  pages: number;
  categories: Category[];
}

export async function eventListView(
  api: ApiClient,
  token: string | undefined,
  f: ListFilters,
): Promise<EventListView> {
  const [list, cats] = await Promise.all([
    api.request<Page<EventListItem>>({ path: apiListPath(f), token }),
    api.request<Category[] | Page<Category>>({ path: '/api/events/categories/' }),
  ]);
  // A page past the end is not an error: show the empty page with a way back.
  const page = list.status === 404 ? { count: 0, next: null, previous: null, results: [] } : expectOk(list);
  const categories = expectOk(cats);
  const size = f.view === 'mapa' ? 100 : PAGE_SIZE;
  return {
    filters: f,
    events: page.results,
    count: page.count,
    pages: Math.max(1, Math.ceil(page.count / size)),
    categories: Array.isArray(categories) ? categories : categories.results,
  };
}

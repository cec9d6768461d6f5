// Leaderboard, monthly impact reports and the viewer's own events (organised and participating).
import type { ApiClient } from '../../data-access/api-client.js';
import { expectOk } from '../page-error.js';
import type { EventListItem, Page } from '../events/event.types.js';

export interface LeaderRow {
  rank: number;
  user: { id: number; username: string; first_name: string; last_name: string };
  total_hours: number | string;
  total_events: number;
  badges_earned: number;
}

export const BOARDS = [
  { value: 'hours', label: 'Horas' },
  { value: 'events', label: 'Eventos' },
  { value: 'badges', label: 'Conquistas' },
] as const;

export async function leaderboardView(api: ApiClient, token: string | undefined, board: string) {
  const category = BOARDS.some((b) => b.value === board) ? board : 'hours';
  const [list, rank] = await Promise.all([
    api.request<Page<LeaderRow>>({ path: `/api/users/leaderboard/?category=${category}&page_size=50` }),
    token
      ? api.request<{ rank: number | null; total_ranked: number }>({
          path: `/api/users/rank/?category=${category}`,
          token,
        })
      : null,
  ]);
  return { category, rows: expectOk(list).results, me: rank && rank.status === 200 ? rank.data : null };
}

export interface MonthlyImpact {
  id: number;
  month: string;
  events_count: number;
  trees_planted: number;
  trash_collected_kg: number | string;
  recyclable_material_kg: number | string;
  co2_offset_kg: number | string;
  waste_diverted_kg: number | string;
  area_cleaned_m2: number | string;
  total_participants: number;
  total_hours: number | string;
}

export async function impactView(api: ApiClient) {
  return expectOk(await api.request<Page<MonthlyImpact>>({ path: '/api/reports/monthly/?page_size=24' }))
    .results;
}

export async function myEventsView(api: ApiClient, token: string) {
  const d = expectOk(
    await api.request<{ organized: EventListItem[]; participating: EventListItem[] }>({
      path: '/api/events/my_events/',
      token,
    }),
  );
  const now = Date.now();
  const split = (l: EventListItem[]) => ({
    upcoming: l
      .filter((e) => Date.parse(e.end_date) >= now)
      .sort((a, b) => Date.parse(a.start_date) - Date.parse(b.start_date)),
    past: l
      .filter((e) => Date.parse(e.end_date) < now)
      .sort((a, b) => Date.parse(b.start_date) - Date.parse(a.start_date)),
  });
  return { organized: split(d.organized ?? []), participating: split(d.participating ?? []) };
}

// The home page: upcoming events, events near a position (or the fallback city), impact numbers.
import type { ApiClient } from '../../data-access/api-client.js';
import { expectOk } from '../page-error.js';
import type { EventListItem, Page } from './event.types.js';

export interface ImpactNumbers {
  events: number;
  volunteers: number;
  hours: number;
}

interface MonthlyRow {
  total_participants: number;
  total_hours: string | number;
}

export async function homeView(api: ApiClient, token: string | undefined) {
  const [upcoming, completed, ranked, monthly] = await Promise.all([
    api.request<Page<EventListItem>>({ path: '/api/events/?ordering=start_date&page_size=6', token }),
    api.request<Page<EventListItem>>({ path: '/api/events/?status=completed&page_size=1' }),
    api.request<Page<unknown>>({ path: '/api/users/leaderboard/?page_size=1' }),
    api.request<Page<MonthlyRow>>({ path: '/api/reports/monthly/?page_size=100' }),
  ]);
  const up = expectOk(upcoming);
  const impact: ImpactNumbers = {
    events: up.count + (completed.status === 200 ? completed.data.count : 0),
    volunteers: ranked.status === 200 ? ranked.data.count : 0,
    hours:
      monthly.status === 200 ? monthly.data.results.reduce((s, r) => s + Number(r.total_hours || 0), 0) : 0,
  };
  return { upcoming: up.results, impact };
}

export interface NearbyQuery {
  lat: number;
  lng: number;
  radiusKm: number;
}

export function parseNearby(sp: URLSearchParams): NearbyQuery | undefined {
  const lat = Number(sp.get('lat'));
  const lng = Number(sp.get('lng'));
  if (!sp.get('lat') || !sp.get('lng') || !Number.isFinite(lat) || !Number.isFinite(lng)) return undefined;
  if (Math.abs(lat) > 90 || Math.abs(lng) > 180) return undefined;
  const r = Number(sp.get('raio') ?? 25);
  return { lat, lng, radiusKm: Number.isFinite(r) && r > 0 && r <= 200 ? r : 25 };
}

/** Events near a position, nearest first; without a position, upcoming events in the fallback city. */
export async function nearbyView(api: ApiClient, q: NearbyQuery | undefined, fallbackCity: string) {
  if (q) {
    const sp = new URLSearchParams({
      latitude: q.lat.toFixed(6),
      longitude: q.lng.toFixed(6),
      radius: String(q.radiusKm),
      limit: '12',
    });
    const r = await api.request<EventListItem[] | Page<EventListItem>>({ path: `/api/events/nearby/?${sp}` });
    const d = expectOk(r);
    return {
      mode: 'position' as const,
      radiusKm: q.radiusKm,
      events: (Array.isArray(d) ? d : d.results).slice(0, 12),
    };
  }
  const sp = new URLSearchParams({ city: fallbackCity, ordering: 'start_date', page_size: '6' });
  const d = expectOk(await api.request<Page<EventListItem>>({ path: `/api/events/?${sp}` }));
  return { mode: 'city' as const, city: fallbackCity, events: d.results };
}

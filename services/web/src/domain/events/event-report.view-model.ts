// The organiser's post-event page: the event, its report (if written), statistics and photos.
import type { ApiClient } from '../../data-access/api-client.js';
import { expectOk, PageError } from '../page-error.js';
import { organizerId } from './event-detail.view-model.js';
import type { EventDetail, EventReport } from './event.types.js';

export interface EventStats {
  total_participants: number;
  confirmed_participants: number;
  pending_participants: number;
  checked_in_participants: number;
  photos_count: number;
}

export async function eventReportView(api: ApiClient, token: string, userId: number, id: number) {
  const [ev, rep, st] = await Promise.all([
    api.request<EventDetail>({ path: `/api/events/${id}/`, token }),
    api.request<EventReport>({ path: `/api/events/${id}/report/`, token }),
    api.request<EventStats>({ path: `/api/events/${id}/stats/`, token }),
  ]);
  const event = expectOk(ev);
  if (!(event.is_organizer === true || organizerId(event) === userId)) throw new PageError('FORBIDDEN');
  return { event, report: rep.status === 200 ? rep.data : null, stats: st.status === 200 ? st.data : null };
}

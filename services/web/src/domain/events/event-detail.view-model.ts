// The event page: the API's detail, what the viewer may do (join/leave/check in, or manage as organiser),
// and, for the organiser, the report and statistics.
import type { ApiClient } from '../../data-access/api-client.js';
import { expectOk } from '../page-error.js';
import type { EventDetail, EventReport, Participant } from './event.types.js';

export function participantUserId(p: Participant): number | undefined {
  return typeof p.user === 'object' && p.user ? p.user.id : typeof p.user === 'number' ? p.user : undefined;
}

export function participantName(p: Participant): string {
  if (typeof p.user === 'object' && p.user) {
    const full = [p.user.first_name, p.user.last_name].filter(Boolean).join(' ');
    return full || p.user.username || p.user_name || 'Voluntário';
  }
  return p.user_name ?? p.username ?? 'Voluntário';
}

export function organizerId(e: EventDetail): number | undefined {
  if (typeof e.organizer_id === 'number') return e.organizer_id;
  if (typeof e.organizer === 'object' && e.organizer) return e.organizer.id;
  return typeof e.organizer === 'number' ? e.organizer : undefined;
}

export interface Viewer {
  userId: number;
}

export interface EventDetailView {
  event: EventDetail;
  isOrganizer: boolean;
  /** The owner (edits and cancels the event); isOrganizer also covers co-organisers. */
  isOwner: boolean;
  /** The viewer's participation status, or null (absent field = not participating). */
  myStatus: Participant['status'] | null;
  myCheckedIn: boolean;
  /** The API takes check-ins from 1 h before the start until the end. */
  checkInOpen: boolean;
  report: EventReport | null;
}

export async function eventDetailView(
  api: ApiClient,
  token: string | undefined,
  id: number,
  viewer: Viewer | undefined,
): Promise<EventDetailView> {
  const event = expectOk(await api.request<EventDetail>({ path: `/api/events/${id}/`, token }));
  event.participants ??= [];
  event.comments ??= [];
  event.photos ??= [];
  event.resources ??= [];
  const isOwner =
    event.is_organizer === true || (viewer !== undefined && organizerId(event) === viewer.userId);
  // Co-organisers manage participants, check-in and the report like the owner (not the event itself).
  const isOrganizer = isOwner || event.user_is_coorganizer === true;
  const mine = viewer ? event.participants.find((p) => participantUserId(p) === viewer.userId) : undefined;
  let myStatus: Participant['status'] | null = mine?.status ?? null;
  if (!mine && event.user_participating === true)
    myStatus = (event.user_participation_status as Participant['status']) ?? 'confirmed';
  if (!mine && event.user_participation_status === 'waitlisted') myStatus = 'waitlisted';
  if (!mine && viewer && token && event.user_participating === undefined && !isOrganizer) {
    // An API without `user_participating` lists only confirmed participants to others: a pending
    // registration shows in my_events (confirmed + pending) only.
    const my = await api.request<{ participating?: Array<{ id: number }> }>({
      path: '/api/events/my_events/',
      token,
    });
    if (my.status === 200 && my.data.participating?.some((x) => x.id === id)) myStatus = 'pending';
  }
  if (myStatus === 'cancelled' || myStatus === 'rejected')
    myStatus = myStatus === 'rejected' ? 'rejected' : null;
  let report: EventReport | null = null;
  if (isOrganizer || event.status === 'completed') {
    const r = await api.request<EventReport>({ path: `/api/events/${id}/report/`, token });
    report = r.status === 200 ? r.data : null;
  }
  const now = Date.now();
  const checkInOpen = now >= Date.parse(event.start_date) - 3_600_000 && now <= Date.parse(event.end_date);
  return {
    event,
    isOrganizer,
    isOwner,
    myStatus,
    myCheckedIn: mine?.checked_in === true,
    checkInOpen,
    report,
  };
}

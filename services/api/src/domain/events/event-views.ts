// The contract's shapes (DOMAIN.md) built from records: JSON-safe, so they can be cached as they are.
import type { EventRecord } from '../../data-access/events/event.repository.js';
import type {
  ParticipantRecord,
  ParticipantStatus,
} from '../../data-access/events/participant.repository.js';
import type {
  CommentRecord,
  PhotoRecord,
  ResourceRecord,
} from '../../data-access/events/event-content.repository.js';
import type { ReportRecord } from '../../data-access/events/event-report.repository.js';
import type { ReportStatisticsRecord } from '../../data-access/events/report-statistics.repository.js';
import { availableSpots, isActive, isRegistrationOpen } from './event-rules.js';
import { spIso } from '../shared/sao-paulo-time.js';
import type { CoorganizerRecord } from '../../data-access/events/coorganizer.repository.js';

const iso = (d: Date | null): string | null => spIso(d);

export type EventListItem = ReturnType<typeof eventListItem>;

export function eventListItem(e: EventRecord, now = new Date()) {
  return {
    id: e.id,
    title: e.title,
    description: e.description,
    category: e.category,
    // The original client recognises the organiser by comparing `organizer` with its user's username (ADR 0006).
    organizer: e.organizer_username,
    organizer_id: e.organizer_id,
    organizer_name: e.organizer_name,
    address: e.address,
    latitude: e.latitude,
    longitude: e.longitude,
    city: e.city,
    state: e.state,
    start_date: iso(e.start_date),
    end_date: iso(e.end_date),
    max_participants: e.max_participants,
    participants_count: e.participants_count,
    available_spots: availableSpots(e),
    status: e.status,
    is_active: isActive(e, now),
    is_registration_open: isRegistrationOpen(e, now),
    cover_image_url: e.cover_image,
    created_at: iso(e.created_at),
    ...(e.distance_km !== undefined ? { distance_km: Math.round(e.distance_km * 1000) / 1000 } : {}),
  };
}

/** The caller's relation to an event (issue #11); anonymous callers get false / null. */
export interface ViewerRelation {
  is_organizer: boolean;
  /** Registered and not cancelled/rejected: the client's Join button turns into "Inscrito". */
  user_participating: boolean;
  user_participation_status: ParticipantStatus | null;
}

export function viewerRelation(
  viewerId: number | undefined,
  organizerId: number,
  status: ParticipantStatus | null | undefined,
): ViewerRelation {
  return {
    is_organizer: viewerId !== undefined && viewerId === organizerId,
    user_participating: status === 'pending' || status === 'confirmed',
    user_participation_status: viewerId === undefined ? null : (status ?? null),
  };
}

/**
 * A participant as `viewer` may see it: emergency contact, phone, special needs and `age_verified` only
 * for the event's organiser and the participant themself.
 */
export function participantView(p: ParticipantRecord, showPrivate: boolean) {
  return {
    id: p.id,
    event: p.event_id,
    user: { id: p.user_id, username: p.username, first_name: p.first_name, last_name: p.last_name },
    user_name: p.username,
    status: p.status,
    ...(showPrivate
      ? {
          emergency_contact: p.emergency_contact,
          emergency_phone: p.emergency_phone,
          special_needs: p.special_needs,
          // Whether the age limits were checked against a birth date (ADR 0006): the organiser's concern.
          age_verified: p.age_verified,
        }
      : {}),
    experience_level: p.experience_level,
    checked_in: p.checked_in,
    check_in_time: iso(p.check_in_time),
    check_out_time: iso(p.check_out_time),
    hours_volunteered: p.hours_volunteered,
    hours_corrected: p.hours_corrected,
    waitlist_position: p.waitlist_position,
    registered_at: iso(p.registered_at),
    updated_at: iso(p.updated_at),
  };
}

export function resourceView(r: ResourceRecord) {
  return {
    id: r.id,
    event: r.event_id,
    name: r.name,
    description: r.description,
    resource_type: r.resource_type,
    quantity_needed: r.quantity_needed,
    quantity_provided: r.quantity_provided,
    unit: r.unit,
    is_fully_provided: r.quantity_provided >= r.quantity_needed,
  };
}

/** Turns a stored media path (or an absolute URL) into the URL the client fetches. */
export type MediaUrl = (path: string | null) => string | null;

export function photoView(p: PhotoRecord, mediaUrl: MediaUrl) {
  return {
    id: p.id,
    event: p.event_id,
    user: p.user_id,
    user_name: p.username,
    photo: mediaUrl(p.photo),
    caption: p.caption,
    is_before: p.is_before,
    is_after: p.is_after,
    created_at: iso(p.created_at),
  };
}

export interface CommentView {
  id: number;
  event: number;
  user: number;
  user_name: string;
  content: string;
  parent: number | null;
  replies: CommentView[];
  created_at: string | null;
  updated_at: string | null;
}

export function commentView(c: CommentRecord): CommentView {
  return {
    id: c.id,
    event: c.event_id,
    user: c.user_id,
    user_name: c.username,
    content: c.content,
    parent: c.parent_id,
    replies: [],
    created_at: iso(c.created_at),
    updated_at: iso(c.updated_at),
  };
}

/** Top-level comments, each with its replies nested (any depth), oldest first. */
export function commentThreads(comments: CommentRecord[]): CommentView[] {
  const byId = new Map<number, CommentView>();
  for (const c of comments) byId.set(c.id, commentView(c));
  const roots: CommentView[] = [];
  for (const c of comments) {
    const v = byId.get(c.id)!;
    const parent = c.parent_id !== null ? byId.get(c.parent_id) : undefined;
    if (parent) parent.replies.push(v);
    else roots.push(v);
  }
  return roots;
}

export function reportView(r: ReportRecord, names: { event_title: string; created_by_name: string | null }) {
  return {
    id: r.id,
    event: r.event_id,
    event_title: names.event_title,
    created_by: r.created_by,
    created_by_name: names.created_by_name,
    total_participants: r.total_participants,
    total_hours: r.total_hours,
    trash_collected_kg: r.trash_collected_kg,
    trees_planted: r.trees_planted,
    area_cleaned_m2: r.area_cleaned_m2,
    recyclable_material_kg: r.recyclable_material_kg,
    summary: r.summary,
    challenges: r.challenges,
    achievements: r.achievements,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

/** The worker's computed figures of a report (null in the report view until the worker has run). */
export function reportStatisticsView(s: ReportStatisticsRecord) {
  return {
    co2_offset_kg: s.co2_offset_kg,
    waste_diverted_kg: s.waste_diverted_kg,
    area_cleaned_m2: s.area_cleaned_m2,
    computed_at: iso(s.computed_at),
  };
}

export function coorganizerView(r: CoorganizerRecord) {
  return {
    user: { id: r.user_id, username: r.username, first_name: r.first_name, last_name: r.last_name },
    added_at: iso(r.added_at),
  };
}

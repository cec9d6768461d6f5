// Reading events: the filtered list, detail, nearby, my events, stats and categories.
import { createHash } from 'node:crypto';
import type {
  Category,
  EventListFilter,
  EventOrdering,
  EventRecord,
  GeoFilter,
} from '../../data-access/events/event.repository.js';
import { NotFoundError, ValidationError } from '../shared/app-errors.js';
import { CATEGORIES_CACHE, LIST_CACHE, type Actor, type EventsContext } from './events-context.js';
import { availableSpots } from './event-rules.js';
import { maskPrivateName } from './participant-privacy.js';
import {
  commentThreads,
  eventListItem,
  participantView,
  photoView,
  resourceView,
  viewerRelation,
  type EventListItem,
  type MediaUrl,
  type ViewerRelation,
} from './event-views.js';

/** A list item with the caller's relation to the event (user_participating, …). */
export type EventListItemForViewer = EventListItem & ViewerRelation;
import { spIso } from '../shared/sao-paulo-time.js';

export type ListQuery = Omit<EventListFilter, 'viewerId' | 'organizerId' | 'participantId'> & {
  ordering: EventOrdering;
  limit: number;
  offset: number;
};

/** How many of each sub-list the event detail carries (the rest: `links`, counts: `counts`). */
export const DETAIL_FIRST = { resources: 50, photos: 20, commentThreads: 20, participants: 50 } as const;

/** Most events a nearby answer carries (nearest first). */
export const NEARBY_LIMIT = 100;
/** Events a nearby answer carries when the caller names no limit. */
export const NEARBY_DEFAULT = 20;
const LIST_TTL_S = 5;
const CATEGORIES_TTL_S = 300;

export class BrowseEvents {
  constructor(private readonly ctx: EventsContext) {}

  async categories(): Promise<Category[]> {
    return this.ctx.deps.cache.getOrLoad(
      CATEGORIES_CACHE,
      () => this.ctx.events.listCategories(this.ctx.reader(undefined)),
      CATEGORIES_TTL_S,
    );
  }

  /**
   * Published events unless another status is asked for. The count of what anonymous visitors see is
   * cached per filter (shared by every page and every viewer: a full count of a big table is the costly
   * part); a logged-in viewer adds the few private events only they see. Anonymous pages are cached too.
   */
  async list(
    actor: Actor | undefined,
    q: ListQuery,
  ): Promise<{ count: number; items: EventListItemForViewer[] }> {
    const { ordering, limit, offset, ...rest } = q;
    const shared: EventListFilter = { ...rest, status: rest.status ?? 'published' };
    const filter: EventListFilter = { ...shared, viewerId: actor?.id };
    const conn = this.ctx.reader(actor);
    const cache = this.ctx.deps.cache;
    const key = createHash('sha1').update(JSON.stringify(shared)).digest('base64url');
    const sharedCount = cache.getOrLoad(
      `${LIST_CACHE}:count:${key}`,
      () => this.ctx.events.count(conn, shared),
      LIST_TTL_S,
    );
    const loadPage = async () =>
      (await this.ctx.events.list(conn, filter, ordering, limit, offset)).map((e) => eventListItem(e));
    if (actor) {
      const [n, extra, items] = await Promise.all([
        sharedCount,
        this.ctx.events.count(conn, filter, true),
        loadPage(),
      ]);
      return { count: n + extra, items: await this.forViewer(actor, items) };
    }
    const [count, items] = await Promise.all([
      sharedCount,
      cache.getOrLoad(`${LIST_CACHE}:page:${key}:${ordering}:${limit}:${offset}`, loadPage, LIST_TTL_S),
    ]);
    return { count, items: await this.forViewer(undefined, items) };
  }

  async nearby(
    actor: Actor | undefined,
    geo: GeoFilter,
    limit = NEARBY_DEFAULT,
  ): Promise<EventListItemForViewer[]> {
    const n = Math.min(Math.max(1, limit), NEARBY_LIMIT);
    const rows = await this.ctx.events.nearby(this.ctx.reader(actor), actor?.id, geo, n);
    return this.forViewer(
      actor,
      rows.map((e) => eventListItem(e)),
    );
  }

  /** Adds the caller's relation to each item: one query for the whole page, none for anonymous callers. */
  private async forViewer(
    actor: Actor | undefined,
    items: EventListItem[],
  ): Promise<EventListItemForViewer[]> {
    const statuses = actor
      ? await this.ctx.participants.statusesOfUser(
          this.ctx.reader(actor),
          actor.id,
          items.map((i) => i.id),
        )
      : new Map<number, never>();
    return items.map((i) => ({ ...i, ...viewerRelation(actor?.id, i.organizer_id, statuses.get(i.id)) }));
  }

  async myEvents(
    actor: Actor,
  ): Promise<{ organized: EventListItemForViewer[]; participating: EventListItemForViewer[] }> {
    const conn = this.ctx.reader(actor);
    const [organized, participating] = await Promise.all([
      this.ctx.events.list(conn, { viewerId: actor.id, organizerId: actor.id }, '-created_at', 1000, 0),
      this.ctx.events.list(conn, { viewerId: actor.id, participantId: actor.id }, 'start_date', 1000, 0),
    ]);
    const [o, p] = await Promise.all([
      this.forViewer(
        actor,
        organized.map((e) => eventListItem(e)),
      ),
      this.forViewer(
        actor,
        participating.map((e) => eventListItem(e)),
      ),
    ]);
    return { organized: o, participating: p };
  }

  /** The event if `actor` may see it, else 404 (a draft or private event is not revealed). */
  async visibleEvent(actor: Actor | undefined, id: number): Promise<EventRecord> {
    const e = await this.ctx.events.findVisible(this.ctx.reader(actor), id, actor?.id);
    if (!e) throw new NotFoundError('Evento não encontrado.');
    return e;
  }

  /**
   * The event with the first page of each sub-list (DETAIL_FIRST), how many there are in all (`counts`) and where
   * the whole lists are (`links`, the sub-resources): one query for the event and the counts, then one per list
   * that is not empty — the cost no longer grows with the comments, photos and participants.
   */
  async detail(actor: Actor | undefined, id: number, mediaUrl: MediaUrl) {
    const conn = this.ctx.reader(actor);
    const head = await this.ctx.events.findVisibleDetail(conn, id, actor?.id);
    if (!head) throw new NotFoundError('Evento não encontrado.');
    const { event: e, counts: n } = head;
    const isOrganizer = actor?.id === e.organizer_id;
    const isCoorganizer =
      !isOrganizer && actor ? await this.ctx.coorganizers.isCoorganizer(conn, id, actor.id) : false;
    // Others see who is coming; the organisers (owner and co-organisers) also see pending/cancelled/rejected.
    const manages = isOrganizer || isCoorganizer;
    const participantsCount = manages ? n.participantsAll : n.participantsConfirmed;
    const none = Promise.resolve([]);
    const [resources, photos, comments, participants, own] = await Promise.all([
      n.resources ? this.ctx.content.listResources(conn, id, DETAIL_FIRST.resources) : none,
      n.photos ? this.ctx.content.listPhotos(conn, id, DETAIL_FIRST.photos) : none,
      n.comments ? this.ctx.content.listComments(conn, id, DETAIL_FIRST.commentThreads) : none,
      participantsCount
        ? this.ctx.participants.listForEvent(
            conn,
            id,
            manages ? undefined : ['confirmed'],
            DETAIL_FIRST.participants,
          )
        : none,
      actor ? this.ctx.participants.findByUser(conn, id, actor.id) : null,
    ]);
    const avatar = head.organizerAvatar;
    const base = `/api/events/${id}`;
    return {
      ...eventListItem(e),
      ...viewerRelation(actor?.id, e.organizer_id, own?.status),
      organizer_avatar: mediaUrl(avatar),
      registration_deadline: spIso(e.registration_deadline),
      min_age: e.min_age,
      max_age: e.max_age,
      is_public: e.is_public,
      requires_approval: e.requires_approval,
      required_tools: e.required_tools,
      provided_tools: e.provided_tools,
      what_to_bring: e.what_to_bring,
      resources: resources.map(resourceView),
      photos: photos.map((p) => photoView(p, mediaUrl)),
      comments: commentThreads(comments),
      participants: participants.map((p) =>
        participantView(maskPrivateName(p, actor?.id, e.organizer_id), manages || p.user_id === actor?.id),
      ),
      user_waitlist_position: own?.status === 'waitlisted' ? own.waitlist_position : null,
      user_is_coorganizer: isCoorganizer,
      counts: {
        resources: n.resources,
        photos: n.photos,
        comments: n.comments,
        participants: participantsCount,
      },
      links: {
        resources: `${base}/resources/`,
        photos: `${base}/photos/`,
        comments: `${base}/comments/`,
        participants: `${base}/participants/`,
      },
      updated_at: spIso(e.updated_at),
    };
  }

  async stats(actor: Actor | undefined, id: number) {
    const e = await this.visibleEvent(actor, id);
    const counts = await this.ctx.participants.counts(this.ctx.reader(actor), id);
    return {
      total_participants: counts.total_participants,
      confirmed_participants: counts.confirmed_participants,
      pending_participants: counts.pending_participants,
      checked_in_participants: counts.checked_in_participants,
      available_spots: availableSpots({ ...e, participants_count: counts.confirmed_participants }),
      photos_count: counts.photos_count,
      comments_count: counts.comments_count,
      resources_count: counts.resources_count,
      fully_provided_resources: counts.fully_provided_resources,
    };
  }
}

/** Geographic query parameters shared by the list and nearby: all three numbers, within range. */
export function assertGeo(g: Partial<GeoFilter>): GeoFilter {
  const errors: Record<string, string[]> = {};
  if (g.latitude === undefined) errors.latitude = ['Informe a latitude.'];
  if (g.longitude === undefined) errors.longitude = ['Informe a longitude.'];
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { latitude: g.latitude!, longitude: g.longitude!, radiusKm: g.radiusKm ?? 10 };
}

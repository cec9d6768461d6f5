// Events and categories: list/detail/nearby queries (with the indexed geographic filter) and writes.
import { Params, mutate, select, selectOne, selectPrepared, type Conn } from './events-db.js';

export type EventStatus = 'draft' | 'published' | 'cancelled' | 'completed';

export interface Category {
  id: number;
  name: string;
  description: string;
  icon: string;
  color: string;
}

/** The writable columns of an event. */
export interface EventFields {
  title: string;
  description: string;
  category_id: number;
  address: string;
  latitude: number | null;
  longitude: number | null;
  city: string;
  state: string;
  start_date: Date;
  end_date: Date;
  registration_deadline: Date | null;
  max_participants: number;
  min_age: number;
  max_age: number | null;
  status: EventStatus;
  is_public: boolean;
  requires_approval: boolean;
  required_tools: string;
  provided_tools: string;
  what_to_bring: string;
  cover_image: string | null;
}

/** An event as stored, with its category and organiser name joined in. */
export type EventRecord = Omit<EventFields, 'category_id' | 'latitude' | 'longitude'> & {
  id: number;
  category: Category;
  organizer_id: number;
  organizer_username: string;
  organizer_name: string;
  /** numeric(9,6) as text, exactly as stored (no float rounding). */
  latitude: string | null;
  longitude: string | null;
  participants_count: number;
  created_at: Date;
  updated_at: Date;
  /** Only on geographic queries. */
  distance_km?: number;
};

/** The bare row, as locked by `lockById` (no joins: FOR UPDATE locks only the events row). */
export type EventRow = EventFields & {
  id: number;
  organizer_id: number;
  participants_count: number;
  created_at: Date;
  updated_at: Date;
};

export type EventOrdering =
  'start_date' | '-start_date' | 'created_at' | '-created_at' | 'participants_count' | '-participants_count';

export interface GeoFilter {
  latitude: number;
  longitude: number;
  radiusKm: number;
}

export interface EventListFilter {
  /** The caller; undefined = anonymous. Drafts are only the organiser's, private events only organiser's and participants'. */
  viewerId?: number;
  status?: EventStatus;
  categoryId?: number;
  city?: string;
  state?: string;
  isPublic?: boolean;
  startFrom?: Date;
  startUntil?: Date;
  search?: string;
  geo?: GeoFilter;
  organizerId?: number;
  /** Events the user takes part in (pending or confirmed). */
  participantId?: number;
}

const EVENT_COLUMNS: ReadonlySet<string> = new Set<keyof EventFields>([
  'title',
  'description',
  'category_id',
  'address',
  'latitude',
  'longitude',
  'city',
  'state',
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
]);

/** Column names are spliced into SQL: only known ones pass, whatever object the caller built. */
function columnsOf(f: Partial<EventFields>): Array<keyof EventFields> {
  return (Object.keys(f) as Array<keyof EventFields>).filter(
    (k) => EVENT_COLUMNS.has(k) && f[k] !== undefined,
  );
}

const ORDER_SQL: Record<EventOrdering, string> = {
  start_date: 'e.start_date ASC, e.id ASC',
  '-start_date': 'e.start_date DESC, e.id DESC',
  created_at: 'e.created_at ASC, e.id ASC',
  '-created_at': 'e.created_at DESC, e.id DESC',
  participants_count: 'e.participants_count ASC, e.id ASC',
  '-participants_count': 'e.participants_count DESC, e.id DESC',
};

// The expression of the GiST index events_earth_idx: queries must spell it exactly so the planner uses it.
const EVENT_EARTH = 'll_to_earth(e.latitude::float8, e.longitude::float8)';

const SELECT_EVENT = `
SELECT e.id, e.title, e.description,
       c.id AS c_id, c.name AS c_name, c.description AS c_description, c.icon AS c_icon, c.color AS c_color,
       e.organizer_id, u.username AS organizer_username,
       coalesce(nullif(btrim(concat_ws(' ', u.first_name, u.last_name)), ''), u.username) AS organizer_name,
       e.address, e.latitude, e.longitude, e.city, e.state, e.start_date, e.end_date, e.registration_deadline,
       e.max_participants, e.participants_count, e.min_age, e.max_age, e.status, e.is_public, e.requires_approval,
       e.required_tools, e.provided_tools, e.what_to_bring, e.cover_image, e.created_at, e.updated_at`;
const FROM_EVENT = `
FROM events e
JOIN event_categories c ON c.id = e.category_id
JOIN users u ON u.id = e.organizer_id`;

interface DetailExtras {
  organizer_avatar: string | null;
  n_resources: number;
  n_photos: number;
  n_comments: number;
  n_participants_all: number;
  n_participants_confirmed: number;
}

export interface EventDetailHead {
  event: EventRecord;
  organizerAvatar: string | null;
  counts: {
    resources: number;
    photos: number;
    comments: number;
    participantsAll: number;
    participantsConfirmed: number;
  };
}

type JoinedRow = Omit<EventRecord, 'category'> & {
  c_id: number;
  c_name: string;
  c_description: string;
  c_icon: string;
  c_color: string;
};

function toRecord(r: JoinedRow): EventRecord {
  const { c_id, c_name, c_description, c_icon, c_color, ...rest } = r;
  const rec: EventRecord = {
    ...rest,
    category: { id: c_id, name: c_name, description: c_description, icon: c_icon, color: c_color },
  };
  if (rec.distance_km !== undefined && rec.distance_km !== null) rec.distance_km = Number(rec.distance_km);
  return rec;
}

const PUBLICLY_VISIBLE = `(e.status <> 'draft' AND e.is_public)`;

/**
 * What a viewer may see: published-or-later public events, plus their own events (drafts included) and
 * private events they take part in. `onlyPrivate` keeps just the part anonymous visitors cannot see.
 */
function visibility(p: Params, viewerId: number | undefined, onlyPrivate = false): string {
  if (viewerId === undefined) return PUBLICLY_VISIBLE;
  const v = p.add(viewerId);
  // Issue #16: co-organisers see the event as the owner does; waitlisted volunteers as participants do.
  const own = `(e.organizer_id = ${v} OR EXISTS (SELECT 1 FROM event_coorganizers co WHERE co.event_id = e.id AND co.user_id = ${v})
    OR (e.status <> 'draft' AND EXISTS (
    SELECT 1 FROM event_participants vp WHERE vp.event_id = e.id AND vp.user_id = ${v} AND vp.status IN ('pending','confirmed','waitlisted'))))`;
  return onlyPrivate ? `(${own} AND NOT ${PUBLICLY_VISIBLE})` : `(${PUBLICLY_VISIBLE} OR ${own})`;
}

/** Diameter of earthdistance's sphere (earth() = 6 378 168 m), so both measures agree. */
const EARTH_DIAMETER_M = 12_756_336;

/**
 * Great-circle distance in metres from the point (`lat`, `lng` are placeholders) to the event: haversine with
 * built-in functions only. earth_distance(ll_to_earth(…)) is the same number, but through SQL-language
 * functions that Postgres runs per row (about 25 µs a row: half the nearby query's time).
 */
function metresFrom(lat: string, lng: string): string {
  const hav =
    `power(sin(radians(e.latitude::float8 - ${lat}::float8) / 2), 2) + ` +
    `cos(radians(${lat}::float8)) * cos(radians(e.latitude::float8)) * power(sin(radians(e.longitude::float8 - ${lng}::float8) / 2), 2)`;
  return `(${EARTH_DIAMETER_M} * asin(least(1.0, sqrt(${hav}))))`;
}

/** The query point as bound parameters: its earth cube (for the GiST index) and the distance to the event. */
function geoOrigin(p: Params, g: GeoFilter): { origin: string; metres: string } {
  const lat = p.add(g.latitude);
  const lng = p.add(g.longitude);
  return { origin: `ll_to_earth(${lat}::float8, ${lng}::float8)`, metres: metresFrom(lat, lng) };
}

function geoTerms(p: Params, g: GeoFilter): { where: string; distanceKm: string; knn: string } {
  const { origin, metres } = geoOrigin(p, g);
  const radiusM = p.add(g.radiusKm * 1000);
  return {
    // earth_box is a bounding cube (index-assisted, slightly too wide); the great-circle distance is the exact cut.
    where: `e.latitude IS NOT NULL AND earth_box(${origin}, ${radiusM}::float8) @> ${EVENT_EARTH} AND ${metres} <= ${radiusM}::float8`,
    distanceKm: `${metres} / 1000.0`,
    // Chord distance between earth cubes orders like the great-circle distance, and the GiST index answers it (KNN).
    knn: `${EVENT_EARTH} <-> ${origin}`,
  };
}

/** Escapes LIKE wildcards so a search term matches literally. */
function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

function whereClause(
  p: Params,
  f: EventListFilter,
  onlyPrivate = false,
): { where: string; distanceKm?: string; knn?: string } {
  const terms = [visibility(p, f.viewerId, onlyPrivate)];
  if (f.status) terms.push(`e.status = ${p.add(f.status)}`);
  if (f.categoryId !== undefined) terms.push(`e.category_id = ${p.add(f.categoryId)}`);
  if (f.city) terms.push(`lower(e.city) = lower(${p.add(f.city)})`);
  if (f.state) terms.push(`e.state = upper(${p.add(f.state)})`);
  if (f.isPublic !== undefined) terms.push(`e.is_public = ${p.add(f.isPublic)}`);
  if (f.startFrom) terms.push(`e.start_date >= ${p.add(f.startFrom)}`);
  if (f.startUntil) terms.push(`e.start_date <= ${p.add(f.startUntil)}`);
  if (f.organizerId !== undefined) terms.push(`e.organizer_id = ${p.add(f.organizerId)}`);
  if (f.participantId !== undefined) {
    terms.push(
      `EXISTS (SELECT 1 FROM event_participants pp WHERE pp.event_id = e.id AND pp.user_id = ${p.add(f.participantId)} AND pp.status IN ('pending','confirmed'))`,
    );
  }
  if (f.search) {
    const s = p.add(likePattern(f.search));
    terms.push(
      `(e.title ILIKE ${s} OR e.description ILIKE ${s} OR e.address ILIKE ${s} OR e.city ILIKE ${s})`,
    );
  }
  let geo: ReturnType<typeof geoTerms> | undefined;
  if (f.geo) {
    geo = geoTerms(p, f.geo);
    terms.push(geo.where);
  }
  return { where: terms.join('\n  AND '), ...(geo ? { distanceKm: geo.distanceKm, knn: geo.knn } : {}) };
}

export class EventRepository {
  async listCategories(c: Conn): Promise<Category[]> {
    return select<Category>(
      c,
      'SELECT id, name, description, icon, color FROM event_categories ORDER BY name',
    );
  }

  async categoryExists(c: Conn, id: number): Promise<boolean> {
    return (await selectOne(c, 'SELECT 1 AS one FROM event_categories WHERE id = $1', [id])) !== null;
  }

  /**
   * Events matching `f`. With `onlyPrivate`, only those the viewer sees but anonymous visitors do not
   * (their drafts, private events): a count that the organiser/participant indexes answer quickly, so a
   * viewer's total = the shared anonymous count + this.
   */
  async count(c: Conn, f: EventListFilter, onlyPrivate = false): Promise<number> {
    const p = new Params();
    const { where } = whereClause(p, f, onlyPrivate);
    const row = await selectOne<{ n: number }>(
      c,
      `SELECT count(*)::int AS n FROM events e WHERE ${where}`,
      p.values,
    );
    return row?.n ?? 0;
  }

  async list(
    c: Conn,
    f: EventListFilter,
    ordering: EventOrdering,
    limit: number,
    offset: number,
  ): Promise<EventRecord[]> {
    const p = new Params();
    const { where, distanceKm } = whereClause(p, f);
    const sql = `${SELECT_EVENT}${distanceKm ? `, ${distanceKm} AS distance_km` : ''}${FROM_EVENT}
WHERE ${where}
ORDER BY ${ORDER_SQL[ordering]}
LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`;
    return (await select<JoinedRow>(c, sql, p.values)).map(toRecord);
  }

  /** Published events not started yet within the radius, nearest first (GiST KNN). */
  async nearby(c: Conn, viewerId: number | undefined, geo: GeoFilter, limit: number): Promise<EventRecord[]> {
    const sql = this.nearbySql(viewerId, geo, limit);
    return (await selectPrepared<JoinedRow>(c, 'events.nearby', sql.text, sql.values)).map(toRecord);
  }

  /**
   * The nearby query itself (the benchmark prints its EXPLAIN). The inner query walks the GiST index in distance
   * order (KNN) and stops after `limit` visible future events, whatever the table size and the density around the
   * point; the radius then keeps those within it — the nearest `limit` within the radius, since the nearest
   * `limit` overall are the candidates. No sort of more than `limit` rows, no bounding-box bitmap scan. The
   * category and organiser are joined inside (nested loops keep the index order), so events is read once.
   */
  nearbySql(
    viewerId: number | undefined,
    geo: GeoFilter,
    limit: number,
  ): { text: string; values: unknown[] } {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`nearby limit ${limit}`);
    const p = new Params();
    // The status and the limit are literals, not parameters: with them known, the plan Postgres caches for the
    // prepared statement (generic) is estimated as cheap as a fresh one, so it is reused instead of re-planned
    // on every call (planning cost as much as running the query).
    const { where } = whereClause(p, { viewerId });
    const { origin, metres } = geoOrigin(p, geo);
    const radiusKm = p.add(geo.radiusKm);
    const text = `SELECT * FROM (${SELECT_EVENT}, ${metres} / 1000.0 AS distance_km${FROM_EVENT}
      WHERE ${where}
        AND e.status = 'published'
        AND e.latitude IS NOT NULL
        AND e.start_date > now()
      ORDER BY ${EVENT_EARTH} <-> ${origin}
      LIMIT ${limit}) near
WHERE near.distance_km <= ${radiusKm}::float8
ORDER BY near.distance_km, near.id`;
    return { text, values: p.values };
  }

  /** One event if the viewer may see it. */
  async findVisible(c: Conn, id: number, viewerId: number | undefined): Promise<EventRecord | null> {
    const p = new Params();
    const idp = p.add(id);
    const row = await selectOne<JoinedRow>(
      c,
      `${SELECT_EVENT}${FROM_EVENT} WHERE e.id = ${idp} AND ${visibility(p, viewerId)}`,
      p.values,
    );
    return row ? toRecord(row) : null;
  }

  async findById(c: Conn, id: number): Promise<EventRecord | null> {
    const row = await selectOne<JoinedRow>(c, `${SELECT_EVENT}${FROM_EVENT} WHERE e.id = $1`, [id]);
    return row ? toRecord(row) : null;
  }

  /**
   * The event detail's head in one round trip: the event if the viewer may see it, the organiser's avatar and how
   * many resources, photos, comments and participants (all, and confirmed) it has — so the detail only asks for
   * the lists that are not empty, and only their first page.
   */
  async findVisibleDetail(
    c: Conn,
    id: number,
    viewerId: number | undefined,
  ): Promise<EventDetailHead | null> {
    const p = new Params();
    const idp = p.add(id);
    const [row] = await selectPrepared<JoinedRow & DetailExtras>(
      c,
      'events.detail',
      `${SELECT_EVENT}, up.avatar AS organizer_avatar,
       (SELECT count(*)::int FROM event_resources x WHERE x.event_id = e.id) AS n_resources,
       (SELECT count(*)::int FROM event_photos x WHERE x.event_id = e.id) AS n_photos,
       (SELECT count(*)::int FROM event_comments x WHERE x.event_id = e.id) AS n_comments,
       (SELECT count(*)::int FROM event_participants x WHERE x.event_id = e.id) AS n_participants_all,
       (SELECT count(*)::int FROM event_participants x WHERE x.event_id = e.id AND x.status = 'confirmed') AS n_participants_confirmed${FROM_EVENT}
LEFT JOIN user_profiles up ON up.user_id = e.organizer_id
WHERE e.id = ${idp} AND ${visibility(p, viewerId)}`,
      p.values,
    );
    if (!row) return null;
    const {
      organizer_avatar,
      n_resources,
      n_photos,
      n_comments,
      n_participants_all,
      n_participants_confirmed,
      ...rest
    } = row;
    return {
      event: toRecord(rest as JoinedRow),
      organizerAvatar: organizer_avatar,
      counts: {
        resources: n_resources,
        photos: n_photos,
        comments: n_comments,
        participantsAll: n_participants_all,
        participantsConfirmed: n_participants_confirmed,
      },
    };
  }

  /** The organiser's avatar (a path under MEDIA_DIR or a URL) from API-core's profile table. */
  async organizerAvatar(c: Conn, userId: number): Promise<string | null> {
    const row = await selectOne<{ avatar: string | null }>(
      c,
      'SELECT avatar FROM user_profiles WHERE user_id = $1',
      [userId],
    );
    return row?.avatar ?? null;
  }

  /** Locks the event row until the transaction ends: serialises joins, approvals and capacity changes. */
  async lockById(c: Conn, id: number): Promise<EventRow | null> {
    return selectOne<EventRow>(c, 'SELECT * FROM events WHERE id = $1 FOR UPDATE', [id]);
  }

  async insert(c: Conn, organizerId: number, f: EventFields): Promise<number> {
    const cols = columnsOf(f);
    const p = new Params();
    const values = cols.map((k) => p.add(f[k]));
    const rows = await mutate<{ id: number }>(
      c,
      `INSERT INTO events (organizer_id, ${cols.join(', ')}) VALUES (${p.add(organizerId)}, ${values.join(', ')}) RETURNING id`,
      p.values,
    );
    return rows[0]!.id;
  }

  async update(c: Conn, id: number, changes: Partial<EventFields>): Promise<void> {
    const cols = columnsOf(changes);
    const p = new Params();
    const sets = cols.map((k) => `${k} = ${p.add(changes[k])}`);
    sets.push('updated_at = now()');
    await mutate(c, `UPDATE events SET ${sets.join(', ')} WHERE id = ${p.add(id)}`, p.values);
  }

  async delete(c: Conn, id: number): Promise<void> {
    await mutate(c, 'DELETE FROM events WHERE id = $1', [id]);
  }
}

// Builds the sample rows in memory (no database): users with profiles, and batches of events with their
// participants, resources, comments and impact reports. Rows refer to events and comments by their index in
// the batch; the writer (populate.ts) allocates the ids. Every row respects the schema's rules: capacity,
// one participant per (event, user), start < end, deadline < start, check-ins only for confirmed participants
// of past events, reports only on completed events, nothing dated in the future except future events.
import {
  CATEGORY_PROFILES,
  CHALLENGES,
  CITIES,
  COMMENTS_AFTER,
  COMMENTS_BEFORE,
  EMERGENCY_RELATIONS_FEMALE,
  EMERGENCY_RELATIONS_MALE,
  FEMALE_NAMES,
  GENERIC_PROFILE,
  MALE_NAMES,
  MEETING_POINTS,
  ORGANIZER_BIOS,
  ORGANIZER_REPLIES_AFTER,
  ORGANIZER_REPLIES_BEFORE,
  SPECIAL_NEEDS,
  STREETS,
  SURNAMES,
  VOLUNTEER_BIOS,
  type CategoryProfile,
  type PlaceKind,
  type SampleCity,
} from './sample-catalog.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  float(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: small, fast, good enough for sample data, reproducible from a seed. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    float: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

const CITY_WEIGHT_TOTAL = CITIES.reduce((s, c) => s + c.weight, 0);
function pickCityIndex(rng: Rng, allowed?: (c: SampleCity) => boolean): number {
  const candidates = CITIES.map((c, i) => ({ c, i })).filter(({ c }) => !allowed || allowed(c));
  const total = allowed ? candidates.reduce((s, x) => s + x.c.weight, 0) : CITY_WEIGHT_TOTAL;
  let r = rng.next() * total;
  for (const x of candidates) {
    r -= x.c.weight;
    if (r < 0) return x.i;
  }
  return candidates[candidates.length - 1]!.i;
}

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
const round2 = (n: number) => Math.round(n * 100) / 100;

// ---------------------------------------------------------------------------------------------- users

export interface SampleUser {
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  date_joined: Date;
  is_organizer: boolean;
  cityIndex: number;
  profile: {
    phone: string;
    birth_date: string;
    bio: string;
    city: string;
    state: string;
    zip_code: string;
    notification_preferences: Record<string, boolean>;
    is_public_profile: boolean;
    show_participation_history: boolean;
  };
  interests: number[];
}

/**
 * `count` users numbered from `firstNumber` (1-based within the run); about 12 % organisers (at least the
 * first user of the run). `categoryIds` feed the interests.
 */
export function generateUsers(
  rng: Rng,
  o: { tag: string; firstNumber: number; count: number; categoryIds: readonly number[]; now: Date },
): SampleUser[] {
  const out: SampleUser[] = [];
  for (let k = 0; k < o.count; k++) {
    const n = o.firstNumber + k;
    const female = rng.chance(0.55);
    const first = rng.pick(female ? FEMALE_NAMES : MALE_NAMES);
    const last = rng.chance(0.5) ? `${rng.pick(SURNAMES)} ${rng.pick(SURNAMES)}` : rng.pick(SURNAMES);
    const username = `${ascii(first)}.${ascii(last.split(' ').pop()!)}.${o.tag}.${n}`;
    const isOrganizer = n === 1 || rng.chance(0.12);
    const cityIndex = pickCityIndex(rng);
    const city = CITIES[cityIndex]!;
    // Joined 430 to 1,100 days ago: before every sample event was created (events start at most 365 days ago).
    const dateJoined = new Date(o.now.getTime() - rng.float(430, 1100) * DAY);
    const age = rng.int(16, 68);
    const birth = new Date(o.now.getTime() - (age * 365.25 + rng.int(0, 364)) * DAY);
    const interests = new Set<number>();
    if (o.categoryIds.length) for (let i = rng.int(1, 3); i > 0; i--) interests.add(rng.pick(o.categoryIds));
    out.push({
      username,
      email: `${username}@example.com`,
      first_name: first,
      last_name: last,
      date_joined: dateJoined,
      is_organizer: isOrganizer,
      cityIndex,
      profile: {
        phone: `+55${city.ddd}9${String(rng.int(0, 99_999_999)).padStart(8, '0')}`,
        birth_date: birth.toISOString().slice(0, 10),
        bio: rng.pick(isOrganizer ? ORGANIZER_BIOS : VOLUNTEER_BIOS)[female ? 0 : 1],
        city: city.name,
        state: city.state,
        zip_code: cep(rng, city),
        notification_preferences: {
          email: true,
          event_reminders: rng.chance(0.9),
          new_events_nearby: rng.chance(0.6),
        },
        is_public_profile: rng.chance(0.9),
        show_participation_history: rng.chance(0.85),
      },
      interests: [...interests],
    });
  }
  return out;
}

function cep(rng: Rng, city: SampleCity): string {
  const digits = (city.cep + String(rng.int(0, 99_999_999)).padStart(8, '0')).slice(0, 8);
  return `${digits.slice(0, 5)}-${digits.slice(5)}`;
}

// --------------------------------------------------------------------------------------------- events

export interface UserRef {
  id: number;
  cityIndex: number;
  first_name: string;
  last_name: string;
}

export interface CategoryRef {
  id: number;
  name: string;
}

export type EventStatus = 'draft' | 'published' | 'cancelled' | 'completed';

export interface EventRow {
  title: string;
  description: string;
  category_id: number;
  organizer_id: number;
  address: string;
  latitude: number;
  longitude: number;
  city: string;
  state: string;
  start_date: Date;
  end_date: Date;
  registration_deadline: Date;
  max_participants: number;
  min_age: number;
  max_age: number | null;
  status: EventStatus;
  is_public: boolean;
  requires_approval: boolean;
  required_tools: string;
  provided_tools: string;
  what_to_bring: string;
  created_at: Date;
  updated_at: Date;
}

export interface ParticipantRow {
  eventIdx: number;
  user_id: number;
  status: 'pending' | 'confirmed' | 'cancelled' | 'rejected';
  emergency_contact: string;
  emergency_phone: string;
  special_needs: string;
  experience_level: 'beginner' | 'intermediate' | 'advanced';
  checked_in: boolean;
  check_in_time: Date | null;
  registered_at: Date;
  updated_at: Date;
}

export interface ResourceRow {
  eventIdx: number;
  name: string;
  description: string;
  resource_type: 'tool' | 'material' | 'equipment' | 'other';
  quantity_needed: number;
  quantity_provided: number;
  unit: string;
  created_at: Date;
  updated_at: Date;
}

export interface CommentRow {
  eventIdx: number;
  /** Index of the parent in this batch's comment list (parents come first), or null. */
  parentIdx: number | null;
  user_id: number;
  content: string;
  created_at: Date;
  updated_at: Date;
}

export interface ReportRow {
  eventIdx: number;
  created_by: number;
  total_participants: number;
  total_hours: number;
  trash_collected_kg: number;
  trees_planted: number;
  area_cleaned_m2: number;
  recyclable_material_kg: number;
  summary: string;
  challenges: string;
  achievements: string;
  created_at: Date;
  updated_at: Date;
}

export interface EventBatch {
  events: EventRow[];
  participants: ParticipantRow[];
  resources: ResourceRow[];
  comments: CommentRow[];
  reports: ReportRow[];
}

export interface EventPool {
  users: readonly UserRef[];
  organizers: readonly UserRef[];
  usersByCity: ReadonlyMap<number, readonly UserRef[]>;
  categories: readonly CategoryRef[];
}

export function createEventPool(
  users: readonly UserRef[],
  organizerIds: ReadonlySet<number>,
  categories: readonly CategoryRef[],
): EventPool {
  if (!users.length) throw new Error('populate: events need at least one user');
  if (!categories.length) throw new Error('populate: no event categories (run the seed)');
  const byCity = new Map<number, UserRef[]>();
  for (const u of users) {
    const list = byCity.get(u.cityIndex) ?? [];
    list.push(u);
    byCity.set(u.cityIndex, list);
  }
  const organizers = users.filter((u) => organizerIds.has(u.id));
  return { users, organizers: organizers.length ? organizers : [users[0]!], usersByCity: byCity, categories };
}

const FEMININE = new Set([
  'praia',
  'lagoa',
  'represa',
  'orla',
  'baia',
  'curva',
  'mata',
  'quinta',
  'floresta',
  'ilha',
  'estacao',
]);
const ARTICLED = new Set(['beaches', 'rivers', 'parks', 'mangroves']);

/** Fills `{da}/{do}`, `{na}/{no}`, `{o}` and `{p}` with the right Portuguese contraction for the place. */
export function fillPlace(
  template: string,
  place: string,
  kind: PlaceKind,
  numbers: Record<string, string | number> = {},
): string {
  const first = ascii(place.split(' ')[0]!);
  const art = ARTICLED.has(kind) ? (FEMININE.has(first) ? 'a' : 'o') : '';
  return template
    .replace(/\{d[ao]\}/g, art ? `d${art}` : 'de')
    .replace(/\{n[ao]\}/g, art ? `n${art}` : 'em')
    .replace(/\{o\} /g, art ? `${art} ` : '')
    .replace(/\{p\}/g, place)
    .replace(/\{(\w+)\}/g, (m, k: string) => (k in numbers ? String(numbers[k]) : m));
}

function profileOf(category: CategoryRef): CategoryProfile {
  return CATEGORY_PROFILES[category.name] ?? GENERIC_PROFILE;
}

function templatesFor(
  profile: CategoryProfile,
  city: SampleCity,
): Array<{ template: string; kind: PlaceKind }> {
  const out: Array<{ template: string; kind: PlaceKind }> = [];
  for (const t of profile.titles) {
    const bar = t.indexOf('|');
    const kinds = bar > 0 ? [t.slice(0, bar) as PlaceKind] : profile.places;
    const template = bar > 0 ? t.slice(bar + 1) : t;
    for (const kind of kinds) if (city[kind].length) out.push({ template, kind });
  }
  return out;
}

/** Up to `k` distinct users from `primary` (then `fallback`), never `exclude`. */
function sampleUsers(
  rng: Rng,
  primary: readonly UserRef[],
  fallback: readonly UserRef[],
  k: number,
  exclude: number,
): UserRef[] {
  const chosen = new Map<number, UserRef>();
  for (const pool of [primary, fallback]) {
    const need = k - chosen.size;
    if (need <= 0) break;
    if (need * 3 >= pool.length) {
      // Dense: shuffle a copy (partial Fisher–Yates).
      const copy = pool.slice();
      for (let i = 0; i < copy.length && chosen.size < k; i++) {
        const j = i + Math.floor(rng.next() * (copy.length - i));
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
        const u = copy[i]!;
        if (u.id !== exclude && !chosen.has(u.id)) chosen.set(u.id, u);
      }
    } else {
      for (let tries = 0; chosen.size < k && tries < need * 4; tries++) {
        const u = pool[Math.floor(rng.next() * pool.length)]!;
        if (u.id !== exclude && !chosen.has(u.id)) chosen.set(u.id, u);
      }
    }
  }
  return [...chosen.values()];
}

const clampPast = (d: number, now: number) => new Date(Math.min(d, now - 60_000));

/** One batch of `count` events with everything that hangs off them. */
export function generateEvents(rng: Rng, pool: EventPool, count: number, now: Date): EventBatch {
  const batch: EventBatch = { events: [], participants: [], resources: [], comments: [], reports: [] };
  const nowMs = now.getTime();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());

  for (let e = 0; e < count; e++) {
    const organizer = rng.pick(pool.organizers);
    const category = rng.pick(pool.categories);
    const profile = profileOf(category);
    // The organiser's own city most of the time, if it has a place for the category.
    let cityIndex = organizer.cityIndex;
    if (!templatesFor(profile, CITIES[cityIndex]!).length || rng.chance(0.2)) {
      cityIndex = pickCityIndex(rng, (c) => templatesFor(profile, c).length > 0);
    }
    const city = CITIES[cityIndex]!;
    const { template, kind } = rng.pick(templatesFor(profile, city));
    const place = rng.pick(city[kind]);

    // 55 % past (1–365 days ago), 45 % future (1–120 days ahead); start 07:00–09:30 in Brasília time (UTC−3).
    const past = rng.chance(0.55);
    const dayOffset = past ? -rng.int(1, 365) : rng.int(1, 120);
    const start = today + dayOffset * DAY + (10 + rng.int(0, 5) * 0.5) * HOUR;
    const hours = rng.int(profile.hours[0], profile.hours[1]);
    const end = start + hours * HOUR;
    const deadline = start - rng.int(12, 72) * HOUR;
    // Published 7–60 days before a past event; future events were published in the last 45 days (before the deadline).
    const created = past
      ? start - rng.float(7, 60) * DAY
      : Math.min(nowMs - rng.float(0.05, 45) * DAY, deadline - 2 * HOUR);

    let status: EventStatus;
    const r = rng.next();
    if (past) status = r < 0.9 ? 'completed' : 'cancelled';
    else status = r < 0.85 ? 'published' : r < 0.93 ? 'draft' : 'cancelled';

    const capacity = rng.int(profile.capacity[0], profile.capacity[1]);
    const requiresApproval = rng.chance(0.15);
    const minAge =
      category.name === 'Educação Ambiental' ? rng.pick([0, 8, 12]) : rng.pick([16, 16, 16, 14, 18]);
    const maxAge = rng.chance(0.05) ? rng.pick([17, 25, 29]) : null;
    const jitterKm = rng.float(0.3, 8);
    const angle = rng.float(0, 2 * Math.PI);
    const lat = city.lat + (jitterKm * Math.cos(angle)) / 111.32;
    const lng = city.lng + (jitterKm * Math.sin(angle)) / (111.32 * Math.cos((city.lat * Math.PI) / 180));
    const address =
      kind === 'neighbourhoods'
        ? `${rng.pick(STREETS)}, ${rng.int(10, 2500)} - ${place}`
        : `${place}, ${rng.pick(MEETING_POINTS)}`;
    const eventIdx = batch.events.length;
    const updated =
      status === 'completed' || status === 'cancelled'
        ? clampPast(Math.max(created, past ? end + HOUR : created), nowMs)
        : new Date(created);
    batch.events.push({
      title: fillPlace(template, place, kind).slice(0, 200),
      description: `${rng.pick(profile.descriptions)}\n\nPonto de encontro: ${address}. Início às ${brt(start)}, duração de ${hours} horas.`,
      category_id: category.id,
      organizer_id: organizer.id,
      address: address.slice(0, 255),
      latitude: Math.round(lat * 1e6) / 1e6,
      longitude: Math.round(lng * 1e6) / 1e6,
      city: city.name,
      state: city.state,
      start_date: new Date(start),
      end_date: new Date(end),
      registration_deadline: new Date(deadline),
      max_participants: capacity,
      min_age: maxAge !== null && minAge >= maxAge ? 0 : minAge,
      max_age: maxAge,
      status,
      is_public: rng.chance(0.95),
      requires_approval: requiresApproval,
      required_tools: profile.requiredTools,
      provided_tools: profile.providedTools,
      what_to_bring: profile.whatToBring,
      created_at: new Date(created),
      updated_at: updated,
    });

    // Resources: 1–4 of the category's list.
    const resources = sampleDistinct(
      rng,
      profile.resources,
      rng.int(1, Math.min(4, profile.resources.length)),
    );
    for (const res of resources) {
      const needed = rng.int(res.min, res.max);
      const provided = past
        ? rng.chance(0.8)
          ? needed
          : rng.int(0, needed)
        : rng.chance(0.3)
          ? needed
          : rng.int(0, needed);
      batch.resources.push({
        eventIdx,
        name: res.name,
        description: res.description,
        resource_type: res.type,
        quantity_needed: needed,
        quantity_provided: provided,
        unit: res.unit,
        created_at: new Date(created),
        updated_at: new Date(created),
      });
    }

    if (status === 'draft') continue;

    // Participants (at most users − 1: the organiser does not join their own event).
    const local = pool.usersByCity.get(cityIndex) ?? [];
    const participants: Array<{ u: UserRef; status: ParticipantRow['status'] }> = [];
    if (status === 'cancelled') {
      for (const u of sampleUsers(rng, local, pool.users, rng.int(0, Math.min(5, capacity)), organizer.id))
        participants.push({ u, status: 'cancelled' });
    } else {
      const fill = rng.chance(0.1) ? 1 : rng.float(0.15, 0.95);
      const confirmed = Math.max(past ? 1 : 0, Math.floor(capacity * fill));
      const pending = past
        ? 0
        : Math.min(
            capacity - confirmed,
            requiresApproval ? rng.int(0, Math.ceil(capacity * 0.3)) : rng.chance(0.1) ? rng.int(1, 3) : 0,
          );
      const cancelled = rng.chance(0.4) ? rng.int(1, 4) : 0;
      const rejected = requiresApproval && rng.chance(0.3) ? rng.int(1, 2) : 0;
      const chosen = sampleUsers(
        rng,
        rng.chance(0.85) ? local : pool.users,
        pool.users,
        confirmed + pending + cancelled + rejected,
        organizer.id,
      );
      // Capacity first: whoever is chosen is confirmed until the event is full, then pending, then the rest.
      chosen.forEach((u, i) => {
        const s =
          i < confirmed
            ? 'confirmed'
            : i < confirmed + pending
              ? 'pending'
              : i < confirmed + pending + cancelled
                ? 'cancelled'
                : 'rejected';
        participants.push({ u, status: s });
      });
    }
    const registrationEnd = Math.min(deadline, nowMs - 60_000);
    const attended: ParticipantRow[] = [];
    for (const { u, status: ps } of participants) {
      const registered = created + rng.next() * Math.max(60_000, registrationEnd - created);
      const checkedIn = status === 'completed' && ps === 'confirmed';
      const checkIn = checkedIn ? start + rng.int(-20, 45) * 60_000 : null;
      const row: ParticipantRow = {
        eventIdx,
        user_id: u.id,
        status: ps,
        emergency_contact: rng.chance(0.6) ? emergencyContact(rng, u) : '',
        emergency_phone: rng.chance(0.6)
          ? `(${CITIES[u.cityIndex]!.ddd}) 9${rng.int(1000, 9999)}-${rng.int(1000, 9999)}`
          : '',
        special_needs: rng.chance(0.05) ? rng.pick(SPECIAL_NEEDS) : '',
        experience_level: rng.chance(0.55) ? 'beginner' : rng.chance(0.65) ? 'intermediate' : 'advanced',
        checked_in: checkedIn,
        check_in_time: checkIn === null ? null : new Date(checkIn),
        registered_at: new Date(registered),
        updated_at: new Date(
          checkIn ??
            (ps === 'confirmed' || ps === 'pending'
              ? registered
              : Math.min(registered + rng.float(1, 48) * HOUR, registrationEnd + HOUR, nowMs - 60_000)),
        ),
      };
      batch.participants.push(row);
      if (checkedIn) attended.push(row);
    }

    // Comments: questions before the event, thanks after it; the organiser answers some of them.
    const speakers = participants.filter((p) => p.status !== 'rejected').map((p) => p.u);
    const topLevel = rng.chance(0.4) ? 0 : rng.int(1, 4);
    for (let c = 0; c < topLevel; c++) {
      const author = speakers.length && rng.chance(0.8) ? rng.pick(speakers) : rng.pick(pool.users);
      const after = status === 'completed' && rng.chance(0.6);
      const from = after ? end : created;
      const to = after ? Math.min(end + 3 * DAY, nowMs - 120_000) : Math.min(start, nowMs - 120_000);
      const at = from + rng.next() * Math.max(0, to - from);
      const parentIdx = batch.comments.length;
      batch.comments.push({
        eventIdx,
        parentIdx: null,
        user_id: author.id,
        content: rng.pick(after ? COMMENTS_AFTER : COMMENTS_BEFORE),
        created_at: new Date(at),
        updated_at: new Date(at),
      });
      if (author.id !== organizer.id && rng.chance(0.45)) {
        const replyAt = Math.min(at + rng.float(0.2, 20) * HOUR, nowMs - 60_000);
        batch.comments.push({
          eventIdx,
          parentIdx,
          user_id: organizer.id,
          content: `${author.first_name}, ${lowerFirst(rng.pick(after ? ORGANIZER_REPLIES_AFTER : ORGANIZER_REPLIES_BEFORE))}`,
          created_at: new Date(Math.max(replyAt, at)),
          updated_at: new Date(Math.max(replyAt, at)),
        });
      }
    }

    // Impact report: completed events with check-ins, written by the organiser 2 h – 3 days after the end.
    if (status === 'completed' && attended.length && rng.chance(0.85)) {
      const n = attended.length;
      const perHead = (range: [number, number] | undefined) =>
        range ? round2(n * rng.float(range[0], range[1])) : 0;
      const trash = perHead(profile.impact.trashKg);
      const trees = Math.round(perHead(profile.impact.trees));
      const area = perHead(profile.impact.areaM2);
      const recyclable = perHead(profile.impact.recyclableKg);
      const numbers = {
        trash: fmt(trash),
        trees,
        area: fmt(Math.round(area)),
        recyclable: fmt(recyclable),
        participants: n,
      };
      const at = clampPast(end + rng.float(2, 72) * HOUR, nowMs);
      batch.reports.push({
        eventIdx,
        created_by: organizer.id,
        total_participants: n,
        total_hours: round2(n * hours),
        trash_collected_kg: trash,
        trees_planted: trees,
        area_cleaned_m2: area,
        recyclable_material_kg: recyclable,
        summary: fillPlace(rng.pick(profile.summaries), place, kind, numbers),
        challenges: rng.pick(CHALLENGES),
        achievements: rng.pick(profile.achievements),
        created_at: at,
        updated_at: at,
      });
    }
  }
  return batch;
}

function emergencyContact(rng: Rng, u: UserRef): string {
  const female = rng.chance(0.6);
  const name = rng.pick(female ? FEMALE_NAMES : MALE_NAMES);
  return `${name} ${u.last_name.split(' ').pop()} (${rng.pick(female ? EMERGENCY_RELATIONS_FEMALE : EMERGENCY_RELATIONS_MALE)})`;
}

function sampleDistinct<T>(rng: Rng, items: readonly T[], k: number): T[] {
  const copy = items.slice();
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.next() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, k);
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const fmt = (n: number) => n.toLocaleString('pt-BR', { maximumFractionDigits: 2 });
/** "7h30" in Brasília time (UTC−3, no daylight saving since 2019). */
function brt(ms: number): string {
  const d = new Date(ms - 3 * HOUR);
  const m = d.getUTCMinutes();
  return `${d.getUTCHours()}h${m ? String(m).padStart(2, '0') : ''}`;
}

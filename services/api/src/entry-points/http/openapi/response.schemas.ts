// Shapes of the API's answers (zod, output side), registered under component names for the OpenAPI document.
// The integration tests validate real answers against them, so a field added or renamed without its schema fails.
import { z } from 'zod';

/** Response components: name → schema. `openapi-document.ts` turns the registry into `components.schemas`. */
export const responseRegistry = z.registry<{ id: string; description?: string }>();
const named = <S extends z.ZodType>(id: string, schema: S, description?: string): S => {
  responseRegistry.add(schema, description ? { id, description } : { id });
  return schema;
};

/** São Paulo time with its numeric offset: a `Z` (UTC) answer is a drift back to the old contract. */
const dateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}:\d{2}$/)
  .meta({
    format: 'date-time',
    description: 'ISO 8601 in America/Sao_Paulo with its offset, e.g. 2026-12-13T08:00:00-03:00.',
  });
const nullableDateTime = dateTime.nullable();
const id = z.number().int().positive();
/** Decimal columns are served as exact decimal text (as DRF's DecimalField does). */
const decimalText = z.string().regex(/^-?\d+(\.\d+)?$/);
const participantStatus = z.enum(['pending', 'confirmed', 'cancelled', 'rejected', 'waitlisted']);

export const detailError = named(
  'DetailError',
  z.object({
    detail: z.string(),
    message: z.string().meta({ description: 'The same text as `detail` (read by the original web client).' }),
    code: z.string().optional(),
  }),
  'A non-field error: 401, 403, 404, 405, 409, 413, 429, 503, or a 400 about the request as a whole.',
);
export const fieldErrors = named(
  'FieldErrors',
  z.record(z.string(), z.array(z.string())),
  '400: each invalid field with its messages (pt-BR); `non_field_errors` for rules across fields.',
);

export const message = named('Message', z.object({ message: z.string() }));

export const category = named(
  'Category',
  z.object({ id, name: z.string(), description: z.string(), icon: z.string(), color: z.string() }),
);

const viewerRelation = {
  is_organizer: z.boolean().meta({ description: 'The caller organises this event (false for anonymous).' }),
  user_participating: z
    .boolean()
    .meta({ description: 'The caller is registered (pending or confirmed); false for anonymous.' }),
  user_participation_status: participantStatus
    .nullable()
    .meta({ description: "The caller's participant status, null when none or anonymous." }),
};

const eventListShape = {
  id,
  title: z.string(),
  description: z.string(),
  category,
  organizer: z.string().meta({ description: "The organiser's username." }),
  organizer_id: id,
  organizer_name: z.string(),
  address: z.string(),
  latitude: decimalText.nullable(),
  longitude: decimalText.nullable(),
  city: z.string(),
  state: z.string(),
  start_date: dateTime,
  end_date: dateTime,
  max_participants: z.number().int(),
  participants_count: z.number().int(),
  available_spots: z.number().int(),
  status: z.enum(['draft', 'published', 'cancelled', 'completed']),
  is_active: z.boolean(),
  is_registration_open: z.boolean(),
  cover_image_url: z.string().nullable(),
  created_at: dateTime,
  distance_km: z.number().optional().meta({ description: 'Only on geographic queries.' }),
  ...viewerRelation,
};
export const eventListItem = named('EventListItem', z.object(eventListShape));

export const participant = named(
  'Participant',
  z.object({
    id,
    event: id,
    user: z.object({ id, username: z.string(), first_name: z.string(), last_name: z.string() }),
    user_name: z.string(),
    status: participantStatus,
    emergency_contact: z.string().optional(),
    emergency_phone: z.string().optional(),
    special_needs: z.string().optional(),
    age_verified: z.boolean().optional().meta({
      description:
        'False when the event has age limits and the profile had no birth date at join time. Organiser and the participant only.',
    }),
    experience_level: z.enum(['beginner', 'intermediate', 'advanced']),
    checked_in: z.boolean(),
    check_in_time: nullableDateTime,
    check_out_time: nullableDateTime.meta({
      description: 'When the participant checked out (QR), else null.',
    }),
    hours_volunteered: z.number().min(0).nullable().meta({
      description:
        "Hours this participation counts (ADR 0014): check-in to check-out (or to the end) clipped to the event, or the organisers' correction; null before check-in.",
    }),
    hours_corrected: z.boolean().meta({ description: 'True when an organiser set the hours by hand.' }),
    waitlist_position: z.number().int().positive().nullable().meta({
      description:
        'Place on the waitlist (1 = next to be promoted) when `status` is `waitlisted`, else null.',
    }),
    registered_at: dateTime,
    updated_at: dateTime,
  }),
  'Emergency contact, phone, special needs and age_verified only for the organiser and the participant.',
);

export const resource = named(
  'Resource',
  z.object({
    id,
    event: id,
    name: z.string(),
    description: z.string(),
    resource_type: z.enum(['tool', 'material', 'equipment', 'other']),
    quantity_needed: z.number().int(),
    quantity_provided: z.number().int(),
    unit: z.string(),
    is_fully_provided: z.boolean(),
  }),
);

export const photo = named(
  'Photo',
  z.object({
    id,
    event: id,
    user: id,
    user_name: z.string(),
    photo: z.string().nullable(),
    caption: z.string(),
    is_before: z.boolean(),
    is_after: z.boolean(),
    created_at: dateTime,
  }),
);

export interface CommentOut {
  id: number;
  event: number;
  user: number;
  user_name: string;
  content: string;
  parent: number | null;
  replies: CommentOut[];
  created_at: string;
  updated_at: string;
}
export const comment: z.ZodType<CommentOut> = named(
  'Comment',
  z.object({
    id,
    event: id,
    user: id,
    user_name: z.string(),
    content: z.string(),
    parent: id.nullable(),
    get replies() {
      return z.array(comment);
    },
    created_at: dateTime,
    updated_at: dateTime,
  }),
);

export const eventDetail = named(
  'EventDetail',
  z.object({
    ...eventListShape,
    organizer_avatar: z.string().nullable(),
    registration_deadline: nullableDateTime,
    min_age: z.number().int(),
    max_age: z.number().int().nullable(),
    is_public: z.boolean(),
    requires_approval: z.boolean(),
    required_tools: z.string(),
    provided_tools: z.string(),
    what_to_bring: z.string(),
    resources: z.array(resource),
    photos: z.array(photo),
    comments: z.array(comment),
    participants: z.array(participant),
    /** The caller's place on the waitlist (1 = next), when the caller is waitlisted; else null. */
    user_waitlist_position: z.number().int().positive().nullable(),
    /** The caller co-organises the event (manages participants, check-in and the report; not the event itself). */
    user_is_coorganizer: z.boolean(),
    /** The lists above carry their first page only (50 resources, 20 photos, 20 comment threads, 50 participants). */
    counts: z.object({
      resources: z.number().int().nonnegative(),
      photos: z.number().int().nonnegative(),
      comments: z.number().int().nonnegative(),
      participants: z.number().int().nonnegative(),
    }),
    /** Where each whole list is (the sub-resources). */
    links: z.object({
      resources: z.string(),
      photos: z.string(),
      comments: z.string(),
      participants: z.string(),
    }),
    updated_at: dateTime,
  }),
);

/** `{count, next, previous, results}` with absolute page URLs. */
const page = <S extends z.ZodType>(name: string, item: S, extra: z.ZodRawShape = {}) =>
  named(
    name,
    z.object({
      count: z.number().int().nonnegative(),
      next: z.url().nullable(),
      previous: z.url().nullable(),
      results: z.array(item),
      ...extra,
    }),
    'A page: 20 items unless ?page_size= (≤ 100); ?page=N, next/previous are absolute URLs.',
  );

export const eventPage = page('EventPage', eventListItem);
export const categoryList = named('CategoryList', z.array(category));
export const eventList = named('EventList', z.array(eventListItem));
export const myEvents = named(
  'MyEvents',
  z.object({ organized: z.array(eventListItem), participating: z.array(eventListItem) }),
);
export const eventStats = named(
  'EventStats',
  z.object({
    total_participants: z.number().int(),
    confirmed_participants: z.number().int(),
    pending_participants: z.number().int(),
    checked_in_participants: z.number().int(),
    available_spots: z.number().int(),
    photos_count: z.number().int(),
    comments_count: z.number().int(),
    resources_count: z.number().int(),
    fully_provided_resources: z.number().int(),
  }),
);
export const participantList = named('ParticipantList', z.array(participant));

export const checkInCode = named(
  'CheckInCode',
  z.object({
    code: z.string().meta({ description: 'The signed code the QR holds (ADR 0014 format).' }),
    action: z.enum(['check_in', 'check_out']).optional().meta({ description: 'Event codes only.' }),
    rotates_every_s: z.number().int().positive(),
    expires_at: dateTime,
    svg: z.string().meta({ description: 'The QR code as an SVG document, rendered by the API.' }),
  }),
  'A rotating QR code: an event code (organisers) or a single-use personal code (a participant).',
);

export const scanResult = named(
  'ScanResult',
  z.object({
    action: z.enum(['check_in', 'check_out']),
    message: z.string(),
    participant,
  }),
);

export const coorganizer = named(
  'Coorganizer',
  z.object({
    user: z.object({ id, username: z.string(), first_name: z.string(), last_name: z.string() }),
    added_at: dateTime,
  }),
);
export const calendarSubscription = named(
  'CalendarSubscription',
  z.object({
    token: z.string(),
    path: z
      .string()
      .meta({ description: 'Secret feed path (prefix with the public origin; webcal:// works too).' }),
  }),
);
export const coorganizerList = named('CoorganizerList', z.array(coorganizer));
export const photoList = named('PhotoList', z.array(photo));
export const commentList = named('CommentList', z.array(comment));
export const resourceList = named('ResourceList', z.array(resource));

const reportShape = {
  id,
  event: id,
  event_title: z.string(),
  created_by: id.nullable(),
  created_by_name: z.string().nullable(),
  total_participants: z.number().int(),
  total_hours: decimalText,
  trash_collected_kg: decimalText,
  trees_planted: z.number().int(),
  area_cleaned_m2: decimalText,
  recyclable_material_kg: decimalText,
  summary: z.string(),
  challenges: z.string(),
  achievements: z.string(),
  created_at: dateTime,
  updated_at: dateTime,
};
export const report = named('EventReport', z.object(reportShape));
export const reportWithStatistics = named(
  'EventReportWithStatistics',
  z.object({
    ...reportShape,
    statistics: z
      .object({
        co2_offset_kg: decimalText,
        waste_diverted_kg: decimalText,
        area_cleaned_m2: decimalText,
        computed_at: dateTime,
      })
      .nullable()
      .meta({ description: "The worker's computed figures; null until it has run." }),
  }),
);

export const user = named(
  'User',
  z.object({
    id,
    username: z.string(),
    email: z.string(),
    first_name: z.string(),
    last_name: z.string(),
    date_joined: dateTime,
  }),
);
export const tokenPair = named(
  'TokenPair',
  z.object({
    access: z.string().meta({ description: 'Access JWT, 60 minutes.' }),
    refresh: z.string().meta({ description: 'Refresh JWT, 7 days; rotated on use.' }),
  }),
);

const profileShape = {
  id,
  user: z.object({
    id,
    username: z.string(),
    email: z.string().optional(),
    first_name: z.string(),
    last_name: z.string(),
    date_joined: dateTime,
  }),
  bio: z.string(),
  avatar_url: z.string().nullable(),
  avatar: z
    .string()
    .nullable()
    .meta({ description: 'Same as avatar_url (read by the original web client).' }),
  city: z.string(),
  state: z.string(),
  interests: z.array(z.string()),
  is_public_profile: z.boolean(),
  show_participation_history: z.boolean(),
  total_events_participated: z.number().int().nullable(),
  total_hours_volunteered: z.number().nullable(),
  created_at: dateTime,
  updated_at: dateTime,
};
export const publicProfile = named('PublicProfile', z.object(profileShape));
export const ownProfile = named(
  'Profile',
  z.object({
    ...profileShape,
    phone: z.string(),
    birth_date: z.iso.date().nullable(),
    age: z.number().int().nullable(),
    zip_code: z.string(),
    notification_preferences: z.record(z.string(), z.unknown()),
  }),
);
export const userStats = named(
  'UserStats',
  z.object({
    total_events_participated: z.number().int(),
    total_hours_volunteered: z.number(),
    badges_earned: z.number().int(),
    skills_count: z.number().int(),
    events_organized: z.number().int(),
    current_month_events: z.number().int(),
    favorite_categories: z.array(z.string()),
  }),
);
export const badge = named(
  'Badge',
  z.object({
    id,
    code: z.string(),
    name: z.string(),
    description: z.string(),
    icon: z.string(),
    criteria_type: z.enum(['events_participated', 'events_organized', 'hours_volunteered']),
    threshold: z.number(),
  }),
);
export const badgePage = page('BadgePage', badge);
export const earnedBadgePage = page('EarnedBadgePage', z.object({ id, earned_at: dateTime, badge }));
const leaderboardCategory = z.enum(['hours', 'events', 'badges']);
export const leaderboardPage = page(
  'LeaderboardPage',
  z.object({
    rank: z.number().int().positive(),
    user: z.object({
      id,
      username: z.string(),
      first_name: z.string(),
      last_name: z.string(),
      avatar_url: z.string().nullable(),
    }),
    total_hours: z.number(),
    total_events: z.number().int(),
    badges_earned: z.number().int(),
  }),
  { category: leaderboardCategory },
);
export const rank = named(
  'Rank',
  z.object({
    category: leaderboardCategory,
    rank: z.number().int().positive().nullable(),
    total_ranked: z.number().int(),
    total_hours: z.number(),
    total_events: z.number().int(),
    badges_earned: z.number().int(),
  }),
);

export const monthlyImpact = named(
  'MonthlyImpact',
  z.object({
    id,
    month: z.string().regex(/^\d{4}-\d{2}$/),
    period_start: dateTime,
    period_end: dateTime,
    events_count: z.number().int(),
    trees_planted: z.number().int(),
    trash_collected_kg: decimalText,
    recyclable_material_kg: decimalText,
    co2_offset_kg: decimalText,
    waste_diverted_kg: decimalText,
    area_cleaned_m2: decimalText,
    total_participants: z.number().int(),
    total_hours: decimalText,
    generated_at: dateTime,
  }),
);
export const monthlyImpactPage = page('MonthlyImpactPage', monthlyImpact);

export const health = named(
  'Health',
  z.looseObject({
    status: z.enum(['healthy', 'degraded', 'unhealthy']),
    checks: z.record(z.string(), z.string()),
    circuit_breakers: z.record(z.string(), z.unknown()),
  }),
);
export const readiness = named(
  'Readiness',
  z.object({ status: z.enum(['ready', 'not ready']), checks: z.record(z.string(), z.string()) }),
);
export const liveness = named('Liveness', z.object({ status: z.literal('alive') }));
export const openApiDocument = named(
  'OpenApiDocument',
  z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }),
);

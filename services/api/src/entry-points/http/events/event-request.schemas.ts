// Shapes of the events endpoints' bodies and query strings (zod); cross-field rules live in the domain.
import { z } from 'zod';
import { fields } from '../request-validation.js';
import { NEARBY_DEFAULT, NEARBY_LIMIT as NEARBY_MAX } from '../../../domain/events/browse-events.use-case.js';

const NUMERIC = /^-?\d+(\.\d+)?$/;
/** A type message that still says "required" when the field is absent. */
const typeMsg = (message: string) => ({
  error: (iss: { input?: unknown }) =>
    iss.input === undefined
      ? 'Este campo é obrigatório.'
      : iss.input === null
        ? 'Este campo não pode ser nulo.'
        : message,
});
/** A JSON number, or a decimal string as DRF clients send for decimals (never hex, exponent or blank). */
const numeric = <S extends z.ZodType>(schema: S) =>
  z.preprocess((v) => (typeof v === 'string' && NUMERIC.test(v.trim()) ? Number(v) : v), schema);

/** JSON booleans; multipart/query strings "true"/"false"/"1"/"0". */
export const boolish = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    const s = v.trim().toLowerCase();
    return s === 'true' || s === '1' ? true : s === 'false' || s === '0' ? false : v;
  },
  z.boolean(typeMsg('Informe um valor booleano (true ou false).')),
);

const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Brazil (America/Sao_Paulo) has had no DST since 2019: a timestamp without offset is read as -03:00. */
const DEFAULT_OFFSET = '-03:00';

function parseDateTime(s: string): Date | null {
  const m = ISO_DATETIME.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, hh, mi, ss, off] = m;
  const text = `${y}-${mo}-${d}T${hh ?? '00'}:${mi ?? '00'}:${ss ?? '00'}${m[0].match(/\.\d+/)?.[0] ?? ''}${off ?? DEFAULT_OFFSET}`;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return null;
  // new Date() rolls 2026-02-31 over to March: refuse dates that do not exist.
  const check = new Date(`${y}-${mo}-${d}T12:00:00Z`);
  if (check.getUTCMonth() + 1 !== Number(mo) || check.getUTCDate() !== Number(d)) return null;
  return date;
}

const DATETIME_MSG =
  'Formato inválido para data e hora. Use o formato ISO 8601 (ex.: 2026-12-01T09:00:00-03:00).';
export const dateTime = z
  .string(DATETIME_MSG)
  .max(40, DATETIME_MSG)
  .transform((s, ctx) => {
    const d = parseDateTime(s);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: DATETIME_MSG });
      return z.NEVER;
    }
    return d;
  });
/** A date-only value as the end of a range means the whole day. */
const endOfDay = z
  .string(DATETIME_MSG)
  .max(40, DATETIME_MSG)
  .transform((s, ctx) => {
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(s.trim());
    const d = parseDateTime(dateOnly ? `${s.trim()}T23:59:59.999` : s);
    if (!d) {
      ctx.addIssue({ code: 'custom', message: DATETIME_MSG });
      return z.NEVER;
    }
    return d;
  });

const latitude = numeric(
  z
    .number(typeMsg('Informe um número válido.'))
    .min(-90, 'A latitude deve estar entre -90 e 90.')
    .max(90, 'A latitude deve estar entre -90 e 90.'),
);
const longitude = numeric(
  z
    .number(typeMsg('Informe um número válido.'))
    .min(-180, 'A longitude deve estar entre -180 e 180.')
    .max(180, 'A longitude deve estar entre -180 e 180.'),
);
const round6 = (n: number | null) => (n === null ? null : Math.round(n * 1e6) / 1e6);

const STATUSES = ['draft', 'published', 'cancelled', 'completed'] as const;
const statusEnum = z.enum(STATUSES, `Escolha um valor válido: ${STATUSES.join(', ')}.`);
const id = numeric(fields.int(1));

const eventShape = {
  title: fields.requiredText(200),
  description: fields.requiredText(10_000),
  category: id,
  address: fields.requiredText(255),
  latitude: latitude.nullable().transform(round6),
  longitude: longitude.nullable().transform(round6),
  city: fields.requiredText(100),
  state: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'Informe a sigla do estado com 2 letras.')
    .transform((s) => s.toUpperCase()),
  start_date: dateTime,
  end_date: dateTime,
  registration_deadline: dateTime.nullable(),
  max_participants: numeric(fields.int(1, 100_000)),
  min_age: numeric(fields.int(0, 120)),
  max_age: numeric(fields.int(0, 120)).nullable(),
  status: statusEnum,
  is_public: boolish,
  requires_approval: boolish,
  required_tools: fields.text(5_000),
  provided_tools: fields.text(5_000),
  what_to_bring: fields.text(5_000),
  cover_image: z
    .url({ protocol: /^https?$/, error: 'Informe uma URL válida (http ou https).' })
    .max(500)
    .nullable(),
};

const REQUIRED_ON_CREATE = [
  'title',
  'description',
  'category',
  'address',
  'city',
  'state',
  'start_date',
  'end_date',
  'max_participants',
] as const;

/** POST and PUT: the required fields must be there; `category_id` is accepted as an alias of `category`. */
export const eventCreateSchema = z.preprocess(
  aliasCategory,
  z
    .object(eventShape)
    .partial()
    .required(
      Object.fromEntries(REQUIRED_ON_CREATE.map((k) => [k, true])) as {
        [K in (typeof REQUIRED_ON_CREATE)[number]]: true;
      },
    ),
);
/** PATCH: any subset. */
export const eventPatchSchema = z.preprocess(aliasCategory, z.object(eventShape).partial());

function aliasCategory(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && !('category' in v) && 'category_id' in v) {
    return { ...v, category: (v as { category_id: unknown }).category_id };
  }
  return v;
}

const EXPERIENCE = ['beginner', 'intermediate', 'advanced'] as const;
const participantDetails = {
  emergency_contact: fields.text(100),
  emergency_phone: z
    .string()
    .trim()
    .regex(/^(\+?1?\d{9,15})?$/, 'Telefone deve estar no formato: "+999999999". Até 15 dígitos.'),
  special_needs: fields.text(2_000),
  experience_level: z.enum(EXPERIENCE, `Escolha um valor válido: ${EXPERIENCE.join(', ')}.`),
};
export const joinSchema = z.object(participantDetails).partial();

const PARTICIPANT_STATUSES = ['pending', 'confirmed', 'cancelled', 'rejected'] as const;
const participantStatus = z.enum(
  PARTICIPANT_STATUSES,
  `Escolha um valor válido: ${PARTICIPANT_STATUSES.join(', ')}.`,
);
export const participantCreateSchema = z.object({
  user: id,
  status: participantStatus.optional(),
  ...z.object(participantDetails).partial().shape,
});
export const participantPatchSchema = z
  .object({ status: participantStatus, ...participantDetails })
  .partial();

/** POST /api/events/:id/coorganizers/ (issue #16). */
/** `{user}` (an id) or `{username}` (the web app's form): exactly one. */
export const coorganizerCreateSchema = z
  .object({ user: id.optional(), username: fields.text(150).optional() })
  .refine((b) => (b.user === undefined) !== !b.username, {
    message: 'Informe o usuário (id) ou o nome de usuário.',
    path: ['user'],
  });

const RESOURCE_TYPES = ['tool', 'material', 'equipment', 'other'] as const;
const resourceShape = {
  name: fields.requiredText(100),
  description: fields.text(2_000).default(''),
  resource_type: z
    .enum(RESOURCE_TYPES, `Escolha um valor válido: ${RESOURCE_TYPES.join(', ')}.`)
    .default('other'),
  quantity_needed: numeric(fields.int(1, 1_000_000)),
  quantity_provided: numeric(fields.int(0, 1_000_000)).default(0),
  unit: fields.requiredText(50).default('unidade'),
};
export const resourceCreateSchema = z.object(resourceShape);
export const resourcePatchSchema = z
  .object({
    name: resourceShape.name,
    description: fields.text(2_000),
    resource_type: z.enum(RESOURCE_TYPES, `Escolha um valor válido: ${RESOURCE_TYPES.join(', ')}.`),
    quantity_needed: resourceShape.quantity_needed,
    quantity_provided: numeric(fields.int(0, 1_000_000)),
    unit: fields.requiredText(50),
  })
  .partial();

export const commentSchema = z.object({
  content: fields.requiredText(5_000),
  parent: id.nullable().optional(),
});

const amount = (max: number) =>
  numeric(
    z
      .number(typeMsg('Informe um número válido.'))
      .min(0, 'O valor não pode ser negativo.')
      .max(max, `O valor deve ser no máximo ${max}.`),
  ).transform((n) => Math.round(n * 100) / 100);
const reportShape = {
  total_participants: numeric(fields.int(0, 1_000_000)),
  total_hours: amount(10_000_000),
  trash_collected_kg: amount(1_000_000_000),
  trees_planted: numeric(fields.int(0, 100_000_000)),
  area_cleaned_m2: amount(100_000_000_000),
  recyclable_material_kg: amount(1_000_000_000),
  summary: fields.text(10_000),
  challenges: fields.text(10_000),
  achievements: fields.text(10_000),
};
/** POST and PUT: every figure defaults to 0 and every text to '' (the job copes with empty fields). */
export const reportCreateSchema = z.object({
  total_participants: reportShape.total_participants.default(0),
  total_hours: reportShape.total_hours.default(0),
  trash_collected_kg: reportShape.trash_collected_kg.default(0),
  trees_planted: reportShape.trees_planted.default(0),
  area_cleaned_m2: reportShape.area_cleaned_m2.default(0),
  recyclable_material_kg: reportShape.recyclable_material_kg.default(0),
  summary: reportShape.summary.default(''),
  challenges: reportShape.challenges.default(''),
  achievements: reportShape.achievements.default(''),
});
export const reportPatchSchema = z.object(reportShape).partial();

export const photoFieldsSchema = z.object({
  caption: fields.text(255).default(''),
  is_before: boolish.default(false),
  is_after: boolish.default(false),
});

const ORDERINGS = [
  'start_date',
  '-start_date',
  'created_at',
  '-created_at',
  'participants_count',
  '-participants_count',
] as const;
const radius = numeric(
  z
    .number(typeMsg('Informe um número válido.'))
    .gt(0, 'O raio deve ser maior que zero.')
    .max(20_000, 'O raio deve ser no máximo 20000 km.'),
);

export const listQuerySchema = z.object({
  category: id.optional(),
  status: statusEnum.optional(),
  city: fields.text(100).optional(),
  state: fields.text(2).optional(),
  is_public: boolish.optional(),
  start_date: dateTime.optional(),
  end_date: endOfDay.optional(),
  search: fields.text(200).optional(),
  ordering: z.enum(ORDERINGS, `Ordenação inválida. Use: ${ORDERINGS.join(', ')}.`).default('-created_at'),
  latitude: latitude.optional(),
  longitude: longitude.optional(),
  radius: radius.optional(),
});

export const nearbyQuerySchema = z.object({
  latitude: latitude.optional(),
  longitude: longitude.optional(),
  radius: radius.default(10),
  /** The nearest `limit` events (default 20, at most 100): a home page shows a dozen. */
  limit: numeric(
    z
      .number(typeMsg('Informe um número válido.'))
      .int('Informe um número inteiro.')
      .min(1, 'O limite deve ser pelo menos 1.')
      .max(NEARBY_MAX, `O limite deve ser no máximo ${NEARBY_MAX}.`),
  ).default(NEARBY_DEFAULT),
});

/** GET /api/events/feed/ (issue #16): the public iCalendar feed, by city and/or category. */
export const feedQuerySchema = z.object({
  category: id.optional(),
  city: fields.text(100).optional(),
});

/** ADR 0014: a scanned QR code (event code for participants, personal code for organisers). */
export const scanSchema = z.object({
  code: z
    .string(typeMsg('Informe o código lido.'))
    .trim()
    .min(1, 'Informe o código lido.')
    .max(200, 'Código longo demais.'),
});

/** GET /api/events/:id/check_in_code/?action= */
export const checkInCodeQuerySchema = z.object({
  action: z.enum(['check_in', 'check_out'], { error: 'Use check_in ou check_out.' }).default('check_in'),
});

/** PUT /api/events/:id/participants/:pk/hours/: hours with up to 2 decimals; null clears the correction. */
export const hoursCorrectionSchema = z.object({
  hours: numeric(
    z
      .number(typeMsg('Informe um número de horas.'))
      .min(0, 'As horas não podem ser negativas.')
      .multipleOf(0.01, 'No máximo duas casas decimais.'),
  ).nullable(),
});

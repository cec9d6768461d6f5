// Creating, changing and deleting an event: organiser-only writes, schedule rules, notification jobs.
import type { EventFields, EventRow } from '../../data-access/events/event.repository.js';
import { NotFoundError, PermissionDeniedError, ValidationError } from '../shared/app-errors.js';
import type { Actor, EventsContext, TxConn } from './events-context.js';
import { assertScheduleValid } from './event-rules.js';
import { promoteFromWaitlist } from './waitlist.js';
import { CalendarFeeds } from './calendar-feeds.use-case.js';

/** A new event: the fields without a default are required. */
export type EventCreateInput = Partial<EventFields> &
  Pick<
    EventFields,
    | 'title'
    | 'description'
    | 'category_id'
    | 'address'
    | 'city'
    | 'state'
    | 'start_date'
    | 'end_date'
    | 'max_participants'
  >;

export type NotificationKind = 'published' | 'cancelled' | 'updated';

const DEFAULTS = {
  latitude: null,
  longitude: null,
  registration_deadline: null,
  min_age: 16,
  max_age: null,
  status: 'draft',
  is_public: true,
  requires_approval: false,
  required_tools: '',
  provided_tools: '',
  what_to_bring: '',
  cover_image: null,
} satisfies Partial<EventFields>;

/** Which notification (if any) a change of a published/cancelled event deserves. */
export function notificationFor(
  before: Pick<EventFields, 'status'> | null,
  after: Pick<EventFields, 'status'>,
): NotificationKind | null {
  if (after.status === 'published' && before?.status !== 'published') return 'published';
  if (after.status === 'cancelled' && before?.status !== 'cancelled')
    return before?.status === 'published' ? 'cancelled' : null;
  if (after.status === 'published' && before?.status === 'published') return 'updated';
  return null;
}

export class ManageEvent {
  constructor(private readonly ctx: EventsContext) {}

  async create(actor: Actor, input: EventCreateInput): Promise<number> {
    const fields: EventFields = { ...DEFAULTS, ...stripUndefined(input) } as EventFields;
    assertScheduleValid(fields);
    assertCoordinates(fields);
    return this.ctx.write(actor, async (c) => {
      if (!(await this.ctx.events.categoryExists(c, fields.category_id))) {
        throw ValidationError.field('category', `Pk inválido "${fields.category_id}" - objeto não existe.`);
      }
      const id = await this.ctx.events.insert(c, actor.id, fields);
      const kind = notificationFor(null, fields);
      if (kind) await this.ctx.job(c.tx, 'send_event_notification_email', { event_id: id, kind });
      return id;
    });
  }

  /** PUT (all required fields present) and PATCH (any subset) end here. */
  async update(actor: Actor, id: number, changes: Partial<EventFields>): Promise<void> {
    await this.ctx.write(actor, async (c) => {
      const before = await this.ownedLocked(c, actor, id);
      const after: EventRow = { ...before, ...stripUndefined(changes) };
      assertScheduleValid(after);
      assertCoordinates(after);
      if (after.max_participants < before.participants_count) {
        throw ValidationError.field(
          'max_participants',
          `Não pode ser menor que o número de participantes confirmados (${before.participants_count}).`,
        );
      }
      if (
        changes.category_id !== undefined &&
        !(await this.ctx.events.categoryExists(c, changes.category_id))
      ) {
        throw ValidationError.field('category', `Pk inválido "${changes.category_id}" - objeto não existe.`);
      }
      await this.ctx.events.update(c, id, changes);
      await CalendarFeeds.bump(c, id);
      const kind = notificationFor(before, after);
      if (kind) await this.ctx.job(c.tx, 'send_event_notification_email', { event_id: id, kind });
      // More places (or a later deadline): the waitlist moves up (issue #16).
      await promoteFromWaitlist(this.ctx, c, id);
    });
  }

  async delete(actor: Actor, id: number): Promise<void> {
    await this.ctx.write(actor, async (c) => {
      await this.ownedLocked(c, actor, id);
      await this.ctx.events.delete(c, id);
    });
  }

  /** The locked event row if `actor` organises it: 404 when it does not exist or is hidden, 403 when not theirs. */
  private async ownedLocked(c: TxConn, actor: Actor, id: number): Promise<EventRow> {
    const row = await this.ctx.events.lockById(c, id);
    if (!row) throw new NotFoundError('Evento não encontrado.');
    if (row.organizer_id !== actor.id) {
      // A draft or private event of someone else is not revealed: 404, as for anyone who cannot read it.
      if (row.status === 'draft' || !(await this.ctx.events.findVisible(c, id, actor.id)))
        throw new NotFoundError('Evento não encontrado.');
      throw new PermissionDeniedError('Apenas o organizador pode alterar este evento.');
    }
    return row;
  }
}

function assertCoordinates(f: Pick<EventFields, 'latitude' | 'longitude'>): void {
  const lat = f.latitude === null || f.latitude === undefined;
  const lng = f.longitude === null || f.longitude === undefined;
  if (lat !== lng) {
    throw ValidationError.field(
      lat ? 'latitude' : 'longitude',
      'Latitude e longitude devem ser informadas juntas.',
    );
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// The organiser manages an event's participants (approve = confirmed, reject, remove); a participant sees their own row.
import type {
  ParticipantDetails,
  ParticipantRecord,
  ParticipantStatus,
} from '../../data-access/events/participant.repository.js';
import { NotFoundError, PermissionDeniedError, ValidationError } from '../shared/app-errors.js';
import type { Actor, EventsContext, TxConn } from './events-context.js';
import { availableSpots } from './event-rules.js';
import { participantView } from './event-views.js';
import { maskPrivateName } from './participant-privacy.js';
import { promoteFromWaitlist } from './waitlist.js';
import { participantsCsv } from './participant-export.js';

/** The personal e-mail (worker template `event_<kind>`) an organiser's decision sends. */
const DECISION_NOTICE: Record<string, string> = { confirmed: 'approved', rejected: 'rejected' };

export type ParticipantChanges = ParticipantDetails & { status?: ParticipantStatus };

export class ManageParticipants {
  constructor(private readonly ctx: EventsContext) {}

  /** Organiser: every participant with private data; others (who can see the event): confirmed ones, public data. */
  async list(actor: Actor | undefined, eventId: number) {
    const conn = this.ctx.reader(actor);
    const event = await this.ctx.events.findVisible(conn, eventId, actor?.id);
    if (!event) throw new NotFoundError('Evento não encontrado.');
    const isOrganizer = await this.ctx.organizes(conn, event, actor);
    const rows = await this.ctx.participants.listForEvent(
      conn,
      eventId,
      isOrganizer ? undefined : ['confirmed'],
    );
    return rows.map((p) =>
      participantView(
        maskPrivateName(p, actor?.id, event.organizer_id),
        isOrganizer || p.user_id === actor?.id,
      ),
    );
  }

  async get(actor: Actor, eventId: number, id: number) {
    const conn = this.ctx.reader(actor);
    const event = await this.ctx.events.findVisible(conn, eventId, actor.id);
    const p = event ? await this.ctx.participants.findById(conn, eventId, id) : null;
    if (!event || !p) throw new NotFoundError('Participante não encontrado.');
    const mayRead = p.user_id === actor.id || (await this.ctx.organizes(conn, event, actor));
    if (!mayRead) throw new PermissionDeniedError('Apenas o organizador pode ver esta inscrição.');
    return participantView(p, true);
  }

  /** Organiser adds a user directly (confirmed unless told otherwise); capacity is checked as in join. */
  async add(
    actor: Actor,
    eventId: number,
    userId: number,
    changes: ParticipantChanges,
  ): Promise<ParticipantRecord> {
    return this.ctx.write(actor, async (c) => {
      const event = await this.lockOwned(c, actor, eventId);
      const existing = await this.ctx.participants.findByUser(c, eventId, userId);
      if (existing && existing.status !== 'cancelled')
        throw ValidationError.field('user', 'Este usuário já está inscrito neste evento.');
      if (!(await this.ctx.participants.userExists(c, userId)))
        throw ValidationError.field('user', `Pk inválido "${userId}" - objeto não existe.`);
      const status = changes.status ?? 'confirmed';
      if (status === 'confirmed' && availableSpots(event) <= 0)
        throw ValidationError.detail('Evento lotado: não há vagas disponíveis.');
      await this.ctx.participants.upsert(c, eventId, userId, status, changes);
      return (await this.ctx.participants.findByUser(c, eventId, userId))!;
    });
  }

  /** Organiser: status and details; the participant: their own details (not the status). */
  async update(
    actor: Actor,
    eventId: number,
    id: number,
    changes: ParticipantChanges,
  ): Promise<ParticipantRecord> {
    return this.ctx.write(actor, async (c) => {
      const event = await this.ctx.events.lockById(c, eventId);
      const p = event ? await this.ctx.participants.findById(c, eventId, id) : null;
      if (!event || !p) throw new NotFoundError('Participante não encontrado.');
      // A private event (or a draft) the actor cannot see is not revealed by a 403.
      if (event.organizer_id !== actor.id && !(await this.ctx.events.findVisible(c, eventId, actor.id)))
        throw new NotFoundError('Participante não encontrado.');
      const isOrganizer = await this.ctx.organizes(c, event, actor);
      if (!isOrganizer && p.user_id !== actor.id)
        throw new PermissionDeniedError('Apenas o organizador pode gerenciar participantes.');
      if (!isOrganizer && changes.status !== undefined && changes.status !== p.status) {
        throw new PermissionDeniedError('Apenas o organizador pode aprovar ou recusar participantes.');
      }
      if (changes.status === 'confirmed' && p.status !== 'confirmed' && availableSpots(event) <= 0) {
        throw ValidationError.detail('Evento lotado: não há vagas disponíveis.');
      }
      if (changes.status !== undefined && changes.status !== 'confirmed' && p.checked_in) {
        throw ValidationError.field('status', 'O participante já fez check-in.');
      }
      await this.ctx.participants.update(c, id, changes);
      if (changes.status !== undefined && changes.status !== p.status)
        await promoteFromWaitlist(this.ctx, c, eventId);
      const notice = p.status !== changes.status ? DECISION_NOTICE[changes.status ?? ''] : undefined;
      if (notice)
        await this.ctx.job(c.tx, 'send_event_notification_email', {
          event_id: eventId,
          kind: notice,
          user_id: p.user_id,
        });
      return (await this.ctx.participants.findById(c, eventId, id))!;
    });
  }

  async remove(actor: Actor, eventId: number, id: number): Promise<void> {
    await this.ctx.write(actor, async (c) => {
      await this.lockOwned(c, actor, eventId);
      const p = await this.ctx.participants.findById(c, eventId, id);
      if (!p) throw new NotFoundError('Participante não encontrado.');
      await this.ctx.participants.delete(c, id);
      await promoteFromWaitlist(this.ctx, c, eventId);
    });
  }

  /** Organisers: every participant, private fields included, as CSV (issue #16). */
  async exportCsv(actor: Actor, eventId: number): Promise<string> {
    const conn = this.ctx.reader(actor);
    const event = await this.ctx.events.findVisible(conn, eventId, actor.id);
    if (!event) throw new NotFoundError('Evento não encontrado.');
    if (!(await this.ctx.organizes(conn, event, actor)))
      throw new PermissionDeniedError('Apenas os organizadores podem exportar os participantes.');
    return participantsCsv(await this.ctx.participants.listForEvent(conn, eventId));
  }

  /** Organisers: the waitlist in order (positions from 1). */
  async waitlist(actor: Actor, eventId: number) {
    const conn = this.ctx.reader(actor);
    const event = await this.ctx.events.findVisible(conn, eventId, actor.id);
    if (!event) throw new NotFoundError('Evento não encontrado.');
    if (!(await this.ctx.organizes(conn, event, actor)))
      throw new PermissionDeniedError('Apenas os organizadores podem ver a lista de espera.');
    return (await this.ctx.participants.waitlist(conn, eventId)).map((p) => participantView(p, true));
  }

  private async lockOwned(c: TxConn, actor: Actor, eventId: number) {
    const event = await this.ctx.events.lockById(c, eventId);
    const organizes = event ? await this.ctx.organizes(c, event, actor) : false;
    if (!event || (!organizes && !(await this.ctx.events.findVisible(c, eventId, actor.id)))) {
      throw new NotFoundError('Evento não encontrado.');
    }
    if (!organizes) throw new PermissionDeniedError('Apenas o organizador pode gerenciar participantes.');
    return event;
  }
}

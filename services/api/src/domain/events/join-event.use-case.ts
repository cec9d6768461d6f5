// A volunteer joins (and gets a personal 'confirmed'/'pending' notice), leaves and checks in. Capacity holds under concurrency: every change of a
// participant's status runs with the event row locked (SELECT … FOR UPDATE), so confirmations are serialised.
import type { EventRow } from '../../data-access/events/event.repository.js';
import type {
  ParticipantDetails,
  ParticipantRecord,
} from '../../data-access/events/participant.repository.js';
import { NotFoundError, ValidationError } from '../shared/app-errors.js';
import type { Actor, EventsContext, TxConn } from './events-context.js';
import { ageAt, availableSpots, isCheckInOpen, isRegistrationOpen } from './event-rules.js';
import { WAITLISTED_NOTICE, promoteFromWaitlist } from './waitlist.js';

export class JoinEvent {
  constructor(private readonly ctx: EventsContext) {}

  async join(actor: Actor, eventId: number, details: ParticipantDetails): Promise<ParticipantRecord> {
    return this.ctx.write(actor, async (c) => {
      const event = await this.lockVisible(c, actor, eventId);
      if (event.organizer_id === actor.id)
        throw ValidationError.detail('O organizador não se inscreve no próprio evento.');
      const existing = await this.ctx.participants.findByUser(c, eventId, actor.id);
      if (existing && (existing.status === 'pending' || existing.status === 'confirmed')) {
        throw ValidationError.detail('Você já está inscrito neste evento.');
      }
      if (existing?.status === 'waitlisted')
        throw ValidationError.detail('Você já está na lista de espera deste evento.');
      if (existing?.status === 'rejected')
        throw ValidationError.detail('Sua inscrição neste evento foi recusada pelo organizador.');
      if (!isRegistrationOpen(event))
        throw ValidationError.detail('As inscrições para este evento estão encerradas.');
      const ageVerified = await this.checkAge(c, actor.id, event);
      if (availableSpots(event) <= 0) {
        // Full: a place at the end of the waitlist (issue #16), promoted when a place frees up.
        const seq = await this.ctx.participants.nextWaitlistSeq(c, eventId);
        await this.ctx.participants.upsert(c, eventId, actor.id, 'waitlisted', details, ageVerified, seq);
        await this.ctx.job(c.tx, 'send_event_notification_email', {
          event_id: eventId,
          kind: WAITLISTED_NOTICE,
          user_id: actor.id,
        });
        return (await this.ctx.participants.findByUser(c, eventId, actor.id))!;
      }
      const status = event.requires_approval ? 'pending' : 'confirmed';
      // A cancelled participant's row is reused: one row per (event, user).
      await this.ctx.participants.upsert(c, eventId, actor.id, status, details, ageVerified);
      await this.ctx.job(c.tx, 'send_event_notification_email', {
        event_id: eventId,
        kind: status,
        user_id: actor.id,
      });
      return (await this.ctx.participants.findByUser(c, eventId, actor.id))!;
    });
  }

  async leave(actor: Actor, eventId: number): Promise<void> {
    await this.ctx.write(actor, async (c) => {
      await this.lockVisible(c, actor, eventId);
      const p = await this.ctx.participants.findByUser(c, eventId, actor.id);
      if (!p || (p.status !== 'pending' && p.status !== 'confirmed' && p.status !== 'waitlisted'))
        throw ValidationError.detail('Você não está inscrito neste evento.');
      if (p.checked_in) throw ValidationError.detail('Não é possível sair de um evento após o check-in.');
      await this.ctx.participants.update(c, p.id, { status: 'cancelled' });
      if (p.status !== 'waitlisted') await promoteFromWaitlist(this.ctx, c, eventId);
    });
  }

  async checkIn(actor: Actor, eventId: number): Promise<void> {
    await this.ctx.write(actor, async (c) => {
      const event = await this.lockVisible(c, actor, eventId);
      if (event.status === 'cancelled' || event.status === 'draft')
        throw ValidationError.detail('Este evento não aceita check-in.');
      if (!isCheckInOpen(event))
        throw ValidationError.detail(
          'O check-in só é possível a partir de 1 hora antes do início e até o término do evento.',
        );
      const p = await this.ctx.participants.findByUser(c, eventId, actor.id);
      if (!p || p.status !== 'confirmed')
        throw ValidationError.detail('Apenas participantes confirmados podem fazer check-in.');
      if (p.checked_in) throw ValidationError.detail('Check-in já realizado.');
      await this.ctx.participants.checkIn(c, p.id);
      await this.ctx.job(c.tx, 'check_and_award_badges', { user_id: actor.id });
      await this.ctx.job(c.tx, 'update_user_statistics', { user_id: actor.id });
    });
  }

  private async lockVisible(c: TxConn, actor: Actor, eventId: number): Promise<EventRow> {
    const event = await this.ctx.events.lockById(c, eventId);
    if (!event || !(await this.ctx.events.findVisible(c, eventId, actor.id)))
      throw new NotFoundError('Evento não encontrado.');
    return event;
  }

  /**
   * Age limits are checked against the profile's birth date at the event's start; outside them the join is
   * refused. The original client never asks for a birth date, so without one the join goes ahead and the
   * participant is marked `age_verified: false` for the organiser to see (ADR 0006). Returns whether verified.
   */
  private async checkAge(c: TxConn, userId: number, event: EventRow): Promise<boolean> {
    if (event.min_age <= 0 && event.max_age === null) return true;
    const birthDate = await this.ctx.participants.birthDate(c, userId);
    if (!birthDate) return false;
    const age = ageAt(birthDate, event.start_date);
    if (age < event.min_age)
      throw ValidationError.detail(`Idade mínima para este evento: ${event.min_age} anos.`);
    if (event.max_age !== null && age > event.max_age)
      throw ValidationError.detail(`Idade máxima para este evento: ${event.max_age} anos.`);
    return true;
  }
}

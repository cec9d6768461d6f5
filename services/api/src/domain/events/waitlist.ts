// Waitlist promotion (issue #16, ADR 0013). Runs inside the transaction that freed a place, with the event row
// locked (SELECT … FOR UPDATE): concurrent leaves on any API instance are serialised on that lock, so each
// freed place promotes the next in line exactly once, in waitlist order.
import type { EventRow } from '../../data-access/events/event.repository.js';
import type { EventsContext, TxConn } from './events-context.js';
import { isRegistrationOpen } from './event-rules.js';

/** The personal e-mail kinds (worker template `event_<kind>`). */
export const WAITLISTED_NOTICE = 'waitlisted';
export const PROMOTED_NOTICE = 'promoted';

/**
 * How many places the waitlist may take now. Automatic events: free confirmed places. Events that require
 * approval: free places minus the requests already waiting for the organiser (promotion makes a request).
 */
export function placesForWaitlist(
  event: Pick<EventRow, 'max_participants' | 'participants_count' | 'requires_approval'>,
  pending: number,
): number {
  const free = event.max_participants - event.participants_count - (event.requires_approval ? pending : 0);
  return Math.max(0, free);
}

/** Promotes the head of `eventId`'s waitlist into the free places; returns the promoted user ids, in order. */
export async function promoteFromWaitlist(ctx: EventsContext, c: TxConn, eventId: number): Promise<number[]> {
  // Re-read under the lock: the trigger has already moved participants_count in this transaction.
  const event = await ctx.events.lockById(c, eventId);
  if (!event || !isRegistrationOpen(event)) return [];
  const pending = event.requires_approval ? await ctx.participants.pendingCount(c, eventId) : 0;
  const places = placesForWaitlist(event, pending);
  if (places === 0) return [];
  const head = await ctx.participants.headOfWaitlist(c, eventId, places);
  const status = event.requires_approval ? 'pending' : 'confirmed';
  for (const p of head) {
    await ctx.participants.update(c, p.id, { status });
    await ctx.job(c.tx, 'send_event_notification_email', {
      event_id: eventId,
      kind: event.requires_approval ? 'pending' : PROMOTED_NOTICE,
      user_id: p.user_id,
    });
  }
  return head.map((p) => p.user_id);
}

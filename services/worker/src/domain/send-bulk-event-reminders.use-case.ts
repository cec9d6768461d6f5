// send_bulk_event_reminders(event_id): one reminder per confirmed participant, once per event date.
import { reminderEmail } from './email-templates.js';
import { deliverEmail } from './deliver-email.service.js';
import type { JobContext, JobDeps } from './job-context.js';
import { DeliveryBusyError, PermanentJobError } from './job-errors.js';
import type { JobData } from '@mutiroes/contracts';

export async function sendBulkEventReminders(
  deps: JobDeps,
  ctx: JobContext<JobData<'send_bulk_event_reminders'>>,
): Promise<{ recipients: number; sent: number; already_sent: number; skipped?: string }> {
  const opts = { signal: ctx.signal, deadline: ctx.deadline };
  const event = await deps.events.find(ctx.data.event_id, opts);
  if (!event) throw new PermanentJobError(`event ${ctx.data.event_id} does not exist`);
  if (event.status !== 'published')
    return { recipients: 0, sent: 0, already_sent: 0, skipped: `event is ${event.status}` };
  const participants = await deps.events.confirmedParticipants(event.id, opts);
  // A rescheduled event gets a new reminder: the date is part of the dedup key.
  const ref = `event:${event.id}:${event.start_date.toISOString()}`;
  let sent = 0,
    already = 0,
    busy: DeliveryBusyError | undefined;
  for (const p of participants) {
    try {
      const outcome = await deliverEmail(
        deps,
        ctx,
        { recipient: p.email, template: 'event_reminder', ref },
        reminderEmail(p, event),
      );
      if (outcome === 'sent') sent++;
      else already++;
    } catch (e) {
      // Another attempt holds this recipient's lease: finish the others, then retry the job for it.
      if (e instanceof DeliveryBusyError) busy = e;
      else throw e;
    }
  }
  if (busy) throw busy;
  return { recipients: participants.length, sent, already_sent: already };
}

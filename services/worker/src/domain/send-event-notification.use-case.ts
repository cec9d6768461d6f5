// send_event_notification_email(event_id, kind[, user_id]): personal notice to user_id, or to every confirmed participant.
import { eventNotificationEmail } from './email-templates.js';
import { deliverEmail } from './deliver-email.service.js';
import type { JobContext, JobDeps } from './job-context.js';
import { DeliveryBusyError, PermanentJobError } from './job-errors.js';
import type { JobData } from '@mutiroes/contracts';

export async function sendEventNotification(
  deps: JobDeps,
  ctx: JobContext<JobData<'send_event_notification_email'>>,
): Promise<{ sent: number; already_sent: number }> {
  const opts = { signal: ctx.signal, deadline: ctx.deadline };
  const { event_id, kind, user_id } = ctx.data;
  const event = await deps.events.find(event_id, opts);
  if (!event) throw new PermanentJobError(`event ${event_id} does not exist`);
  let recipients;
  if (kind === 'new_participant') {
    const organizer = await deps.events.recipient(event.organizer_id, opts);
    recipients = organizer ? [organizer] : [];
  } else if (user_id !== undefined) {
    const r = await deps.events.recipient(user_id, opts);
    if (!r) throw new PermanentJobError(`user ${user_id} does not exist or is inactive`);
    recipients = [r];
  } else {
    recipients = await deps.events.confirmedParticipants(event_id, opts);
  }
  // One notice per job (the outbox row's job id survives re-runs and re-enqueues): a job run twice sends once,
  // while a later intent (re-joining, a second update) is a new job and a new e-mail.
  const ref = `event:${event_id}:job:${ctx.jobId}`;
  let sent = 0,
    already = 0,
    busy: DeliveryBusyError | undefined;
  for (const r of recipients) {
    try {
      const outcome = await deliverEmail(
        deps,
        ctx,
        { recipient: r.email, template: `event_${kind}`, ref },
        eventNotificationEmail(kind, r, event),
      );
      if (outcome === 'sent') sent++;
      else already++;
    } catch (e) {
      if (e instanceof DeliveryBusyError) busy = e;
      else throw e;
    }
  }
  if (busy) throw busy;
  return { sent, already_sent: already };
}

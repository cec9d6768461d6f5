// send_welcome_email(user_id): one pt-BR welcome e-mail per user, ever.
import { welcomeEmail } from './email-templates.js';
import { deliverEmail, type DeliveryOutcome } from './deliver-email.service.js';
import type { JobContext, JobDeps } from './job-context.js';
import { PermanentJobError } from './job-errors.js';
import type { JobData } from '@mutiroes/contracts';

export async function sendWelcomeEmail(
  deps: JobDeps,
  ctx: JobContext<JobData<'send_welcome_email'>>,
): Promise<{ outcome: DeliveryOutcome }> {
  const user = await deps.users.find(ctx.data.user_id, { signal: ctx.signal, deadline: ctx.deadline });
  if (!user) throw new PermanentJobError(`user ${ctx.data.user_id} does not exist`);
  const outcome = await deliverEmail(
    deps,
    ctx,
    { recipient: user.email, template: 'welcome', ref: `user:${user.id}` },
    welcomeEmail(user, deps.publicUrl),
  );
  return { outcome };
}

// Sends one e-mail at most once per (recipient, template, ref): claim the ledger row, send, mark sent.
import { createHash } from 'node:crypto';
import type { EmailContent } from './email-templates.js';
import type { JobContext, JobDeps } from './job-context.js';
import { DeliveryBusyError } from './job-errors.js';

export type DeliveryOutcome = 'sent' | 'already_sent';

export async function deliverEmail(
  deps: Pick<JobDeps, 'mailer' | 'deliveries'>,
  ctx: JobContext<unknown>,
  key: { recipient: string; template: string; ref: string },
  content: EmailContent,
): Promise<DeliveryOutcome> {
  const opts = { signal: ctx.signal, deadline: ctx.deadline };
  const claim = await deps.deliveries.claim(
    key,
    { queue: ctx.queue, jobId: ctx.jobId, requestId: ctx.requestId },
    opts,
  );
  if (claim.outcome === 'already_sent') return 'already_sent';
  if (claim.outcome === 'busy') throw new DeliveryBusyError(`${key.template}/${key.ref}/${key.recipient}`);
  const digest = createHash('sha1')
    .update(`${key.recipient.toLowerCase()}|${key.template}|${key.ref}`)
    .digest('hex')
    .slice(0, 20);
  const messageId = `<${key.template}.${digest}@mutiroes.local>`;
  // One send is bounded on its own too, so the ledger lease (20 s) always outlives it.
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(15_000)]);
  try {
    await deps.mailer.send(
      {
        to: key.recipient,
        messageId,
        headers: {
          'X-Mutiroes-Template': key.template,
          'X-Mutiroes-Ref': key.ref,
          ...(ctx.requestId ? { 'X-Request-Id': ctx.requestId } : {}),
        },
        ...content,
      },
      signal,
    );
  } catch (e) {
    await deps.deliveries
      .release(claim.id, claim.token, e instanceof Error ? e.message : String(e))
      .catch(() => undefined);
    throw e;
  }
  await deps.deliveries.markSent(claim.id, claim.token, messageId, opts);
  ctx.log.info('e-mail sent', {
    template: key.template,
    ref: key.ref,
    to: key.recipient,
    message_id: messageId,
    attempt: claim.attempts,
  });
  return 'sent';
}

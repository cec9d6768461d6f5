// What a job handler gets: validated data, identity, and the attempt's AbortSignal and deadline.
import type { Logger } from '@mutiroes/platform';
import type { EmailDeliveryRepository } from '../data-access/email-delivery.repository.js';
import type { EventRepository } from '../data-access/event.repository.js';
import type { ImpactRepository } from '../data-access/impact.repository.js';
import type { JobDatabase } from '../data-access/job-database.js';
import type { Mailer } from '../data-access/smtp-mailer.js';
import type { UserRepository } from '../data-access/user.repository.js';
import type { UserStatisticsRepository } from '../data-access/user-statistics.repository.js';

export interface JobContext<D> {
  data: D;
  queue: string;
  jobId: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** Fires when the attempt times out or the worker shuts down hard: stop the work. */
  signal: AbortSignal;
  /** Epoch ms after which the attempt is aborted. */
  deadline: number;
  requestId?: string | undefined;
  log: Logger;
}

export interface JobDeps {
  db: JobDatabase;
  mailer: Mailer;
  deliveries: EmailDeliveryRepository;
  users: UserRepository;
  events: EventRepository;
  impact: ImpactRepository;
  userStats: UserStatisticsRepository;
  /** Base URL of links in e-mails. */
  publicUrl: string;
  /** Name of this worker instance (recorded by the beat probe). */
  instanceId: string;
}

// What the events use cases run on: the API's connections, cache and outbox, and the events repositories.
import type { Transaction } from 'sequelize';
import type { JobName, JobPayload } from '@mutiroes/contracts';
import { currentRequestId, type Logger } from '@mutiroes/platform';
import type { ApiCache, ApiDb, ApiOutbox } from '../../deps.js';
import type { Conn } from '../../data-access/events/events-db.js';
import { EventRepository } from '../../data-access/events/event.repository.js';
import { ParticipantRepository } from '../../data-access/events/participant.repository.js';
import { EventContentRepository } from '../../data-access/events/event-content.repository.js';
import { EventReportRepository } from '../../data-access/events/event-report.repository.js';
import { ReportStatisticsRepository } from '../../data-access/events/report-statistics.repository.js';
import { CoorganizerRepository } from '../../data-access/events/coorganizer.repository.js';

/** Who calls a use case: a logged-in user, or undefined for anonymous reads. */
export interface Actor {
  id: number;
  is_staff: boolean;
}

/** Cache key prefix of everything derived from the events table; invalidated on every events write. */
export const LIST_CACHE = 'events:list';
export const CATEGORIES_CACHE = 'events:categories';

export interface EventsDeps {
  db: ApiDb;
  cache: ApiCache;
  outbox: ApiOutbox;
  logger: Logger;
}

/** A connection inside a write transaction. */
export type TxConn = Conn & { tx: Transaction };

export class EventsContext {
  readonly events = new EventRepository();
  readonly participants = new ParticipantRepository();
  readonly content = new EventContentRepository();
  readonly reports = new EventReportRepository();
  readonly reportStatistics = new ReportStatisticsRepository();
  readonly coorganizers = new CoorganizerRepository();

  constructor(readonly deps: EventsDeps) {}

  /** The primary: reads that must see the latest committed data. */
  primary(): Conn {
    return { sequelize: this.deps.db.sequelize };
  }

  /** A reader for `actor`: the primary within the actor's read-your-writes window, else a replica. */
  reader(actor: Actor | undefined): Conn {
    return { sequelize: this.deps.db.readerFor(actor?.id) };
  }

  /**
   * Runs `fn` in one primary transaction. Afterwards the writer's reads go to the primary for a while
   * and cached list pages are dropped (in every instance), so nobody reads a page older than the write.
   */
  async write<T>(actor: Actor, fn: (c: TxConn) => Promise<T>): Promise<T> {
    const sequelize = this.deps.db.sequelize;
    const result = await sequelize.transaction((tx) => fn({ sequelize, tx }));
    this.deps.db.markWrite(actor.id);
    await this.deps.cache.invalidate(LIST_CACHE).catch((e: unknown) => {
      this.deps.logger.warn('events cache invalidation failed; pages expire by TTL', { error: String(e) });
    });
    return result;
  }

  /** The owner or a co-organiser (issue #16): who manages participants, check-in and the report. */
  async organizes(c: Conn, event: { id: number; organizer_id: number }, actor: Actor | undefined) {
    if (!actor) return false;
    return event.organizer_id === actor.id || this.coorganizers.isCoorganizer(c, event.id, actor.id);
  }

  /** Records a job intent in the transaction of the change (the outbox relay enqueues it after commit). */
  async job<N extends JobName>(tx: Transaction, name: N, data: JobPayload<N>): Promise<void> {
    await this.deps.outbox.enqueue(tx, name, { ...data, request_id: currentRequestId() });
  }
}

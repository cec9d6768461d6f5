// Calendar feeds (issue #16): one event's .ics, the public feed by city/category, and each user's private,
// revocable subscription (a random token in the URL; only its SHA-256 is stored; a new one revokes the old).
import { createHash, randomBytes } from 'node:crypto';
import { CalendarRepository } from '../../data-access/events/calendar.repository.js';
import { NotFoundError } from '../shared/app-errors.js';
import type { Actor, EventsContext } from './events-context.js';
import { buildCalendar } from './icalendar.js';

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const sha256 = (token: string) => createHash('sha256').update(token).digest();

export class CalendarFeeds {
  private readonly repo = new CalendarRepository();

  constructor(private readonly ctx: EventsContext) {}

  async eventIcs(actor: Actor | undefined, eventId: number): Promise<string> {
    const conn = this.ctx.reader(actor);
    const event = await this.ctx.events.findVisible(conn, eventId, actor?.id);
    const row = event ? await this.repo.byId(conn, eventId) : null;
    if (!event || !row || event.status === 'draft') throw new NotFoundError('Evento não encontrado.');
    return buildCalendar([row], { name: event.title });
  }

  async publicFeed(f: { city?: string; categoryId?: number }): Promise<string> {
    const rows = await this.repo.publicFeed(this.ctx.reader(undefined), f);
    return buildCalendar(rows, { name: f.city ? `Mutirões em ${f.city}` : 'Mutirões' });
  }

  /** A new private feed URL for `actor`; any previous one stops working. */
  async subscribe(actor: Actor): Promise<{ token: string; path: string }> {
    const token = randomBytes(32).toString('base64url');
    await this.ctx.write(actor, (c) => this.repo.setToken(c, actor.id, sha256(token)));
    return { token, path: `/api/events/calendar/${token}/` };
  }

  async revoke(actor: Actor): Promise<void> {
    const gone = await this.ctx.write(actor, (c) => this.repo.deleteToken(c, actor.id));
    if (!gone) throw new NotFoundError('Nenhuma assinatura de calendário ativa.');
  }

  /** The subscriber's joined events; an unknown or revoked token is a 404, as a wrong URL would be. */
  async userFeed(token: string): Promise<string> {
    const conn = this.ctx.primary();
    const userId = TOKEN_RE.test(token) ? await this.repo.userForToken(conn, sha256(token)) : null;
    if (userId === null) throw new NotFoundError('Calendário não encontrado.');
    return buildCalendar(await this.repo.userFeed(conn, userId), { name: 'Meus mutirões' });
  }

  /** Every change of an event moves its SEQUENCE on (subscribed calendars replace the old copy). */
  static bump = (c: Parameters<CalendarRepository['bumpSequence']>[0], eventId: number) =>
    new CalendarRepository().bumpSequence(c, eventId);
}

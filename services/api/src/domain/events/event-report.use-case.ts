// The impact report: created once by the organiser, amended by the organiser or its author; each change
// queues process_event_report_statistics in the same transaction.
import type { ReportFields, ReportRecord } from '../../data-access/events/event-report.repository.js';
import type { EventRecord } from '../../data-access/events/event.repository.js';
import type { Conn } from '../../data-access/events/events-db.js';
import { ConflictError, NotFoundError, PermissionDeniedError } from '../shared/app-errors.js';
import type { Actor, EventsContext } from './events-context.js';
import { reportStatisticsView, reportView } from './event-views.js';

export class EventReport {
  constructor(private readonly ctx: EventsContext) {}

  async get(actor: Actor | undefined, eventId: number) {
    const conn = this.ctx.reader(actor);
    const e = await this.ctx.events.findVisible(conn, eventId, actor?.id);
    if (!e) throw new NotFoundError('Evento não encontrado.');
    const r = await this.ctx.reports.findByEvent(conn, eventId);
    if (!r) throw new NotFoundError('Este evento ainda não tem relatório de impacto.');
    const stats = await this.ctx.reportStatistics.findByReport(conn, r.id);
    return { ...(await this.view(conn, e, r)), statistics: stats ? reportStatisticsView(stats) : null };
  }

  async create(actor: Actor, eventId: number, f: ReportFields) {
    return this.ctx.write(actor, async (c) => {
      const e = await this.ctx.events.findVisible(c, eventId, actor.id);
      if (!e) throw new NotFoundError('Evento não encontrado.');
      if (!(await this.ctx.organizes(c, e, actor)))
        throw new PermissionDeniedError('Apenas os organizadores podem criar o relatório de impacto.');
      const r = await this.ctx.reports.insert(c, eventId, actor.id, f);
      if (!r) throw new ConflictError('Este evento já tem um relatório de impacto.');
      await this.ctx.job(c.tx, 'process_event_report_statistics', { report_id: r.id });
      return this.view(c, e, r);
    });
  }

  async update(actor: Actor, eventId: number, changes: Partial<ReportFields>) {
    return this.ctx.write(actor, async (c) => {
      const e = await this.ctx.events.findVisible(c, eventId, actor.id);
      if (!e) throw new NotFoundError('Evento não encontrado.');
      const r = await this.ctx.reports.findByEvent(c, eventId, true);
      if (!r) throw new NotFoundError('Este evento ainda não tem relatório de impacto.');
      if (r.created_by !== actor.id && !(await this.ctx.organizes(c, e, actor))) {
        throw new PermissionDeniedError('Apenas o organizador ou o autor podem alterar o relatório.');
      }
      const updated = await this.ctx.reports.update(c, r.id, changes);
      await this.ctx.job(c.tx, 'process_event_report_statistics', { report_id: r.id });
      return this.view(c, e, updated);
    });
  }

  /** The report with the names the original served beside the ids: `event_title`, `created_by_name`. */
  private async view(c: Conn, e: EventRecord, r: ReportRecord) {
    const author =
      r.created_by === null
        ? null
        : r.created_by === e.organizer_id
          ? e.organizer_name
          : await this.ctx.reports.authorName(c, r.created_by);
    return reportView(r, { event_title: e.title, created_by_name: author });
  }
}

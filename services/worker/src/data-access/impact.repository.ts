// Report statistics and monthly impact reports: computed from event_reports, stored in the worker's tables.
import type { DeadlineOptions, JobDatabase, Tx } from './job-database.js';
import type { MonthlyImpact, ReportFigures, ReportStatistics } from '../domain/impact-calculation.js';

export interface ReportRow extends ReportFigures {
  id: number;
  event_id: number;
}

// total_hours (ADR 0014): the volunteered_hours() of the event's checked-in participants when anyone checked
// in; the figure the organiser typed in the report only when nobody did.
const FIGURES = `r.trees_planted, r.trash_collected_kg, r.recyclable_material_kg, r.area_cleaned_m2, r.total_participants,
  coalesce((SELECT round(sum(volunteered_hours(p.check_in_time, p.check_out_time, p.hours_override, ev.start_date, ev.end_date)), 2)
              FROM event_participants p JOIN events ev ON ev.id = p.event_id
             WHERE p.event_id = r.event_id AND p.status = 'confirmed' AND p.checked_in), r.total_hours) AS total_hours`;

export class ImpactRepository {
  constructor(private readonly db: JobDatabase) {}

  async report(tx: Tx, reportId: number): Promise<ReportRow | undefined> {
    const rows = await tx.select<ReportRow>(
      `SELECT r.id, r.event_id, ${FIGURES} FROM event_reports r WHERE r.id = $1 FOR SHARE`,
      [reportId],
    );
    return rows[0];
  }

  /** Upsert keyed by report_id: running the job twice leaves one row with the latest figures. */
  async saveReportStatistics(tx: Tx, report: ReportRow, s: ReportStatistics): Promise<void> {
    await tx.exec(
      `INSERT INTO report_statistics (report_id, event_id, co2_offset_kg, waste_diverted_kg, area_cleaned_m2, trees_planted, total_participants, total_hours, computed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (report_id) DO UPDATE SET event_id = EXCLUDED.event_id, co2_offset_kg = EXCLUDED.co2_offset_kg,
         waste_diverted_kg = EXCLUDED.waste_diverted_kg, area_cleaned_m2 = EXCLUDED.area_cleaned_m2, trees_planted = EXCLUDED.trees_planted,
         total_participants = EXCLUDED.total_participants, total_hours = EXCLUDED.total_hours, computed_at = now()`,
      [
        report.id,
        report.event_id,
        s.co2_offset_kg,
        s.waste_diverted_kg,
        s.area_cleaned_m2,
        s.trees_planted,
        s.total_participants,
        s.total_hours,
      ],
    );
  }

  /** Reports of events that started in [start, end) and were not cancelled. */
  async reportsBetween(tx: Tx, start: Date, end: Date): Promise<ReportRow[]> {
    return tx.select<ReportRow>(
      `SELECT r.id, r.event_id, ${FIGURES} FROM event_reports r JOIN events e ON e.id = r.event_id
       WHERE e.start_date >= $1 AND e.start_date < $2 AND e.status <> 'cancelled' ORDER BY r.id`,
      [start.toISOString(), end.toISOString()],
    );
  }

  async saveMonthly(tx: Tx, month: string, start: Date, end: Date, m: MonthlyImpact): Promise<void> {
    await tx.exec(
      `INSERT INTO monthly_impact_reports (month, period_start, period_end, events_count, trees_planted, trash_collected_kg, recyclable_material_kg,
         co2_offset_kg, waste_diverted_kg, area_cleaned_m2, total_participants, total_hours, generated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())
       ON CONFLICT (month) DO UPDATE SET period_start = EXCLUDED.period_start, period_end = EXCLUDED.period_end,
         events_count = EXCLUDED.events_count, trees_planted = EXCLUDED.trees_planted, trash_collected_kg = EXCLUDED.trash_collected_kg,
         recyclable_material_kg = EXCLUDED.recyclable_material_kg, co2_offset_kg = EXCLUDED.co2_offset_kg,
         waste_diverted_kg = EXCLUDED.waste_diverted_kg, area_cleaned_m2 = EXCLUDED.area_cleaned_m2,
         total_participants = EXCLUDED.total_participants, total_hours = EXCLUDED.total_hours, generated_at = now()`,
      [
        month,
        start.toISOString(),
        end.toISOString(),
        m.events_count,
        m.trees_planted,
        m.trash_collected_kg,
        m.recyclable_material_kg,
        m.co2_offset_kg,
        m.waste_diverted_kg,
        m.area_cleaned_m2,
        m.total_participants,
        m.total_hours,
      ],
    );
  }

  transaction<T>(opts: DeadlineOptions, fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction(opts, fn);
  }
}

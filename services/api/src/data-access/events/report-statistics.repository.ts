// The worker's figures for one event report (table report_statistics, migration 0050): absent until the
// worker's process_event_report_statistics job has run.
import { selectOne, type Conn } from './events-db.js';

export interface ReportStatisticsRecord {
  /** numeric columns come back as text: exact decimals. */
  co2_offset_kg: string;
  waste_diverted_kg: string;
  area_cleaned_m2: string;
  computed_at: Date;
}

export class ReportStatisticsRepository {
  async findByReport(c: Conn, reportId: number): Promise<ReportStatisticsRecord | null> {
    return selectOne<ReportStatisticsRecord>(
      c,
      `SELECT co2_offset_kg, waste_diverted_kg, area_cleaned_m2, computed_at
         FROM report_statistics WHERE report_id = $1`,
      [reportId],
    );
  }
}

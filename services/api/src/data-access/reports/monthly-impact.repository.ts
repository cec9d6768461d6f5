// Monthly impact reports written by the worker (table monthly_impact_reports, migration 0050; one per month).
import { select, selectOne, type Conn } from '../events/events-db.js';

export interface MonthlyImpactRecord {
  id: number;
  month: string;
  period_start: Date;
  period_end: Date;
  events_count: number;
  trees_planted: number;
  /** numeric columns come back as text: exact decimals. */
  trash_collected_kg: string;
  recyclable_material_kg: string;
  co2_offset_kg: string;
  waste_diverted_kg: string;
  area_cleaned_m2: string;
  total_participants: number;
  total_hours: string;
  generated_at: Date;
}

export class MonthlyImpactRepository {
  /** Newest month first. */
  async list(
    c: Conn,
    limit: number,
    offset: number,
  ): Promise<{ count: number; rows: MonthlyImpactRecord[] }> {
    const [total] = await select<{ n: number }>(c, 'SELECT count(*)::int AS n FROM monthly_impact_reports');
    const rows =
      limit > 0
        ? await select<MonthlyImpactRecord>(
            c,
            'SELECT * FROM monthly_impact_reports ORDER BY month DESC LIMIT $1 OFFSET $2',
            [limit, offset],
          )
        : [];
    return { count: total?.n ?? 0, rows };
  }

  async findByMonth(c: Conn, month: string): Promise<MonthlyImpactRecord | null> {
    return selectOne<MonthlyImpactRecord>(c, 'SELECT * FROM monthly_impact_reports WHERE month = $1', [
      month,
    ]);
  }
}

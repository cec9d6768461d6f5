// Public read of the worker's monthly impact reports (`YYYY-MM`, newest first).
import type { Sequelize } from 'sequelize';
import {
  MonthlyImpactRepository,
  type MonthlyImpactRecord,
} from '../../data-access/reports/monthly-impact.repository.js';
import { NotFoundError, ValidationError } from '../shared/app-errors.js';
import { toSaoPauloIso } from '../shared/sao-paulo-time.js';

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

export function monthlyImpactView(r: MonthlyImpactRecord) {
  return {
    id: r.id,
    month: r.month,
    period_start: toSaoPauloIso(r.period_start),
    period_end: toSaoPauloIso(r.period_end),
    events_count: r.events_count,
    trees_planted: r.trees_planted,
    trash_collected_kg: r.trash_collected_kg,
    recyclable_material_kg: r.recyclable_material_kg,
    co2_offset_kg: r.co2_offset_kg,
    waste_diverted_kg: r.waste_diverted_kg,
    area_cleaned_m2: r.area_cleaned_m2,
    total_participants: r.total_participants,
    total_hours: r.total_hours,
    generated_at: toSaoPauloIso(r.generated_at),
  };
}
export type MonthlyImpactView = ReturnType<typeof monthlyImpactView>;

/** `2026-03` → valid; anything else → ValidationError on field `month`. */
export function assertMonth(month: string): string {
  if (!MONTH.test(month)) throw ValidationError.field('month', 'Mês inválido: use o formato AAAA-MM.');
  return month;
}

export class MonthlyImpactReports {
  private readonly repo = new MonthlyImpactRepository();

  /** `reader`: stale-tolerant connection (the reports are written by the worker, minutes apart). */
  constructor(private readonly reader: () => Sequelize) {}

  async list(limit: number, offset: number): Promise<{ count: number; rows: MonthlyImpactView[] }> {
    const { count, rows } = await this.repo.list({ sequelize: this.reader() }, limit, offset);
    return { count, rows: rows.map(monthlyImpactView) };
  }

  async get(month: string): Promise<MonthlyImpactView> {
    const r = await this.repo.findByMonth({ sequelize: this.reader() }, assertMonth(month));
    if (!r) throw new NotFoundError('Não há relatório de impacto para este mês.');
    return monthlyImpactView(r);
  }
}

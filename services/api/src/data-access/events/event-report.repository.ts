// The impact report of an event (at most one per event).
import { Params, mutate, selectOne, type Conn } from './events-db.js';

export interface ReportFields {
  total_participants: number;
  total_hours: number;
  trash_collected_kg: number;
  trees_planted: number;
  area_cleaned_m2: number;
  recyclable_material_kg: number;
  summary: string;
  challenges: string;
  achievements: string;
}
const REPORT_COLUMNS = [
  'total_participants',
  'total_hours',
  'trash_collected_kg',
  'trees_planted',
  'area_cleaned_m2',
  'recyclable_material_kg',
  'summary',
  'challenges',
  'achievements',
] as const;

export interface ReportRecord {
  id: number;
  event_id: number;
  created_by: number | null;
  total_participants: number;
  /** numeric columns come back as text: exact decimals. */
  total_hours: string;
  trash_collected_kg: string;
  trees_planted: number;
  area_cleaned_m2: string;
  recyclable_material_kg: string;
  summary: string;
  challenges: string;
  achievements: string;
  created_at: Date;
  updated_at: Date;
}

export class EventReportRepository {
  /** The author's display name: full name, or the username when both names are blank. */
  async authorName(c: Conn, userId: number): Promise<string | null> {
    const row = await selectOne<{ name: string }>(
      c,
      `SELECT coalesce(nullif(btrim(concat_ws(' ', first_name, last_name)), ''), username) AS name
       FROM users WHERE id = $1`,
      [userId],
    );
    return row?.name ?? null;
  }

  async findByEvent(c: Conn, eventId: number, forUpdate = false): Promise<ReportRecord | null> {
    return selectOne<ReportRecord>(
      c,
      `SELECT * FROM event_reports WHERE event_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [eventId],
    );
  }

  /** null when the event already has a report (unique event_id). */
  async insert(c: Conn, eventId: number, createdBy: number, f: ReportFields): Promise<ReportRecord | null> {
    const p = new Params();
    const cols = REPORT_COLUMNS.filter((k) => f[k] !== undefined);
    const vals = cols.map((k) => p.add(f[k]));
    const rows = await mutate<ReportRecord>(
      c,
      `INSERT INTO event_reports (event_id, created_by${cols.map((k) => `, ${k}`).join('')})
       VALUES (${p.add(eventId)}, ${p.add(createdBy)}${vals.map((v) => `, ${v}`).join('')})
       ON CONFLICT (event_id) DO NOTHING RETURNING *`,
      p.values,
    );
    return rows[0] ?? null;
  }

  async update(c: Conn, id: number, changes: Partial<ReportFields>): Promise<ReportRecord> {
    const p = new Params();
    const sets = REPORT_COLUMNS.filter((k) => changes[k] !== undefined).map(
      (k) => `${k} = ${p.add(changes[k])}`,
    );
    sets.push('updated_at = now()');
    const rows = await mutate<ReportRecord>(
      c,
      `UPDATE event_reports SET ${sets.join(', ')} WHERE id = ${p.add(id)} RETURNING *`,
      p.values,
    );
    return rows[0]!;
  }
}

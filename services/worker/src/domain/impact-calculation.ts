// Environmental impact figures derived from event reports (pure functions).

/** kg of CO₂ one planted tree offsets (the original product's figure). */
export const CO2_KG_PER_TREE = 22;

export interface ReportFigures {
  trees_planted: number | string | null;
  trash_collected_kg: number | string | null;
  recyclable_material_kg: number | string | null;
  area_cleaned_m2: number | string | null;
  total_participants?: number | string | null;
  total_hours?: number | string | null;
}

export interface ReportStatistics {
  co2_offset_kg: number;
  waste_diverted_kg: number;
  area_cleaned_m2: number;
  trees_planted: number;
  total_participants: number;
  total_hours: number;
}

/** Empty, null or negative fields count as 0 (the original crashed on empty fields). */
export function num(v: number | string | null | undefined): number {
  if (v === null || v === undefined || v === '') return 0;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) && n > 0 ? n : 0;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function computeReportStatistics(r: ReportFigures): ReportStatistics {
  const trees = num(r.trees_planted);
  return {
    co2_offset_kg: round2(trees * CO2_KG_PER_TREE),
    waste_diverted_kg: round2(num(r.trash_collected_kg) + num(r.recyclable_material_kg)),
    area_cleaned_m2: round2(num(r.area_cleaned_m2)),
    trees_planted: Math.round(trees),
    total_participants: Math.round(num(r.total_participants)),
    total_hours: round2(num(r.total_hours)),
  };
}

export interface MonthlyImpact extends ReportStatistics {
  events_count: number;
  trash_collected_kg: number;
  recyclable_material_kg: number;
}

export function sumMonthlyImpact(reports: ReportFigures[]): MonthlyImpact {
  const sum = (f: (r: ReportFigures) => number) => reports.reduce((a, r) => a + f(r), 0);
  const trees = sum((r) => num(r.trees_planted));
  const trash = sum((r) => num(r.trash_collected_kg));
  const recyclable = sum((r) => num(r.recyclable_material_kg));
  return {
    events_count: reports.length,
    trees_planted: Math.round(trees),
    trash_collected_kg: round2(trash),
    recyclable_material_kg: round2(recyclable),
    co2_offset_kg: round2(trees * CO2_KG_PER_TREE),
    waste_diverted_kg: round2(trash + recyclable),
    area_cleaned_m2: round2(sum((r) => num(r.area_cleaned_m2))),
    total_participants: Math.round(sum((r) => num(r.total_participants))),
    total_hours: round2(sum((r) => num(r.total_hours))),
  };
}

export const REPORT_TIME_ZONE = 'America/Sao_Paulo';

/** Offset (ms) of `tz` from UTC at instant `at`. */
function tzOffsetMs(at: Date, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** Local midnight of the first day of `year-month` in `tz`, as a UTC instant. */
export function monthStart(year: number, month1: number, tz = REPORT_TIME_ZONE): Date {
  const guess = new Date(Date.UTC(year, month1 - 1, 1));
  return new Date(guess.getTime() - tzOffsetMs(guess, tz));
}

/** The month before `at` in `tz`, as 'YYYY-MM' (the report of the 1st covers the previous month). */
export function previousMonth(at: Date, tz = REPORT_TIME_ZONE): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
  }).formatToParts(at);
  let y = Number(parts.find((p) => p.type === 'year')!.value);
  let m = Number(parts.find((p) => p.type === 'month')!.value) - 1;
  if (m === 0) {
    m = 12;
    y -= 1;
  }
  return `${y}-${String(m).padStart(2, '0')}`;
}

/** [start, end) instants of month 'YYYY-MM' in `tz`. */
export function monthRange(month: string, tz = REPORT_TIME_ZONE): { start: Date; end: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? { y: y + 1, m: 1 } : { y, m: m + 1 };
  return { start: monthStart(y, m, tz), end: monthStart(next.y, next.m, tz) };
}

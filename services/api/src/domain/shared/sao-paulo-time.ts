// Every datetime the API answers is written in America/Sao_Paulo with its offset, as the original Django
// service did (TIME_ZONE='America/Sao_Paulo', USE_TZ=True): 2026-12-13T08:00:00-03:00.
export const SAO_PAULO = 'America/Sao_Paulo';

const parts = new Intl.DateTimeFormat('en-US', {
  timeZone: SAO_PAULO,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/** The zone's UTC offset in minutes during one UTC hour (Brazil changes offset on whole UTC hours only). */
const offsetByHour = new Map<number, number>();

function offsetMinutesAt(t: number): number {
  const hour = Math.floor(t / 3_600_000);
  let off = offsetByHour.get(hour);
  if (off === undefined) {
    const at = new Date(hour * 3_600_000);
    const p: Record<string, number> = {};
    for (const x of parts.formatToParts(at)) if (x.type !== 'literal') p[x.type] = Number(x.value);
    const wallUtc = Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
    off = Math.round((wallUtc - at.getTime()) / 60_000);
    if (offsetByHour.size >= 100_000) offsetByHour.clear();
    offsetByHour.set(hour, off);
  }
  return off;
}

/**
 * The instant as São Paulo wall-clock time with its UTC offset (the zone's rules, so the DST years before
 * 2019 get -02:00). Milliseconds only when not zero, as Python's isoformat() adds microseconds only then.
 * The zone is asked once per UTC hour (Intl's formatToParts costs microseconds; a page formats hundreds of dates).
 */
export function toSaoPauloIso(d: Date): string {
  const t = d.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid date');
  const offsetMin = offsetMinutesAt(t);
  const w = new Date(t + offsetMin * 60_000);
  const ms = w.getUTCMilliseconds();
  const sign = offsetMin < 0 ? '-' : '+';
  return (
    `${pad(w.getUTCFullYear(), 4)}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}T${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}` +
    (ms ? `.${pad(ms, 3)}` : '') +
    `${sign}${pad(Math.trunc(offsetMin / 60))}:${pad(offsetMin % 60)}`
  );
}

/** `toSaoPauloIso` for nullable columns; also accepts what pg returns for timestamptz as text. */
export function spIso(d: Date | string | null | undefined): string | null {
  if (d === null || d === undefined) return null;
  return toSaoPauloIso(d instanceof Date ? d : new Date(d));
}

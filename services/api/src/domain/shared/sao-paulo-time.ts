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

/**
 * The instant as São Paulo wall-clock time with its UTC offset (the zone's rules, so the DST years before
 * 2019 get -02:00). Milliseconds only when not zero, as Python's isoformat() adds microseconds only then.
 */
export function toSaoPauloIso(d: Date): string {
  const t = d.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid date');
  const p: Record<string, number> = {};
  for (const x of parts.formatToParts(d)) if (x.type !== 'literal') p[x.type] = Number(x.value);
  const wallUtc = Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
  const offsetMin = Math.round((wallUtc - (t - d.getUTCMilliseconds())) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const ms = d.getUTCMilliseconds();
  return (
    `${pad(p['year']!, 4)}-${pad(p['month']!)}-${pad(p['day']!)}T${pad(p['hour']!)}:${pad(p['minute']!)}:${pad(p['second']!)}` +
    (ms ? `.${pad(ms, 3)}` : '') +
    `${sign}${pad(Math.trunc(offsetMin / 60))}:${pad(offsetMin % 60)}`
  );
}

/** `toSaoPauloIso` for nullable columns; also accepts what pg returns for timestamptz as text. */
export function spIso(d: Date | string | null | undefined): string | null {
  if (d === null || d === undefined) return null;
  return toSaoPauloIso(d instanceof Date ? d : new Date(d));
}

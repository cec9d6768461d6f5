// An iCalendar (.ics, RFC 5545) file for "add to calendar": one VEVENT in UTC.
import type { EventDetail } from './event.types.js';

const stamp = (iso: string) =>
  new Date(iso)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const esc = (s: string) =>
  s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');

/** Folds lines longer than 75 octets (RFC 5545 §3.1). */
function fold(line: string): string {
  const out: string[] = [];
  let rest = line;
  while (Buffer.byteLength(rest) > 75) {
    let cut = 74;
    while (Buffer.byteLength(rest.slice(0, cut)) > 74) cut--;
    out.push(rest.slice(0, cut));
    rest = ` ${rest.slice(cut)}`;
  }
  out.push(rest);
  return out.join('\r\n');
}

export function eventIcs(e: EventDetail, url: string, host: string): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Mutiroes//Web//PT-BR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:evento-${e.id}@${host}`,
    `DTSTAMP:${stamp(new Date().toISOString())}`,
    `DTSTART:${stamp(e.start_date)}`,
    `DTEND:${stamp(e.end_date)}`,
    `SUMMARY:${esc(e.title)}`,
    `DESCRIPTION:${esc(`${e.description}\n\n${url}`)}`,
    `LOCATION:${esc(`${e.address}, ${e.city}/${e.state}`)}`,
    ...(e.latitude !== null && e.longitude !== null
      ? [`GEO:${Number(e.latitude)};${Number(e.longitude)}`]
      : []),
    `URL:${url}`,
    ...(e.status === 'cancelled' ? ['STATUS:CANCELLED'] : ['STATUS:CONFIRMED']),
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}

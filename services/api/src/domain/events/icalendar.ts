// RFC 5545 iCalendar text (pure): VCALENDAR with a fixed America/Sao_Paulo VTIMEZONE (no summer time since
// 2019; feeds carry upcoming and recent events only), stable UIDs, SEQUENCE from the event, escaped and
// folded lines, CRLF.
import type { CalendarEventRow } from '../../data-access/events/calendar.repository.js';

const TZID = 'America/Sao_Paulo';
const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${TZID}`,
  'X-LIC-LOCATION:America/Sao_Paulo',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0300',
  'TZOFFSETTO:-0300',
  'TZNAME:-03',
  'DTSTART:19700101T000000',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** TEXT value escaping (RFC 5545 3.3.11). */
export function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets, never inside a UTF-8 sequence (3.1). */
export function foldLine(line: string): string {
  const out: string[] = [];
  let cur = '';
  let curBytes = 0;
  for (const ch of line) {
    const b = Buffer.byteLength(ch);
    const limit = out.length === 0 ? 75 : 74; // continuation lines start with a space
    if (curBytes + b > limit) {
      out.push(cur);
      cur = '';
      curBytes = 0;
    }
    cur += ch;
    curBytes += b;
  }
  out.push(cur);
  return out.join('\r\n ');
}

/** Local São Paulo time as DATE-TIME form 2 (with TZID): UTC-3 all year. */
export function spLocal(d: Date): string {
  return new Date(d.getTime() - 3 * 3_600_000).toISOString().replace(/[-:]/g, '').slice(0, 15);
}

const utcStamp = (d: Date): string =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

export interface CalendarOptions {
  /** X-WR-CALNAME shown by calendar apps. */
  name: string;
  /** Public base URL of the web app / gateway, for each event's URL. */
  baseUrl?: string;
  now?: Date;
}

export function eventUid(id: number): string {
  return `event-${id}@mutiroes`;
}

export function buildCalendar(events: CalendarEventRow[], opts: CalendarOptions): string {
  const now = opts.now ?? new Date();
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Mutiroes//Mutiroes API//PT-BR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(opts.name)}`,
    `X-WR-TIMEZONE:${TZID}`,
    ...VTIMEZONE,
  ];
  for (const e of events) {
    const place = [e.address, `${e.city}/${e.state}`].filter(Boolean).join(', ');
    lines.push(
      'BEGIN:VEVENT',
      `UID:${eventUid(e.id)}`,
      `DTSTAMP:${utcStamp(now)}`,
      `CREATED:${utcStamp(e.created_at)}`,
      `LAST-MODIFIED:${utcStamp(e.updated_at)}`,
      `SEQUENCE:${e.ical_sequence}`,
      `DTSTART;TZID=${TZID}:${spLocal(e.start_date)}`,
      `DTEND;TZID=${TZID}:${spLocal(e.end_date)}`,
      `SUMMARY:${escapeText(e.title)}`,
      `DESCRIPTION:${escapeText(e.description)}`,
      `LOCATION:${escapeText(place)}`,
      ...(e.latitude !== null && e.longitude !== null ? [`GEO:${e.latitude};${e.longitude}`] : []),
      `STATUS:${e.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
      ...(opts.baseUrl ? [`URL:${opts.baseUrl}/events/${e.id}`] : []),
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

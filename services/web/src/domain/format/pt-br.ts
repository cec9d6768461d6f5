// How the web app shows dates and numbers: pt-BR, always in America/Sao_Paulo (server and browser agree).
export const TIME_ZONE = 'America/Sao_Paulo';

const dateTime = new Intl.DateTimeFormat('pt-BR', {
  timeZone: TIME_ZONE,
  weekday: 'short',
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const dateOnly = new Intl.DateTimeFormat('pt-BR', {
  timeZone: TIME_ZONE,
  day: '2-digit',
  month: 'long',
  year: 'numeric',
});
const timeOnly = new Intl.DateTimeFormat('pt-BR', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
});
const monthName = new Intl.DateTimeFormat('pt-BR', { timeZone: 'UTC', month: 'long', year: 'numeric' });
const number = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1 });

function valid(iso: string | null | undefined): Date | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function formatDateTime(iso: string | null | undefined): string {
  const d = valid(iso);
  return d ? dateTime.format(d) : '—';
}

export function formatDate(iso: string | null | undefined): string {
  const d = valid(iso);
  return d ? dateOnly.format(d) : '—';
}

export function formatTime(iso: string | null | undefined): string {
  const d = valid(iso);
  return d ? timeOnly.format(d) : '—';
}

/** "sáb., 13 de dez. de 2026, 08:00 – 12:00" (same day) or both ends in full. */
export function formatRange(start: string | null | undefined, end: string | null | undefined): string {
  const s = valid(start);
  const e = valid(end);
  if (!s) return '—';
  if (!e) return dateTime.format(s);
  const sameDay = dateOnly.format(s) === dateOnly.format(e);
  return sameDay
    ? `${dateTime.format(s)} – ${timeOnly.format(e)}`
    : `${dateTime.format(s)} – ${dateTime.format(e)}`;
}

export function formatNumber(n: number | string | null | undefined): string {
  const v = typeof n === 'string' ? Number(n) : n;
  return v === null || v === undefined || Number.isNaN(v) ? '0' : number.format(v);
}

/** `2026-11` → "novembro de 2026". */
export function formatMonth(ym: string): string {
  const m = /^(\d{4})-(\d{2})/.exec(ym);
  return m ? monthName.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1))) : ym;
}

/** The São Paulo wall-clock value of an ISO instant for <input type="datetime-local"> ("2026-12-13T08:00"). */
export function toLocalInput(iso: string | null | undefined): string {
  const d = valid(iso);
  if (!d) return '';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: TIME_ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}`;
}

// Participant export (issue #16): CSV for spreadsheets — UTF-8 with BOM, CRLF rows, RFC 4180 quoting, and
// cells that a spreadsheet would run as a formula (= + - @, tab, CR) prefixed with an apostrophe.
import type { ParticipantRecord } from '../../data-access/events/participant.repository.js';
import { spIso } from '../shared/sao-paulo-time.js';

const HEADER = [
  'id',
  'usuario',
  'nome',
  'sobrenome',
  'status',
  'posicao_lista_espera',
  'nivel_experiencia',
  'contato_emergencia',
  'telefone_emergencia',
  'necessidades_especiais',
  'idade_verificada',
  'check_in',
  'horario_check_in',
  'inscrito_em',
];

/** One cell: formula-looking text defused, then quoted when it holds a separator, quote or line break. */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let s = typeof value === 'boolean' ? (value ? 'sim' : 'não') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function participantsCsv(rows: ParticipantRecord[]): string {
  const lines = [HEADER.join(',')];
  for (const p of rows) {
    lines.push(
      [
        p.id,
        p.username,
        p.first_name,
        p.last_name,
        p.status,
        p.waitlist_position,
        p.experience_level,
        p.emergency_contact,
        p.emergency_phone,
        p.special_needs,
        p.age_verified,
        p.checked_in,
        spIso(p.check_in_time),
        spIso(p.registered_at),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCalendar, escapeText, foldLine, spLocal } from './icalendar.js';

const row = {
  id: 42,
  title: 'Mutirão; praia, rio\\mangue',
  description: 'Linha 1\nLinha 2',
  address: 'Av. Beira Mar, 100',
  city: 'Santos',
  state: 'SP',
  latitude: '-23.967800',
  longitude: '-46.328900',
  start_date: new Date('2026-12-13T11:00:00Z'),
  end_date: new Date('2026-12-13T14:00:00Z'),
  status: 'cancelled',
  ical_sequence: 3,
  updated_at: new Date('2026-12-01T10:00:00Z'),
  created_at: new Date('2026-11-01T10:00:00Z'),
};

describe('iCalendar (RFC 5545)', () => {
  test('when text has ; , \\ and line breaks then they are escaped', () => {
    assert.equal(escapeText('a;b,c\\d\ne'), 'a\\;b\\,c\\\\d\\ne');
  });

  test('when a line is longer than 75 octets then it is folded without splitting a UTF-8 character', () => {
    const folded = foldLine(`SUMMARY:${'ã'.repeat(60)}`);
    const parts = folded.split('\r\n');
    assert.ok(parts.length > 1);
    for (const p of parts) assert.ok(Buffer.byteLength(p) <= 75, p);
    assert.equal(parts.map((p, i) => (i ? p.slice(1) : p)).join(''), `SUMMARY:${'ã'.repeat(60)}`);
  });

  test('when an event is rendered then it has a stable UID, its SEQUENCE, São Paulo local times and the VTIMEZONE', () => {
    const ics = buildCalendar([row], { name: 'Teste', now: new Date('2026-12-03T09:00:00Z') });
    assert.ok(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n'));
    assert.ok(ics.endsWith('END:VCALENDAR\r\n'));
    assert.doesNotMatch(ics.replace(/\r\n/g, ''), /\n/);
    assert.match(ics, /\r\nUID:event-42@mutiroes\r\n/);
    assert.match(ics, /\r\nSEQUENCE:3\r\n/);
    assert.match(ics, /\r\nDTSTART;TZID=America\/Sao_Paulo:20261213T080000\r\n/);
    assert.match(ics, /\r\nDTEND;TZID=America\/Sao_Paulo:20261213T110000\r\n/);
    assert.match(ics, /\r\nDTSTAMP:20261203T090000Z\r\n/);
    assert.match(ics, /BEGIN:VTIMEZONE\r\nTZID:America\/Sao_Paulo\r\n/);
    assert.match(ics, /TZOFFSETFROM:-0300\r\nTZOFFSETTO:-0300/);
    assert.match(ics, /\r\nSTATUS:CANCELLED\r\n/);
    assert.match(ics, /\r\nSUMMARY:Mutirão\\; praia\\, rio\\\\mangue\r\n/);
    assert.match(ics, /\r\nGEO:-23.967800;-46.328900\r\n/);
  });

  test('when a date is converted then it is UTC-3 local time', () => {
    assert.equal(spLocal(new Date('2027-01-01T02:30:00Z')), '20261231T233000');
  });
});

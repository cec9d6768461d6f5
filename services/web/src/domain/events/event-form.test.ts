import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyEventForm, eventApiBody, validateEventForm } from './event-form.js';
import { apiListPath, listHref, parseListFilters } from './event-list.view-model.js';
import { eventIcs } from './event-ics.js';
import { participantsCsv } from './participants-csv.js';
import type { EventDetail } from './event.types.js';

const filled = () => ({
  ...emptyEventForm(),
  title: 'Limpeza',
  description: 'Recolher lixo',
  category: '1',
  address: 'Rua A, 1',
  city: 'Santos',
  state: 'sp',
  start_date: '2027-01-10T08:00',
  end_date: '2027-01-10T12:00',
  max_participants: '20',
});

describe('event form', () => {
  test('when every required field is filled then there is no error and the body carries São Paulo times and the pin', () => {
    const v = { ...filled(), latitude: '-23.96', longitude: '-46.33' };
    assert.deepEqual(validateEventForm(v), {});
    const b = eventApiBody(v);
    assert.equal(b['start_date'], '2027-01-10T08:00:00-03:00');
    assert.equal(b['state'], 'SP');
    assert.equal(b['latitude'], -23.96);
    assert.equal(b['is_public'], true);
  });

  test('when the end is before the start, ages are crossed and only one coordinate is given then each field says so', () => {
    const e = validateEventForm({
      ...filled(),
      end_date: '2027-01-10T07:00',
      min_age: '30',
      max_age: '18',
      latitude: '-23.9',
      title: '',
    });
    assert.match(e.end_date![0]!, /posterior/);
    assert.match(e.max_age![0]!, /maior/);
    assert.ok(e.latitude);
    assert.deepEqual(e.title, ['Este campo é obrigatório.']);
  });
});

describe('events list URL', () => {
  test('when filters come from the URL then junk is dropped and the API query and shareable link round-trip', () => {
    const f = parseListFilters(
      new URLSearchParams('q=praia&categoria=3&uf=sp&de=2027-01-01&ate=bad&ordem=hack&pagina=2&vista=mapa'),
    );
    assert.equal(f.state, 'SP');
    assert.equal(f.to, '');
    assert.equal(f.ordering, 'start_date');
    assert.equal(f.page, 2);
    assert.match(apiListPath(f), /search=praia/);
    assert.match(apiListPath(f), /start_date=2027-01-01T00%3A00%3A00-03%3A00/);
    assert.equal(listHref(f, { category: '4' }), '?q=praia&categoria=4&uf=SP&de=2027-01-01&vista=mapa');
    assert.equal(parseListFilters(new URLSearchParams(listHref(f, { page: 3 }).slice(1))).page, 3);
  });
});

describe('calendar and CSV', () => {
  test('when an event is exported then the .ics has one UTC VEVENT with escaped text', () => {
    const ics = eventIcs(
      {
        id: 7,
        title: 'Praia; limpa, já',
        description: 'linha 1\nlinha 2',
        address: 'Av. X',
        city: 'Santos',
        state: 'SP',
        start_date: '2027-01-10T08:00:00-03:00',
        end_date: '2027-01-10T12:00:00-03:00',
        latitude: '-23.9',
        longitude: '-46.3',
        status: 'published',
      } as unknown as EventDetail,
      'http://x/eventos/7',
      'x',
    );
    assert.match(ics, /DTSTART:20270110T110000Z/);
    assert.match(ics, /SUMMARY:Praia\\; limpa\\, já/);
    assert.ok(ics.split('\r\n').every((l) => Buffer.byteLength(l) <= 75));
  });

  test('when a participant name looks like a formula then the CSV cell is neutralised and quoted', () => {
    const csv = participantsCsv([['nome'], ['=HYPERLINK("x")'], ['Ana, Bia']]);
    assert.match(csv, /'=HYPERLINK\(""x""\)/);
    assert.match(csv, /"Ana, Bia"/);
  });
});

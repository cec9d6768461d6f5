// Contract tests of the report statistics in GET /api/events/{id}/report/ and of /api/reports/monthly/:
// a real API on port 0 against the mesh's Postgres; the worker's tables are filled with SQL as fixtures.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEventsApi, type EventsApi, type TestUser } from '../events/test-support/events-api.js';

let api: EventsApi;
let org: TestUser;
const DAY = 86_400_000;
// Months no worker run produces (the newest of all), so they lead the newest-first listing.
const FIXTURE_MONTHS = ['2999-01', '2999-02', '2999-03'];

async function createEventWithReport(): Promise<{ eventId: number; reportId: number }> {
  const cats = await api.call('GET', '/api/events/categories/');
  const start = new Date(Date.now() + 10 * DAY);
  const e = await api.call('POST', '/api/events/', {
    token: org.token,
    body: {
      title: 'Mutirão no mangue',
      description: 'Retirada de resíduos do manguezal',
      category: cats.body[0].id,
      address: 'Rua do Porto, 10',
      latitude: -8.05,
      longitude: -34.9,
      city: 'Recife',
      state: 'PE',
      start_date: start.toISOString(),
      end_date: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
      max_participants: 10,
      status: 'published',
    },
  });
  assert.equal(e.status, 201, JSON.stringify(e.body));
  // Inserted directly (not POSTed): no process_event_report_statistics job, so no worker can race the fixture.
  const [r] = await api.sql<{ id: number }>(
    `INSERT INTO event_reports (event_id, created_by, trees_planted, area_cleaned_m2)
     VALUES ($1, $2, 4, 250) RETURNING id`,
    [e.body.id, org.id],
  );
  return { eventId: e.body.id, reportId: r!.id };
}

async function insertMonth(month: string, eventsCount: number): Promise<void> {
  const start = new Date(`${month}-01T03:00:00Z`);
  const end = new Date(start);
  end.setUTCMonth(end.getUTCMonth() + 1);
  await api.sql(
    `INSERT INTO monthly_impact_reports (month, period_start, period_end, events_count, trees_planted,
       trash_collected_kg, recyclable_material_kg, co2_offset_kg, waste_diverted_kg, area_cleaned_m2,
       total_participants, total_hours)
     VALUES ($1, $2, $3, $4, 7, 120.5, 30, 88.25, 150.5, 1200, 42, 126.5) RETURNING id`,
    [month, start.toISOString(), end.toISOString(), eventsCount],
  );
}

async function deleteFixtureMonths(): Promise<void> {
  await api.sql('DELETE FROM monthly_impact_reports WHERE month = ANY($1) RETURNING id', [FIXTURE_MONTHS]);
}

before(async () => {
  api = await startEventsApi();
  org = await api.user({ name: 'rep' });
  await deleteFixtureMonths();
});
after(async () => {
  if (api) await deleteFixtureMonths();
  await api?.close();
});

describe('event report statistics', () => {
  test('when the worker has not computed the statistics then statistics is null', async () => {
    const { eventId } = await createEventWithReport();
    const r = await api.call('GET', `/api/events/${eventId}/report/`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.event, eventId);
    assert.equal(r.body.trees_planted, 4);
    assert.ok('statistics' in r.body);
    assert.equal(r.body.statistics, null);
  });

  test('when report_statistics has a row then the report carries its figures', async () => {
    const { eventId, reportId } = await createEventWithReport();
    const computedAt = '2026-11-20T12:34:56.000Z';
    await api.sql(
      `INSERT INTO report_statistics (report_id, event_id, co2_offset_kg, waste_diverted_kg, area_cleaned_m2,
         trees_planted, computed_at)
       VALUES ($1, $2, 12.5, 40.25, 250, 4, $3) RETURNING report_id`,
      [reportId, eventId, computedAt],
    );
    for (const path of [`/api/events/${eventId}/report/`, `/api/events/${eventId}/report`]) {
      const r = await api.call('GET', path);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.statistics, {
        co2_offset_kg: '12.50',
        waste_diverted_kg: '40.25',
        area_cleaned_m2: '250.00',
        // Served in São Paulo time with its offset (issue #11): 12:34:56 UTC is 09:34:56-03:00.
        computed_at: '2026-11-20T09:34:56-03:00',
      });
      assert.equal(r.body.id, reportId);
    }
  });
});

describe('monthly impact reports', () => {
  before(async () => {
    await insertMonth('2999-01', 1);
    await insertMonth('2999-03', 3);
    await insertMonth('2999-02', 2);
  });

  test('when a month exists then it is returned with every figure, with and without trailing slash', async () => {
    for (const path of ['/api/reports/monthly/2999-02/', '/api/reports/monthly/2999-02']) {
      const r = await api.call('GET', path);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(Object.keys(r.body).sort(), [
        'area_cleaned_m2',
        'co2_offset_kg',
        'events_count',
        'generated_at',
        'id',
        'month',
        'period_end',
        'period_start',
        'recyclable_material_kg',
        'total_hours',
        'total_participants',
        'trash_collected_kg',
        'trees_planted',
        'waste_diverted_kg',
      ]);
      assert.equal(r.body.month, '2999-02');
      assert.equal(r.body.events_count, 2);
      assert.equal(r.body.trees_planted, 7);
      assert.equal(r.body.trash_collected_kg, '120.50');
      assert.equal(r.body.co2_offset_kg, '88.25');
      assert.equal(r.body.waste_diverted_kg, '150.50');
      assert.equal(r.body.area_cleaned_m2, '1200.00');
      assert.equal(r.body.total_hours, '126.50');
      assert.equal(r.body.period_start, '2999-02-01T00:00:00-03:00');
      assert.equal(r.body.period_end, '2999-03-01T00:00:00-03:00');
      assert.ok(!Number.isNaN(Date.parse(r.body.generated_at)));
    }
  });

  test('when the month has no report then 404 with detail', async () => {
    const r = await api.call('GET', '/api/reports/monthly/2998-07/');
    assert.equal(r.status, 404);
    assert.equal(typeof r.body.detail, 'string');
  });

  test('when the month is malformed then 400 with a month field error', async () => {
    for (const bad of ['2999-13', '2999-00', '2999-1', '299-01', 'janeiro', '2999-02-01']) {
      const r = await api.call('GET', `/api/reports/monthly/${bad}/`);
      assert.equal(r.status, 400, `${bad}: ${r.text}`);
      assert.ok(Array.isArray(r.body.month) && typeof r.body.month[0] === 'string', r.text);
    }
  });

  test('when listed then newest month first, paginated with absolute links', async () => {
    const all = await api.call('GET', '/api/reports/monthly/');
    assert.equal(all.status, 200);
    assert.ok(all.body.count >= 3);
    assert.deepEqual(
      all.body.results.slice(0, 3).map((m: any) => m.month),
      ['2999-03', '2999-02', '2999-01'],
    );
    const months = all.body.results.map((m: any) => m.month);
    assert.deepEqual(months, [...months].sort().reverse());

    const p1 = await api.call('GET', '/api/reports/monthly?page_size=2');
    assert.equal(p1.status, 200);
    assert.equal(p1.body.count, all.body.count);
    assert.deepEqual(
      p1.body.results.map((m: any) => m.month),
      ['2999-03', '2999-02'],
    );
    assert.equal(p1.body.previous, null);
    assert.equal(p1.body.next, `${api.url}/api/reports/monthly?page_size=2&page=2`);

    const p2 = await api.call('GET', '/api/reports/monthly/?page_size=2&page=2');
    assert.equal(p2.status, 200);
    assert.equal(p2.body.results[0].month, '2999-01');
    assert.equal(p2.body.previous, `${api.url}/api/reports/monthly/?page_size=2`);

    const beyond = await api.call('GET', '/api/reports/monthly/?page=9999');
    assert.equal(beyond.status, 404);
    assert.equal(beyond.body.detail, 'Página inválida.');
  });
});

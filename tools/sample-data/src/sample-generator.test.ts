import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CITIES } from './sample-catalog.js';
import {
  createEventPool,
  createRng,
  fillPlace,
  generateEvents,
  generateUsers,
  type UserRef,
} from './sample-generator.js';

const NOW = new Date('2026-11-25T04:00:00Z');
const CATEGORIES = [
  'Limpeza de Praias',
  'Limpeza de Rios',
  'Plantio de Árvores',
  'Limpeza de Parques',
  'Reciclagem',
  'Educação Ambiental',
  'Limpeza Urbana',
  'Proteção Animal',
  'Hortas Comunitárias',
  'Preservação de Mangues',
  'Categoria Nova',
].map((name, i) => ({ id: i + 1, name }));

function world(users: number, seed = 42) {
  const rng = createRng(seed);
  const sample = generateUsers(rng, {
    tag: 'abc123',
    firstNumber: 1,
    count: users,
    categoryIds: CATEGORIES.map((c) => c.id),
    now: NOW,
  });
  const refs: UserRef[] = sample.map((u, i) => ({
    id: 100 + i,
    cityIndex: u.cityIndex,
    first_name: u.first_name,
    last_name: u.last_name,
  }));
  const organizers = new Set(sample.flatMap((u, i) => (u.is_organizer ? [100 + i] : [])));
  return { rng, sample, pool: createEventPool(refs, organizers, CATEGORIES) };
}

describe('generateUsers', () => {
  test('when users are generated then names are unique, tagged, ASCII and the first user organises', () => {
    const { sample } = world(400);
    assert.equal(new Set(sample.map((u) => u.username)).size, 400);
    for (const u of sample) {
      assert.match(u.username, /^[a-z0-9]+\.[a-z0-9]+\.abc123\.\d+$/);
      assert.equal(u.email, `${u.username}@example.com`);
      assert.match(u.profile.phone, /^\+?1?\d{9,15}$/);
      assert.match(u.profile.zip_code, /^\d{5}-\d{3}$/);
      assert.equal(u.profile.state.length, 2);
      assert.ok(u.date_joined.getTime() < NOW.getTime() - 365 * 86_400_000);
    }
    assert.equal(sample[0]!.is_organizer, true);
  });

  test('when the seed is the same then the users are the same', () => {
    assert.deepEqual(world(20, 7).sample, world(20, 7).sample);
    assert.notDeepEqual(world(20, 7).sample, world(20, 8).sample);
  });
});

describe('generateEvents', () => {
  test('when a batch is generated then every row respects capacity, dates, check-ins and reports', () => {
    const { rng, pool } = world(60);
    const b = generateEvents(rng, pool, 600, NOW);
    const now = NOW.getTime();
    assert.equal(b.events.length, 600);
    const statuses = new Set(b.events.map((e) => e.status));
    assert.deepEqual([...statuses].sort(), ['cancelled', 'completed', 'draft', 'published']);
    for (const e of b.events) {
      assert.ok(e.start_date < e.end_date && e.registration_deadline < e.start_date, e.title);
      assert.ok(e.created_at.getTime() < now && e.updated_at.getTime() < now + 1);
      assert.ok(e.max_age === null || e.min_age < e.max_age);
      assert.ok(e.title.length > 5 && e.title.length <= 200 && !/[{}|]/.test(e.title), e.title);
      assert.ok(Math.abs(e.latitude) <= 90 && Math.abs(e.longitude) <= 180);
      const city = CITIES.find((c) => c.name === e.city)!;
      assert.ok(
        Math.hypot(e.latitude - city.lat, e.longitude - city.lng) < 0.1,
        `${e.city} ${e.latitude},${e.longitude}`,
      );
      assert.equal(
        e.status === 'completed' || e.status === 'cancelled',
        e.end_date.getTime() < now || e.status === 'cancelled',
      );
    }
    const seen = new Set<string>();
    b.events.forEach((e, i) => {
      const ps = b.participants.filter((p) => p.eventIdx === i);
      for (const p of ps) {
        const key = `${i}:${p.user_id}`;
        assert.ok(!seen.has(key), 'one row per (event, user)');
        seen.add(key);
        assert.notEqual(p.user_id, e.organizer_id);
        assert.ok(p.registered_at.getTime() < now);
        assert.equal(p.checked_in, p.check_in_time !== null);
        if (p.checked_in) assert.equal(p.status, 'confirmed');
      }
      const confirmed = ps.filter((p) => p.status === 'confirmed').length;
      const pending = ps.filter((p) => p.status === 'pending').length;
      assert.ok(confirmed + pending <= e.max_participants, `${confirmed}+${pending} > ${e.max_participants}`);
      if (e.status === 'draft') assert.equal(ps.length, 0);
      if (e.status === 'completed')
        assert.ok(ps.filter((p) => p.status === 'confirmed').every((p) => p.checked_in));
      else assert.ok(ps.every((p) => !p.checked_in));
      if (e.status === 'cancelled') assert.ok(ps.every((p) => p.status === 'cancelled'));
      const reports = b.reports.filter((r) => r.eventIdx === i);
      assert.ok(reports.length <= 1);
      if (reports[0]) {
        assert.equal(e.status, 'completed');
        assert.equal(reports[0].total_participants, ps.filter((p) => p.checked_in).length);
        assert.ok(reports[0].created_at > e.end_date && reports[0].created_at.getTime() < now);
      }
    });
    assert.ok(b.reports.length > 100);
    assert.ok(b.reports.some((r) => r.trash_collected_kg > 0) && b.reports.some((r) => r.trees_planted > 0));
    b.comments.forEach((c) => {
      assert.ok(c.created_at.getTime() < now);
      if (c.parentIdx !== null) {
        const parent = b.comments[c.parentIdx]!;
        assert.equal(parent.eventIdx, c.eventIdx);
        assert.ok(parent.created_at <= c.created_at);
        assert.equal(parent.parentIdx, null);
      }
    });
    assert.ok(
      b.comments.some((c) => c.parentIdx !== null),
      'some comments are threaded',
    );
    for (const r of b.resources) assert.ok(r.quantity_needed >= 1 && r.quantity_provided >= 0);
  });

  test('when there are fewer users than seats then nobody is listed twice and the organiser never joins', () => {
    const { rng, pool } = world(3);
    const b = generateEvents(rng, pool, 50, NOW);
    for (let i = 0; i < 50; i++) {
      const ps = b.participants.filter((p) => p.eventIdx === i);
      assert.ok(ps.length <= 2);
      assert.equal(new Set(ps.map((p) => p.user_id)).size, ps.length);
    }
  });
});

describe('fillPlace', () => {
  test('when the place is a beach, a river or a neighbourhood then the contraction agrees with it', () => {
    assert.equal(fillPlace('Limpeza {da} {p}', 'Praia de Iracema', 'beaches'), 'Limpeza da Praia de Iracema');
    assert.equal(fillPlace('Mutirão {no} {p}', 'Rio Capibaribe', 'rivers'), 'Mutirão no Rio Capibaribe');
    assert.equal(
      fillPlace('Plantio de mudas nativas {no} {p}', 'Parque do Cocó', 'parks'),
      'Plantio de mudas nativas no Parque do Cocó',
    );
    assert.equal(fillPlace('Horta {do} {p}', 'Messejana', 'neighbourhoods'), 'Horta de Messejana');
    assert.equal(
      fillPlace('Mil árvores para {o} {p}', 'Benfica', 'neighbourhoods'),
      'Mil árvores para Benfica',
    );
    assert.equal(
      fillPlace('{trash} kg {na} {p}', 'Lagoa Mundaú', 'rivers', { trash: '12,5' }),
      '12,5 kg na Lagoa Mundaú',
    );
  });
});

// Compatibility suite (issue #11): replays, call by call, what the original public web client (lastaps
// `mutiroes-frontend`: src/lib/api.ts, src/contexts/AuthContext.tsx, its pages) sends — method, path, body,
// headers — through a real gateway to the real API instances of the mesh, and asserts the status and the
// fields that client reads from each answer. Every answer is also validated against /api/schema/.
// Then the /api/docs/ reference page is opened in headless Chromium through the same gateway.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@mutiroes/mesh';
import { waitFor } from '@mutiroes/platform';
import { connectTestMesh, type MeshControl } from '../test-support/api-harness.js';
import { JwtTokens } from '../../../domain/users/jwt-tokens.service.js';
import {
  createResponseValidator,
  type ResponseValidator,
} from '../openapi/test-support/response-validator.js';

const PASSWORD = 'Mangue-Vivo-2024!';
const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;

let mesh: MeshControl;
let gateway = '';
let startedGateway: string | undefined;
let startedApi: string | undefined;
let validator: ResponseValidator;
/** Every call the replay made, for the closing table: function, method, path, status. */
const transcript: Array<{ fn: string; method: string; path: string; status: number }> = [];

interface Answer {
  status: number;
  data: any;
  /** What the client shows on failure: `data.message || "HTTP error! status: N"`. */
  errorMessage: string | null;
}

/**
 * Behaves as the client's ApiClient: base URL `<gateway>/api`; every request carries
 * `Content-Type: application/json`, and `Authorization: Bearer <token>` while a token is stored; the answer is
 * parsed as JSON or taken as `{}`; a non-2xx answer becomes an error whose message is `data.message` or
 * `HTTP error! status: N`. Written from reading the client, not copied from it.
 */
class ReplayedClient {
  token: string | null = null;
  constructor(private readonly base: string) {}

  async request(
    fn: string,
    endpoint: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<Answer> {
    const method = init.method ?? 'GET';
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.token) headers['Authorization'] = `Bearer ${this.token}`;
    const res = await fetch(`${this.base}${endpoint}`, {
      method,
      headers,
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    const data: any = parsed ?? {};
    const path = `/api${endpoint}`;
    transcript.push({ fn, method, path: path.replace(/_t=\d+/, '_t=…'), status: res.status });
    const problems = validator.check(method, path, res.status, parsed, res.headers.get('content-type'));
    assert.deepEqual(problems, [], `${fn}: ${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return {
      status: res.status,
      data,
      errorMessage: res.ok ? null : (data?.message ?? `HTTP error! status: ${res.status}`),
    };
  }

  // src/lib/api.ts, one method per function of the client.
  async login(email: string, password: string) {
    const r = await this.request('login', '/token/', { method: 'POST', body: { email, password } });
    if (r.status === 200) this.token = r.data.access;
    return r;
  }
  register(u: Record<string, string>) {
    return this.request('register', '/users/register/', { method: 'POST', body: u });
  }
  logout() {
    this.token = null;
  }
  getEvents(params?: Record<string, string | number | undefined>) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined) q.append(k, String(v));
    q.append('_t', String(Date.now()));
    return this.request('getEvents', `/events/?${q.toString()}`);
  }
  getEvent(id: number) {
    return this.request('getEvent', `/events/${id}/`);
  }
  createEvent(body: unknown) {
    return this.request('createEvent', '/events/', { method: 'POST', body });
  }
  updateEvent(id: number, body: unknown) {
    return this.request('updateEvent', `/events/${id}/`, { method: 'PATCH', body });
  }
  deleteEvent(id: number) {
    return this.request('deleteEvent', `/events/${id}/`, { method: 'DELETE' });
  }
  joinEvent(id: number) {
    return this.request('joinEvent', `/events/${id}/join/`, { method: 'POST' });
  }
  leaveEvent(id: number) {
    return this.request('leaveEvent', `/events/${id}/leave/`, { method: 'POST' });
  }
  checkInEvent(id: number) {
    return this.request('checkInEvent', `/events/${id}/check_in/`, { method: 'POST' });
  }
  getEventStats(id: number) {
    return this.request('getEventStats', `/events/${id}/stats/`);
  }
  getMyEvents() {
    return this.request('getMyEvents', '/events/my_events/');
  }
  getNearbyEvents(latitude: number, longitude: number, radius = 10) {
    return this.request(
      'getNearbyEvents',
      `/events/nearby/?latitude=${latitude}&longitude=${longitude}&radius=${radius}`,
    );
  }
  getEventReport(eventId: number) {
    return this.request('getEventReport', `/events/${eventId}/report/`);
  }
  createEventReport(eventId: number, body: unknown) {
    return this.request('createEventReport', `/events/${eventId}/report/`, { method: 'POST', body });
  }
  updateEventReport(eventId: number, body: unknown) {
    return this.request('updateEventReport', `/events/${eventId}/report/`, { method: 'PUT', body });
  }
  getCategories() {
    return this.request('getCategories', '/events/categories/');
  }
  getProfile() {
    return this.request('getProfile', '/users/profile/');
  }
  updateProfile(body: unknown) {
    return this.request('updateProfile', '/users/profile/update/', { method: 'PATCH', body });
  }
  getUserStats() {
    return this.request('getUserStats', '/users/stats/');
  }
  getLeaderboard(category?: string) {
    return this.request('getLeaderboard', `/users/leaderboard/${category ? `?category=${category}` : ''}`);
  }
  getUserRank(category?: string) {
    return this.request('getUserRank', `/users/rank/${category ? `?category=${category}` : ''}`);
  }

  /** AuthContext: after login (and on load with a stored token) the profile becomes the user. */
  async authenticatedUser() {
    const r = await this.getProfile();
    if (r.status !== 200) {
      this.token = null; // checkAuthStatus drops the token when the profile cannot be read
      return { answer: r, user: null };
    }
    const user = r.data.user ? { ...r.data.user, profile: r.data } : r.data;
    return { answer: r, user };
  }
}

/** The volunteer's journey needs a new account: the client's registration form, then its login. */
async function newAccount(client: ReplayedClient, first: string) {
  const username = `${first.toLowerCase()}_${run}`;
  const email = `${username}@example.test`;
  const reg = await client.register({
    username,
    email,
    password: PASSWORD,
    password_confirm: PASSWORD,
    first_name: first,
    last_name: 'Silva',
  });
  assert.equal(reg.status, 201, JSON.stringify(reg.data));
  const login = await client.login(email, PASSWORD);
  assert.equal(login.status, 200);
  assert.equal(typeof login.data.access, 'string');
  const { user } = await client.authenticatedUser();
  assert.ok(user);
  return { username, email, user };
}

/** The body the create-event page builds from its form: naive local datetimes, numbers, booleans. */
function createEventForm(categoryId: number, day: string) {
  return {
    title: `Mutirão da Orla ${run}`,
    description: 'Recolher plástico da areia e da restinga.',
    category: categoryId,
    start_date: `${day}T08:00:00`,
    end_date: `${day}T11:30:00`,
    registration_deadline: `${day}T06:00:00`,
    address: 'Praia de Boa Viagem, posto 3',
    city: 'Recife',
    state: 'PE',
    latitude: -8.1196,
    longitude: -34.8999,
    max_participants: 25,
    is_public: true,
    requires_approval: false,
    status: 'published',
  };
}

before(async () => {
  mesh = await connectTestMesh();
  const apis = (await mesh.status()).filter((c) => c.kind === 'api' && c.running);
  if (apis.length === 0) {
    startedApi = await mesh.startInstance('api');
    await mesh.waitPassing('api', [startedApi], 90_000);
  }
  // A gateway of its own: the client's calls all come from 127.0.0.1, so the auth limit (10/min per address)
  // is raised for this instance; everything else is the gateway as deployed.
  startedGateway = await mesh.startInstance('gateway', { env: { GATEWAY_AUTH_RATE_PER_MIN: '600' } });
  const port = (
    await waitFor(async () => (await mesh.status()).find((c) => c.name === startedGateway && c.running), {
      timeoutMs: 20_000,
      description: 'the gateway process',
    })
  ).port;
  gateway = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${gateway}/api/events/categories/`).catch(() => null))?.ok ?? false,
    {
      timeoutMs: 60_000,
      intervalMs: 250,
      description: 'the gateway to route /api',
    },
  );
  const schema = await fetch(`${gateway}/api/schema/`);
  assert.equal(schema.status, 200);
  validator = createResponseValidator((await schema.json()) as Record<string, unknown>);
});

after(async () => {
  if (transcript.length) {
    console.log('\ncalls of the original web client through the gateway:');
    console.table(transcript);
  }
  if (startedGateway) await mesh.remove(startedGateway);
  if (startedApi) await mesh.remove(startedApi);
});

describe('the original web client through the gateway', () => {
  test('when a visitor registers, logs in, creates an event and a volunteer joins it then every call of the client succeeds with the fields it reads', async () => {
    const org = new ReplayedClient(`${gateway}/api`);

    // cadastro page → AuthContext.register: errors are read from data.email / data.username / data.password.
    const a = await newAccount(org, 'Ana');
    assert.equal(a.user.username, a.username);
    for (const k of ['id', 'email', 'first_name', 'last_name']) assert.ok(k in a.user, k);
    assert.ok('avatar' in a.user.profile, 'Header reads user.profile.avatar');
    assert.equal(a.user.profile.avatar, null);
    const dupEmail = await org.register({
      username: `outra_${run}`,
      email: a.email,
      password: PASSWORD,
      password_confirm: PASSWORD,
      first_name: 'Outra',
      last_name: 'Pessoa',
    });
    assert.equal(dupEmail.status, 400);
    assert.equal(typeof dupEmail.data.email?.[0], 'string', 'AuthContext shows data.email[0]');
    const weak = await org.register({
      username: `fraca_${run}`,
      email: `fraca_${run}@example.test`,
      password: '12345678',
      password_confirm: '12345678',
      first_name: '',
      last_name: '',
    });
    assert.equal(weak.status, 400);
    assert.equal(typeof weak.data.password?.[0], 'string', 'AuthContext shows data.password[0]');

    // login page: a failed login shows error.message, which must be the API's message, not "HTTP error!".
    const anon = new ReplayedClient(`${gateway}/api`);
    const failed = await anon.login(a.email, 'senha-errada-123');
    assert.equal(failed.status, 401);
    assert.ok(
      failed.errorMessage && !failed.errorMessage.startsWith('HTTP error'),
      String(failed.errorMessage),
    );

    // eventos/criar page: categories (array or page), then the form's body.
    const cats = await org.getCategories();
    assert.equal(cats.status, 200);
    const categories = Array.isArray(cats.data) ? cats.data : cats.data.results;
    assert.ok(categories.length > 0 && categories[0].id && categories[0].name);
    const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const created = await org.createEvent(createEventForm(categories[0].id, day));
    assert.equal(created.status, 201, JSON.stringify(created.data));
    const id: number = created.data.id;
    assert.ok(Number.isInteger(id), 'the page redirects to /eventos/<data.id>');

    // home page: getEvents({limit: 6}); it prints start_date.split('T')[1].substring(0, 5) as the hour.
    const home = await org.getEvents({ limit: 6 });
    assert.equal(home.status, 200);
    const mine = (home.data.results as any[]).find((e) => e.id === id);
    assert.ok(mine, 'the new event is on the first page (newest first)');
    assert.equal(mine.start_date.split('T')[1].substring(0, 5), '08:00', 'São Paulo hour in the string');
    assert.equal(mine.start_date, `${day}T08:00:00-03:00`);
    for (const k of ['title', 'city', 'state', 'participants_count', 'max_participants'])
      assert.ok(k in mine, k);
    assert.equal(mine.category.name, categories[0].name);
    assert.equal(mine.is_organizer, true);
    assert.equal(mine.user_participating, false);

    // eventos page: getEvents() with no parameters; it reads organizer_name, description, address.
    const list = await org.getEvents();
    assert.equal(list.status, 200);
    const item = (list.data.results as any[]).find((e) => e.id === id);
    assert.equal(item.organizer_name, 'Ana Silva');
    assert.ok(item.description && item.address);

    // eventos/[id] page as the organiser: the report form shows when user.username === event.organizer.
    const asOrganiser = await org.getEvent(id);
    assert.equal(asOrganiser.status, 200);
    assert.equal(asOrganiser.data.organizer, a.user.username);
    assert.equal(asOrganiser.data.is_organizer, true);
    for (const k of [
      'organizer_avatar',
      'requires_approval',
      'is_public',
      'end_date',
      'latitude',
      'longitude',
    ])
      assert.ok(k in asOrganiser.data, k);
    assert.ok(Number.isFinite(asOrganiser.data.latitude - -8), 'the page does arithmetic on latitude');
    const patched = await org.updateEvent(id, { title: `Mutirão da Orla (manhã) ${run}` });
    assert.equal(patched.status, 200);

    // A volunteer who never gave a birth date joins; the page refetches and the button turns into "Inscrito".
    const vol = new ReplayedClient(`${gateway}/api`);
    const b = await newAccount(vol, 'Bruno');
    const before = await vol.getEvent(id);
    assert.equal(before.data.user_participating, false);
    assert.notEqual(before.data.organizer, b.user.username, 'a volunteer does not get the report form');
    const joined = await vol.joinEvent(id);
    assert.equal(joined.status, 201, JSON.stringify(joined.data));
    assert.equal(joined.data.age_verified, false);
    const after = await vol.getEvent(id);
    assert.equal(after.data.user_participating, true);
    assert.equal(after.data.user_participation_status, 'confirmed');
    assert.equal(after.data.participants_count, 1);
    const again = await vol.joinEvent(id);
    assert.equal(again.status, 400);
    assert.ok(again.errorMessage && !again.errorMessage.startsWith('HTTP error'));
    const unverified = await org.getEvent(id);
    assert.equal(
      unverified.data.participants.find((p: any) => p.user_name === b.username)?.age_verified,
      false,
      'the organiser sees the unverified age in the participant list',
    );

    // perfil page: organized / participating lists.
    const my = await vol.getMyEvents();
    assert.equal(my.status, 200);
    assert.deepEqual(my.data.organized, []);
    const p = (my.data.participating as any[]).find((e) => e.id === id);
    for (const k of ['title', 'description', 'start_date', 'city', 'state']) assert.ok(k in p, k);

    const stats = await vol.getEventStats(id);
    assert.equal(stats.status, 200);
    assert.equal(stats.data.confirmed_participants, 1);
    // Check-in opens 1 h before the start (issue #14): days before, the client shows the API's pt-BR refusal.
    const checkIn = await vol.checkInEvent(id);
    assert.equal(checkIn.status, 400, JSON.stringify(checkIn.data));
    assert.match(checkIn.errorMessage ?? '', /check-in só é possível/);

    // useNearbyEvents: the answer is an array.
    const near = await vol.getNearbyEvents(-8.12, -34.9, 10);
    assert.equal(near.status, 200);
    assert.ok((near.data as any[]).some((e) => e.id === id));

    // EventReport component (organiser): 404 first (caught), then create; afterwards PUT what it read, edited.
    const none = await org.getEventReport(id);
    assert.equal(none.status, 404);
    const made = await org.createEventReport(id, {
      total_participants: '12',
      total_hours: '36.5',
      trash_collected_kg: '48',
      summary: 'Orla limpa.',
    });
    assert.equal(made.status, 201, JSON.stringify(made.data));
    const report = await org.getEventReport(id);
    assert.equal(report.status, 200);
    assert.equal(report.data.created_by_name, 'Ana Silva');
    assert.equal(report.data.event_title, `Mutirão da Orla (manhã) ${run}`);
    assert.match(report.data.created_at, /-03:00$/);
    const updated = await org.updateEventReport(id, { ...report.data, achievements: 'Primeiro mutirão!' });
    assert.equal(updated.status, 200, JSON.stringify(updated.data));
    assert.equal(updated.data.achievements, 'Primeiro mutirão!');

    // Another volunteer joins and leaves.
    const c = new ReplayedClient(`${gateway}/api`);
    await newAccount(c, 'Carla');
    assert.equal((await c.joinEvent(id)).status, 201);
    const left = await c.leaveEvent(id);
    assert.equal(left.status, 200);
    assert.equal((await c.getEvent(id)).data.user_participating, false);

    // Profile, stats, leaderboard and rank functions of api.ts.
    const prof = await vol.updateProfile({ bio: 'Gosto de praia limpa.', city: 'Recife', state: 'PE' });
    assert.equal(prof.status, 200);
    assert.equal((await vol.authenticatedUser()).user.profile.bio, 'Gosto de praia limpa.');
    const us = await vol.getUserStats();
    assert.equal(us.status, 200);
    assert.ok('total_events_participated' in us.data);
    for (const cat of [undefined, 'events']) {
      assert.equal((await vol.getLeaderboard(cat)).status, 200);
      assert.equal((await vol.getUserRank(cat)).status, 200);
    }

    // Bad input stays a 400 with field errors and writes nothing.
    const countBefore = (await org.getMyEvents()).data.organized.length;
    const bad = await org.createEvent({
      ...createEventForm(categories[0].id, day),
      end_date: `${day}T07:00:00`,
    });
    assert.equal(bad.status, 400);
    assert.ok(Array.isArray(bad.data.end_date), JSON.stringify(bad.data));
    assert.equal((await org.getMyEvents()).data.organized.length, countBefore);

    // deleteEvent: 204 without a body (the client falls back to {}).
    const spare = await org.createEvent(createEventForm(categories[0].id, day));
    const del = await org.deleteEvent(spare.data.id);
    assert.equal(del.status, 204);
    assert.deepEqual(del.data, {});
  });

  test('when the stored token is stale then public reads still work and the profile read tells the client to log in again', async () => {
    const client = new ReplayedClient(`${gateway}/api`);
    const { user } = await newAccount(client, 'Dora');
    const secret = process.env['JWT_SECRET'];
    assert.ok(secret, 'the mesh env carries JWT_SECRET');
    // The client keeps its 60-minute token in localStorage: forge one that expired two minutes ago.
    client.token = new JwtTokens({ secret, accessTtlS: -120, refreshTtlS: 60 }).signAccess({
      id: user.id,
      username: user.username,
      email: user.email,
      is_staff: false,
    });
    const events = await client.getEvents({ limit: 6 });
    assert.equal(events.status, 200, 'a public read with an expired token is answered as anonymous');
    assert.ok((events.data.results as any[]).every((e) => e.user_participating === false));
    assert.equal((await client.getCategories()).status, 200);
    const { answer } = await client.authenticatedUser();
    assert.equal(answer.status, 401);
    assert.ok(answer.errorMessage && !answer.errorMessage.startsWith('HTTP error'));
    assert.equal(client.token, null, 'AuthContext drops the token');
    client.token = 'not-a-jwt';
    assert.equal((await client.getEvents()).status, 200, 'a garbage token on a public read is anonymous too');
    client.logout();
    assert.equal((await client.getEvents()).status, 200);
  });
});

describe('API reference page through the gateway', () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('when /api/docs/ is opened in Chromium then the reference renders from this origin only', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') cspErrors.push(m.text());
    });
    const res = await page.goto(`${gateway}/api/docs/`);
    assert.equal(res?.status(), 200);
    assert.equal(await page.title(), 'Mutirões API — referência');
    const heading = page.locator('.info .title');
    await heading.waitFor({ timeout: 30_000 });
    assert.match((await heading.textContent()) ?? '', /Mutirões API/);
    await page.getByText('/api/events/{id}/join/').first().waitFor({ timeout: 10_000 });
    const foreign = requests.filter((u) => !u.startsWith(gateway) && !u.startsWith('data:'));
    assert.deepEqual(foreign, [], 'no request leaves the origin (no CDN)');
    assert.ok(
      requests.some((u) => u === `${gateway}/api/schema/`),
      'the page loads the served document',
    );
    assert.deepEqual(
      cspErrors.filter((t) => /Content Security Policy/i.test(t)),
      [],
    );
    await page.close();
  });
});

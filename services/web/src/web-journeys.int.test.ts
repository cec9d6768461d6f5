// The web app in real headless Chromium, through the gateway, on the mesh: the volunteer's and the organiser's
// journeys, accessibility (axe-core: 0 serious/critical on every screen), keyboard focus, screenshots at
// 390 px and 1280 px, and the session/CSRF attack checks.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { waitFor } from '@mutiroes/platform';
import { openWebFixture, REPO_ROOT, run, type WebFixture } from './test-support/web-fixture.js';
import { standInTile } from './entry-points/http/stand-in-tiles.js';
import { toLocalInput } from './domain/format/pt-br.js';
import { writeQrY4m } from './test-support/fake-camera.js';

const require = createRequire(import.meta.url);
let f: WebFixture;
let browser: Browser;
let axeSource = '';
const SHOTS = path.join(REPO_ROOT, 'test-results', 'web');
const PASSWORD = 'Mutirao-Verde-2026!';
const violations: Array<{ screen: string; id: string; impact: string; nodes: number; help: string }> = [];
const audited = new Set<string>();

before(async () => {
  f = await openWebFixture({ webs: 2 });
  browser = await f.launchBrowser();
  axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  await mkdir(SHOTS, { recursive: true });
  console.log(`web app under test: ${f.base}/`);
});

after(async () => {
  await browser?.close();
  await f?.close();
});

/** axe-core on the current page (serious/critical kept), then screenshots at 390 px and 1280 px. */
async function audit(page: Page, screen: string): Promise<void> {
  await page.waitForLoadState('load');
  await page.addScriptTag({ content: axeSource });
  const result = (await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            o: unknown,
          ): Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[]; help: string }> }>;
        };
      }
    ).axe;
    return axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
  })) as { violations: Array<{ id: string; impact: string; nodes: unknown[]; help: string }> };
  for (const v of result.violations) {
    if (v.impact === 'serious' || v.impact === 'critical')
      violations.push({ screen, id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help });
  }
  audited.add(screen);
  const vp = page.viewportSize();
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.screenshot({ path: path.join(SHOTS, `${screen}-${width}.png`), fullPage: true });
  }
  if (vp) await page.setViewportSize(vp);
}

async function newUser(
  ctx: BrowserContext,
  who: string,
): Promise<{ page: Page; email: string; username: string }> {
  const page = await ctx.newPage();
  const username = `${who}_${run}`;
  const email = `${who}.${run}@example.com`;
  await page.goto(`${f.base}/cadastro`);
  await page.getByLabel('Nome', { exact: true }).fill(who === 'org' ? 'Renata' : 'Caio');
  await page.getByLabel('Sobrenome').fill('Teste');
  await page.getByLabel('Nome de usuário').fill(username);
  await page.getByLabel('E-mail').fill(email);
  const pw = page.getByLabel('Senha', { exact: true });
  await pw.fill('1234');
  // The rules react as you type.
  assert.ok((await page.locator('.rules .todo').count()) >= 2);
  await pw.fill(PASSWORD);
  await waitFor(async () => (await page.locator('.rules .todo').count()) === 0, {
    timeoutMs: 5000,
    description: 'password rules all met',
  });
  await page.getByLabel('Confirme a senha').fill(PASSWORD);
  await page.getByRole('button', { name: 'Criar conta' }).click();
  await page.waitForURL(/\/eventos$/);
  await page.getByRole('button', { name: 'Sair' }).waitFor();
  return { page, email, username };
}

/** Events with age limits need a birth date on the profile (until the API accepts joins without one). */
async function setBirthDate(page: Page): Promise<void> {
  await page.goto(`${f.base}/perfil`);
  await page.getByLabel('Data de nascimento').fill('1995-04-20');
  await page.getByRole('button', { name: 'Salvar perfil' }).click();
  await page.getByRole('status').filter({ hasText: 'Perfil atualizado' }).waitFor();
}

let eventId = 0;
let eventTitle = '';
let organiser: { ctx: BrowserContext; page: Page };
const PIN = { lat: 0, lng: 0 };

describe('web app journeys through the gateway', () => {
  test('when an organiser creates an event with a map pin then it is published at the pinned place and bad input stays in the form', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'pt-BR',
      timezoneId: 'America/Sao_Paulo',
    });
    const { page } = await newUser(ctx, 'org');
    organiser = { ctx, page };
    await audit(page, 'eventos');
    await page.goto(`${f.base}/eventos/novo`);
    eventTitle = `Limpeza da Praia ${run}`;
    await page.getByLabel('Título').fill(eventTitle);
    await page.getByLabel('Descrição').fill('Recolher lixo da faixa de areia e separar os recicláveis.');
    await page.getByLabel('Categoria').selectOption({ index: 1 });
    await page.getByLabel('Endereço').fill('Av. Beira-Mar, 100');
    await page.getByLabel('Cidade').fill('São Paulo');
    await page.getByLabel('UF (sigla do estado)').fill('SP');
    // Within the hour: the API takes check-ins from 1 h before the start, and the event is still upcoming.
    const start = new Date(Date.now() + 40 * 60_000);
    const end = new Date(start.getTime() + 4 * 3_600_000);
    // End before start: the form says so next to the field and keeps everything typed.
    await page.getByLabel('Início (horário de Brasília)').fill(toLocalInput(end.toISOString()));
    await page.getByLabel('Término (horário de Brasília)').fill(toLocalInput(start.toISOString()));
    await page.getByLabel('Número máximo de participantes').fill('20');
    await page.getByLabel('Inscrições precisam de aprovação').check();
    const picker = page.getByTestId('location-picker');
    await picker.and(page.locator('[data-ready="true"]')).waitFor();
    await picker.click({ position: { x: 150, y: 120 } });
    await waitFor(async () => (await page.getByLabel('Latitude').inputValue()) !== '', {
      timeoutMs: 5000,
      description: 'pin to fill latitude',
    });
    PIN.lat = Number(await page.getByLabel('Latitude').inputValue());
    PIN.lng = Number(await page.getByLabel('Longitude').inputValue());
    assert.ok(
      PIN.lat < -23 && PIN.lat > -24 && PIN.lng < -46 && PIN.lng > -47,
      `pin at ${PIN.lat},${PIN.lng}`,
    );
    await page.getByRole('button', { name: 'Criar evento' }).click();
    await page.locator('#f-end_date-err').waitFor();
    assert.match(await page.locator('#f-end_date-err').innerText(), /posterior/);
    assert.equal(await page.getByLabel('Título').inputValue(), eventTitle);
    await audit(page, 'criar-evento');
    await page.getByLabel('Início (horário de Brasília)').fill(toLocalInput(start.toISOString()));
    await page.getByLabel('Término (horário de Brasília)').fill(toLocalInput(end.toISOString()));
    await page.getByRole('button', { name: 'Criar evento' }).click();
    await page.waitForURL(/\/eventos\/\d+$/);
    eventId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByRole('heading', { name: eventTitle }).waitFor();
    const stored = (await (await fetch(`${f.base}/api/events/${eventId}/`)).json()) as {
      latitude: string;
      longitude: string;
      requires_approval: boolean;
    };
    assert.ok(
      Math.abs(Number(stored.latitude) - PIN.lat) < 1e-5 &&
        Math.abs(Number(stored.longitude) - PIN.lng) < 1e-5,
      JSON.stringify(stored),
    );
    assert.equal(stored.requires_approval, true);
    await page.getByRole('heading', { name: 'Organização' }).waitFor();
    await audit(page, 'evento-organizador');
  });

  test('when a volunteer logs in, finds the event near a position, joins, comments and leaves then each step shows', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'pt-BR',
      timezoneId: 'America/Sao_Paulo',
      geolocation: { latitude: PIN.lat + 0.01, longitude: PIN.lng - 0.01 },
      permissions: ['geolocation'],
    });
    const { page, email } = await newUser(ctx, 'vol');
    // Log out (the refresh token is revoked), then log in again.
    await page.getByRole('button', { name: 'Sair' }).click();
    await page.getByRole('link', { name: 'Entrar' }).first().waitFor();
    await page.goto(`${f.base}/entrar`);
    await audit(page, 'entrar');
    await page.getByLabel('E-mail ou nome de usuário').fill(email);
    await page.getByLabel('Senha').fill('senha-errada-123');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('alert').filter({ hasText: 'incorretos' }).waitFor();
    assert.equal(await page.getByLabel('E-mail ou nome de usuário').inputValue(), email);
    await page.getByLabel('Senha').fill(PASSWORD);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    // Session tokens are invisible to page scripts.
    const visible = await page.evaluate(() => document.cookie);
    assert.doesNotMatch(visible, /mt_access|mt_refresh|mt_csrf/);
    const cookies = await ctx.cookies();
    for (const name of ['mt_access', 'mt_refresh']) {
      const c = cookies.find((x) => x.name === name);
      assert.ok(c, `${name} set`);
      assert.equal(c.httpOnly, true);
      assert.equal(c.sameSite, 'Lax');
    }

    await page.getByTestId('locate').click();
    await page.waitForURL(/lat=/);
    await waitFor(
      async () => {
        if (await page.getByTestId('nearby-list').getByRole('link', { name: eventTitle }).count())
          return true;
        await page.reload();
        return false;
      },
      { timeoutMs: 20_000, intervalMs: 500, description: 'the event in the nearby list' },
    );
    await audit(page, 'inicio');
    const nearUrl = page.url();
    await setBirthDate(page);
    await page.goto(nearUrl);
    await page.getByTestId('nearby-list').getByRole('link', { name: eventTitle }).click();
    await page.waitForURL(new RegExp(`/eventos/${eventId}$`));
    await page.getByRole('heading', { level: 1, name: eventTitle }).waitFor();
    // The place's map sits below the fold on a phone: Leaflet is fetched when it scrolls near (200 px ahead), and
    // then shows one pin. Checked on a fresh load at the top of a short phone screen (390 × 480): at 844 px the
    // map sits about at the fold plus the margin, so a line more or less of text above it decided the outcome.
    const detailUrl = page.url();
    await page.setViewportSize({ width: 390, height: 480 });
    await page.goto(nearUrl);
    // networkidle: hydrated, and whatever the page fetches by itself fetched (Leaflet too, were the map near).
    await page.goto(detailUrl, { waitUntil: 'networkidle' });
    const detailMap = page.getByTestId('events-map');
    assert.equal(
      await detailMap.getAttribute('data-ready'),
      null,
      'map drawn before it was near the viewport',
    );
    await audit(page, 'evento');
    await detailMap.scrollIntoViewIfNeeded();
    await page.locator('[data-testid="events-map"][data-ready="1"]').waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Participar' }).click();
    await page.getByTestId('my-status').filter({ hasText: 'aguarda aprovação' }).waitFor();

    await page.getByLabel('Seu comentário').fill('Vou levar luvas extras!');
    await page.getByRole('button', { name: 'Comentar' }).click();
    await page.locator('.comments').getByText('Vou levar luvas extras!').waitFor();
    await page.getByRole('button', { name: 'Responder' }).first().click();
    await page.getByLabel('Sua resposta').fill('E sacos de lixo também.');
    await page.getByRole('button', { name: 'Responder' }).last().click();
    await page.locator('.comments .comments').getByText('E sacos de lixo também.').waitFor();

    await page.getByRole('button', { name: 'Sair do evento' }).click();
    await page.getByRole('button', { name: 'Participar' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Você saiu do evento' }).waitFor();
    await ctx.close();
  });

  test('when a volunteer joins, the organiser approves, the volunteer checks in and the organiser reports with a photo then all of it shows', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'pt-BR',
      timezoneId: 'America/Sao_Paulo',
    });
    const { page } = await newUser(ctx, 'vol2');
    await setBirthDate(page);
    await page.goto(`${f.base}/eventos/${eventId}`);
    await page.getByRole('button', { name: 'Participar' }).click();
    await page.getByTestId('my-status').filter({ hasText: 'aguarda aprovação' }).waitFor();

    const org = organiser.page;
    await org.goto(`${f.base}/eventos/${eventId}`);
    const row = org.getByTestId('pending-participant').filter({ hasText: 'Caio' });
    await row.waitFor();
    await row.getByRole('button', { name: /^Aprovar/ }).click();
    await org.getByRole('status').filter({ hasText: 'Participante aprovado' }).waitFor();
    await org.getByTestId('confirmed-participant').filter({ hasText: 'Caio' }).waitFor();

    await page.reload();
    await page.getByRole('button', { name: 'Fazer check-in' }).click();
    await page.getByTestId('my-status').filter({ hasText: 'check-in' }).waitFor();
    await org.reload();
    await org.getByTestId('confirmed-participant').filter({ hasText: 'check-in feito' }).waitFor();

    const csv = await org.request.get(`${f.base}/eventos/${eventId}/participantes.csv`);
    assert.equal(csv.status(), 200);
    // The API's export: …,nome,sobrenome,status, five columns, age verified, checked in.
    assert.match(await csv.text(), /,Caio,Teste,confirmed,(?:[^,]*,){6}sim,/);
    const ics = await (await fetch(`${f.base}/eventos/${eventId}/calendario.ics`)).text();
    assert.match(ics, /BEGIN:VEVENT[\s\S]*SUMMARY:Limpeza da Praia/);

    await org
      .getByRole('link', { name: /relatório/i })
      .first()
      .click();
    await org.waitForURL(/\/relatorio$/);
    await org.getByLabel('Total de horas de voluntariado').fill('4');
    await org.getByLabel('Lixo recolhido (kg)').fill('abc');
    await org.getByRole('button', { name: 'Salvar relatório' }).click();
    await org.locator('#f-trash_collected_kg-err').waitFor();
    assert.equal(await org.getByLabel('Total de horas de voluntariado').inputValue(), '4');
    await org.getByLabel('Lixo recolhido (kg)').fill('35,5');
    await org.getByLabel('Resumo').fill('Praia limpa e 12 sacos de recicláveis.');
    await org.getByRole('button', { name: 'Salvar relatório' }).click();
    await org.getByRole('status').filter({ hasText: 'Relatório salvo' }).waitFor();
    await org
      .getByLabel(/^Foto/)
      .setInputFiles({ name: 'praia.png', mimeType: 'image/png', buffer: standInTile() });
    await org.getByLabel('Legenda').fill('Depois do mutirão');
    await org.getByRole('button', { name: 'Enviar foto' }).click();
    await org.getByRole('status').filter({ hasText: 'Foto enviada' }).waitFor();
    await audit(org, 'relatorio');
    await org.goto(`${f.base}/eventos/${eventId}`);
    await org.getByRole('img', { name: 'Depois do mutirão' }).waitFor();
    const report = (await (await fetch(`${f.base}/api/events/${eventId}/report/`)).json()) as {
      trash_collected_kg: string;
    };
    assert.equal(Number(report.trash_collected_kg), 35.5);
    await ctx.close();
  });

  test('when a volunteer points the camera at the organisers’ QR then they are checked in; the organiser reads their personal code to check them out and corrects the hours', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'pt-BR',
      timezoneId: 'America/Sao_Paulo',
    });
    const { page } = await newUser(ctx, 'vol3');
    await setBirthDate(page);
    await page.goto(`${f.base}/eventos/${eventId}`);
    await page.getByRole('button', { name: 'Participar' }).click();
    await page.getByTestId('my-status').filter({ hasText: 'aguarda aprovação' }).waitFor();
    const org = organiser.page;
    await org.goto(`${f.base}/eventos/${eventId}`);
    await org
      .getByTestId('pending-participant')
      .getByRole('button', { name: /^Aprovar/ })
      .click();
    await org.getByRole('status').filter({ hasText: 'Participante aprovado' }).waitFor();
    // The phone: a Chromium whose camera films what the file shows (read when the camera starts, so the
    // organisers' current code is written there just before).
    const y4m = path.join(os.tmpdir(), `mutiroes-qr-${run}.y4m`);
    await writeQrY4m('MUT1.placeholder', y4m);
    const phone = await f.launchBrowser([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${y4m}`,
    ]);
    try {
      const camCtx = await phone.newContext({
        storageState: await ctx.storageState(),
        viewport: { width: 390, height: 844 },
        locale: 'pt-BR',
        timezoneId: 'America/Sao_Paulo',
      });
      const cam = await camCtx.newPage();
      await cam.goto(`${f.base}/eventos/${eventId}`);
      await cam.getByRole('link', { name: 'Check-in/out por QR code' }).click();
      await cam.waitForURL(/\/presenca$/);
      await cam.getByTestId('personal-qr').waitFor();
      await audit(cam, 'presenca-participante');

      await org.getByRole('link', { name: 'Presença por QR code' }).click();
      await org.waitForURL(/\/qr$/);
      const shown = org.getByTestId('event-qr');
      await shown.waitFor();
      await audit(org, 'presenca-organizador');
      const code = await shown.getAttribute('data-code');
      assert.match(code ?? '', new RegExp(`^MUT1\\.E\\.${eventId}\\.I\\.`));
      await writeQrY4m(code!, y4m);
      await cam.getByRole('button', { name: 'Ler QR code com a câmera' }).click();
      await cam.getByRole('status').filter({ hasText: 'Check-in realizado' }).waitFor({ timeout: 30_000 });
      await cam.getByTestId('my-presence').filter({ hasText: 'Entrada às' }).waitFor();

      // The organiser reads the volunteer's personal code (typed here: the fallback without a camera).
      const personal = (await cam.getByTestId('personal-qr').getAttribute('data-code'))!;
      assert.match(personal, new RegExp(`^MUT1\\.P\\.${eventId}\\.`));
      await org.getByLabel('Ou digite o código').fill(personal);
      await org.getByRole('button', { name: 'Enviar código' }).click();
      await org.getByRole('status').filter({ hasText: 'Check-out realizado' }).waitFor();
      // The same personal code again is a replay.
      await org.getByLabel('Ou digite o código').fill(personal);
      await org.getByRole('button', { name: 'Enviar código' }).click();
      await org.locator('.field-errors').filter({ hasText: 'já foi usado' }).waitFor();

      // In and out before the start: 0 measured hours; the organiser corrects them to 1,5.
      const row = org.locator(`[data-testid="hours-row"][data-user="vol3_${run}"]`);
      assert.equal(await row.getByTestId('hours').innerText(), '0 h');
      await row.getByRole('textbox').fill('1,5');
      await row.getByRole('button', { name: 'Salvar' }).click();
      await org.getByRole('status').filter({ hasText: 'Horas corrigidas' }).waitFor();
      await row.getByTestId('hours').filter({ hasText: '1,5 h (corrigidas)' }).waitFor();
      await cam.reload();
      await cam.getByTestId('my-presence').filter({ hasText: '1,5 h' }).waitFor();
      await camCtx.close();
    } finally {
      await phone.close();
      await rm(y4m, { force: true });
    }
    await ctx.close();
  });

  test('when an event is full then a volunteer joins its waitlist, the owner adds a co-organiser, a leave promotes the volunteer, the co-organiser exports the CSV and the volunteer subscribes to a calendar', async () => {
    // Set-up straight on the test's API instance (not through the gateway's login bucket).
    const api = async (method: string, p: string, body?: unknown, token?: string) => {
      const r = await fetch(`${f.api.url}${p}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await r.text();
      return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };
    const account = async (name: string) => {
      const username = `${name}_${run}`;
      const reg = await api('POST', '/api/users/register/', {
        username,
        email: `${username}@example.test`,
        first_name: name,
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      const tok = await api('POST', '/api/token/', { username, password: PASSWORD });
      assert.equal(tok.status, 200, JSON.stringify(tok.body));
      return { username, token: String(tok.body['access']) };
    };
    const login = async (ctx: BrowserContext, username: string) => {
      const page = await ctx.newPage();
      await page.goto(`${f.base}/entrar`);
      await page.getByLabel('E-mail ou nome de usuário').fill(username);
      await page.getByLabel('Senha', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Entrar' }).click();
      await page.getByRole('button', { name: 'Sair' }).waitFor();
      return page;
    };
    const newCtx = () =>
      browser.newContext({
        viewport: { width: 390, height: 844 },
        locale: 'pt-BR',
        timezoneId: 'America/Sao_Paulo',
      });

    const [owner, first, helper, waiting] = [
      await account('dona'),
      await account('primeira'),
      await account('coorg'),
      await account('espera'),
    ];
    const cats = await api('GET', '/api/events/categories/');
    const category = (cats.body as unknown as Array<{ id: number }>)[0]!.id;
    const start = new Date(Date.now() + 5 * 86_400_000);
    const created = await api(
      'POST',
      '/api/events/',
      {
        title: `Mutirão lotado ${run}`,
        description: 'Plantio de mudas na margem do rio.',
        category,
        address: 'Rua das Mudas, 1',
        city: 'Olinda',
        state: 'PE',
        start_date: start.toISOString(),
        end_date: new Date(start.getTime() + 3 * 3_600_000).toISOString(),
        max_participants: 1,
        status: 'published',
      },
      owner.token,
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const full = Number(created.body['id']);
    assert.equal((await api('POST', `/api/events/${full}/join/`, {}, first.token)).status, 201);

    // The volunteer: the full event offers its waitlist, and the page shows the place in line.
    const vctx = await newCtx();
    const vol = await login(vctx, waiting.username);
    await vol.goto(`${f.base}/eventos/${full}`);
    await vol.getByRole('button', { name: 'Entrar na lista de espera' }).click();
    await vol.getByRole('status').filter({ hasText: 'lista de espera — posição 1' }).waitFor();
    await vol.getByTestId('my-status').filter({ hasText: 'posição 1' }).waitFor();
    await audit(vol, 'evento-lista-espera');

    // The owner: the waitlist in order; an unknown username is refused in place and stays typed.
    const octx = await newCtx();
    const own = await login(octx, owner.username);
    await own.goto(`${f.base}/eventos/${full}`);
    await own.getByRole('link', { name: 'Coorganizadores e lista de espera' }).click();
    await own.waitForURL(/\/equipe$/);
    await own
      .getByTestId('waitlisted')
      .filter({ hasText: 'espera' })
      .filter({ hasText: 'posição 1' })
      .waitFor();
    const who = own.getByLabel('Nome de usuário do novo coorganizador');
    await who.fill(`ninguem_${run}`);
    await own.getByRole('button', { name: 'Adicionar coorganizador' }).click();
    await own.locator('.field-errors').filter({ hasText: 'Nenhum voluntário' }).waitFor();
    assert.equal(await who.inputValue(), `ninguem_${run}`);
    await who.fill(helper.username);
    await own.getByRole('button', { name: 'Adicionar coorganizador' }).click();
    await own.getByRole('status').filter({ hasText: 'agora é coorganizador' }).waitFor();
    await own.getByTestId('coorganizer').filter({ hasText: 'coorg' }).waitFor();
    await audit(own, 'equipe');

    // A confirmed participant leaves: the first in line is promoted.
    assert.equal((await api('POST', `/api/events/${full}/leave/`, {}, first.token)).status, 200);
    await waitFor(
      async () => {
        await vol.goto(`${f.base}/eventos/${full}`);
        return /Você está inscrito/.test(await vol.getByTestId('my-status').innerText());
      },
      { timeoutMs: 20_000, intervalMs: 500, description: 'the waitlisted volunteer promoted' },
    );

    // The co-organiser sees the team page without owner controls and exports the participants.
    const cctx = await newCtx();
    const co = await login(cctx, helper.username);
    await co.goto(`${f.base}/eventos/${full}/equipe`);
    await co.getByTestId('coorganizer').first().waitFor();
    assert.equal(await co.getByRole('button', { name: 'Adicionar coorganizador' }).count(), 0);
    const csv = await cctx.request.get(`${f.base}/eventos/${full}/participantes.csv`);
    assert.equal(csv.status(), 200);
    const bytes = await csv.body();
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const lines = bytes.subarray(3).toString('utf8').split(/\r?\n/);
    assert.match(lines[0]!, /^id,usuario,nome,sobrenome,status,posicao_lista_espera,/);
    assert.ok(
      lines.some((l) => l.includes(waiting.username)),
      'the promoted volunteer is a row',
    );

    // On an event that needs approval, the co-organiser approves a request from the event page, and is not
    // offered to edit or cancel the event (the owner's).
    const approving = await api(
      'POST',
      '/api/events/',
      {
        title: `Mutirão com aprovação ${run}`,
        description: 'Monitoramento da água do rio.',
        category,
        address: 'Rua das Mudas, 2',
        city: 'Olinda',
        state: 'PE',
        start_date: start.toISOString(),
        end_date: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
        max_participants: 10,
        requires_approval: true,
        status: 'published',
      },
      owner.token,
    );
    assert.equal(approving.status, 201, JSON.stringify(approving.body));
    const second = Number(approving.body['id']);
    const added = await api(
      'POST',
      `/api/events/${second}/coorganizers/`,
      { username: helper.username },
      owner.token,
    );
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal((await api('POST', `/api/events/${second}/join/`, {}, first.token)).status, 201);
    await co.goto(`${f.base}/eventos/${second}`);
    const request = co.getByTestId('pending-participant').filter({ hasText: 'primeira' });
    await request.getByRole('button', { name: /^Aprovar/ }).click();
    await co.getByRole('status').filter({ hasText: 'Participante aprovado' }).waitFor();
    assert.equal(await co.getByRole('link', { name: 'Editar evento' }).count(), 0);
    assert.equal(await co.getByRole('button', { name: 'Cancelar evento' }).count(), 0);
    await co.getByRole('link', { name: 'Presença por QR code' }).waitFor();

    // The volunteer's private calendar: made, answered, revoked.
    await vol.goto(`${f.base}/perfil`);
    await vol.getByRole('link', { name: 'Assinar meus eventos no calendário' }).click();
    await vol.getByRole('button', { name: 'Gerar link de assinatura' }).click();
    const url = await vol.getByTestId('calendar-url').inputValue();
    await audit(vol, 'assinatura-calendario');
    const feed = await fetch(url);
    assert.equal(feed.status, 200);
    assert.match(feed.headers.get('content-type') ?? '', /text\/calendar/);
    const body = await feed.text();
    assert.match(body, new RegExp(`Mutirão lotado ${run}`));
    assert.ok(body.includes(`UID:event-${full}@mutiroes`), 'the joined event by its stable UID');
    await vol.getByRole('button', { name: 'Copiar endereço da assinatura' }).waitFor();
    await vol.getByRole('button', { name: 'Revogar link' }).click();
    await vol.getByRole('status').filter({ hasText: 'revogado' }).waitFor();
    assert.ok([404, 410].includes((await fetch(url)).status), 'a revoked subscription answers nothing');

    // The public feed of the list's city filter.
    await vol.goto(`${f.base}/eventos?cidade=Olinda`);
    const href = await vol.getByTestId('public-feed').getAttribute('href');
    assert.equal(href, '/api/events/feed/?city=Olinda');
    const pub = await fetch(`${f.base}${href}`);
    assert.equal(pub.status, 200);
    assert.match(await pub.text(), new RegExp(`Mutirão lotado ${run}`));
    for (const c of [vctx, octx, cctx]) await c.close();
  });

  test('when every other screen is opened then axe finds no serious or critical violation and focus is visible', async () => {
    const page = organiser.page;
    for (const [screen, url] of [
      ['eventos-mapa', '/eventos?vista=mapa'],
      ['meus-eventos', '/meus-eventos'],
      ['perfil', '/perfil'],
      ['perfil-publico', `/voluntarios/org_${run}`],
      ['ranking', '/ranking'],
      ['impacto', '/impacto'],
      ['editar-evento', `/eventos/${eventId}/editar`],
      ['nao-encontrado', '/nao-existe'],
    ] as const) {
      const r = await page.goto(`${f.base}${url}`);
      assert.equal(r?.status(), screen === 'nao-encontrado' ? 404 : 200, url);
      if (screen === 'eventos-mapa')
        await page.locator('[data-testid="events-map"][data-ready]').first().waitFor();
      await audit(page, screen);
    }
    const anon = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await anon.goto(`${f.base}/cadastro`);
    await audit(anon, 'cadastro');
    // Keyboard: the first Tab reaches the skip link, and focus is drawn.
    await anon.keyboard.press('Tab');
    const focus = await anon.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const s = getComputedStyle(el);
      return { text: el.textContent, outline: s.outlineStyle, width: s.outlineWidth };
    });
    assert.equal(focus.text, 'Pular para o conteúdo');
    assert.notEqual(focus.outline, 'none');
    await anon.close();
    console.log(
      `axe: ${audited.size} screens audited (${[...audited].join(', ')}); serious/critical violations: ${violations.length}`,
    );
    assert.deepEqual(violations, []);
  });

  test('when a state-changing post lacks the CSRF token or comes from another origin then it is refused and nothing changes', async () => {
    const cookies = (await organiser.ctx.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const url = `${f.base}/eventos/${eventId}`;
    const body = new URLSearchParams({ intent: 'cancel-event' });
    const noToken = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookies, origin: f.base, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    assert.equal(noToken.status, 403);
    const forged = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookies, origin: f.base, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ intent: 'cancel-event', _csrf: 'x'.repeat(43) }),
    });
    assert.equal(forged.status, 403);
    // A valid token from the organiser's own page does not help a post from another site.
    const token = await organiser.page.locator('input[name="_csrf"]').first().inputValue();
    const crossSite = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: cookies,
        origin: 'http://evil.example',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ intent: 'cancel-event', _csrf: token }),
    });
    assert.equal(crossSite.status, 403);
    const e = (await (await fetch(`${f.base}/api/events/${eventId}/`)).json()) as { status: string };
    assert.equal(e.status, 'published');
    // The logout link is a POST form: a GET changes nothing.
    assert.equal(
      (await fetch(`${f.base}/sair`, { redirect: 'manual', headers: { cookie: cookies } })).headers.get(
        'set-cookie',
      ),
      null,
    );
    await organiser.ctx.close();
  });
});

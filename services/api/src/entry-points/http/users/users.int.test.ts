// Contract tests of /api/users/* and /api/token/* over HTTP: the real API on port 0, real Postgres/Redis of the mesh.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { createLogger } from '@mutiroes/platform';
import { seedDatabase } from '../../../data-access/seed.js';
import { registerAndLogin, startApi, STRONG_PASSWORD, type ApiHarness } from '../test-support/api-harness.js';

let h: ApiHarness;

const jwtPayload = (t: string): any =>
  JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString('utf8'));

function regBody(over: Record<string, unknown> = {}) {
  const username = h.unique('reg');
  return {
    username,
    email: `${username}@example.test`,
    first_name: 'Joana',
    last_name: 'Pereira',
    password: STRONG_PASSWORD,
    password_confirm: STRONG_PASSWORD,
    ...over,
  };
}

before(async () => {
  h = await startApi();
  await seedDatabase(h.api.deps.db.sequelize, createLogger({ service: 'test', level: 'warn' }));
});
after(async () => {
  await h?.close();
});

describe('POST /api/users/register/', () => {
  test('when the body is valid then 201 with the user, a profile and one welcome-e-mail outbox row carrying the request id', async () => {
    const body = regBody();
    const r = await h.call('POST', '/api/users/register/', {
      body,
      headers: { 'x-request-id': `req-${body.username}` },
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(Object.keys(r.body).sort(), [
      'date_joined',
      'email',
      'first_name',
      'id',
      'last_name',
      'username',
    ]);
    assert.equal(r.body.username, body.username);
    assert.equal(r.headers.get('x-request-id'), `req-${body.username}`);
    assert.ok(!Number.isNaN(Date.parse(r.body.date_joined)));
    assert.equal(await h.count('user_profiles', 'user_id = $1', [r.body.id]), 1);
    const jobs = await h.sql<{ data: any; request_id: string }>(
      "SELECT data, request_id FROM outbox WHERE job_name = 'send_welcome_email' AND (data->>'user_id')::int = $1",
      [r.body.id],
    );
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.request_id, `req-${body.username}`);
    assert.equal(jobs[0]!.data.request_id, `req-${body.username}`);
    const [u] = await h.sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [
      r.body.id,
    ]);
    assert.match(u!.password_hash, /^scrypt\$131072\$8\$1\$/);
    assert.ok(!u!.password_hash.includes(STRONG_PASSWORD));
  });

  test('when the path has no trailing slash then it works the same', async () => {
    const r = await h.call('POST', '/api/users/register', { body: regBody() });
    assert.equal(r.status, 201, r.text);
  });

  test('when username or e-mail exist in another letter case then 400 per field and nothing is written', async () => {
    const first = regBody();
    assert.equal((await h.call('POST', '/api/users/register/', { body: first })).status, 201);
    const before = await h.count('users');
    const dupUser = await h.call('POST', '/api/users/register/', {
      body: regBody({ username: first.username.toUpperCase() }),
    });
    assert.equal(dupUser.status, 400);
    assert.deepEqual(Object.keys(dupUser.body), ['username']);
    const dupMail = await h.call('POST', '/api/users/register/', {
      body: regBody({ email: first.email.toUpperCase() }),
    });
    assert.equal(dupMail.status, 400);
    assert.deepEqual(Object.keys(dupMail.body), ['email']);
    assert.equal(await h.count('users'), before);
  });

  test('when the same e-mail registers concurrently then exactly one succeeds', async () => {
    const email = `${h.unique('race')}@example.test`;
    const rs = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        h.call('POST', '/api/users/register/', {
          body: regBody({ email: i % 2 ? email.toUpperCase() : email }),
        }),
      ),
    );
    assert.deepEqual(rs.map((r) => r.status).sort(), [201, 400, 400, 400]);
    assert.equal(await h.count('users', 'lower(email) = lower($1)', [email]), 1);
  });

  test('when the password breaks a rule then 400 names the rule and nothing is written', async () => {
    const before = await h.count('users');
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ password: 'Ab1!', password_confirm: 'Ab1!' }, 'password', /curta/],
      [{ password: '8364519270', password_confirm: '8364519270' }, 'password', /numérica/],
      [{ password: 'password123', password_confirm: 'password123' }, 'password', /comum/],
      [
        { username: 'joaquimbarbosa', password: 'joaquimbarbosa1', password_confirm: 'joaquimbarbosa1' },
        'password',
        /parecida/,
      ],
      [{ password_confirm: 'Outra-Senha-99' }, 'password_confirm', /conferem/],
    ];
    for (const [over, field, msg] of cases) {
      const r = await h.call('POST', '/api/users/register/', { body: regBody(over) });
      assert.equal(r.status, 400, JSON.stringify(over));
      assert.ok(Array.isArray(r.body[field]), `${field} in ${r.text}`);
      assert.match(r.body[field].join(' '), msg);
    }
    assert.equal(await h.count('users'), before);
  });

  test('when the body is malformed, mistyped, incomplete, huge or hostile then 4xx with a clear message and nothing is written', async () => {
    const before = await h.count('users');
    const malformed = await h.call('POST', '/api/users/register/', { raw: '{"username": "x",' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.detail, /JSON/);

    const arrayBody = await h.call('POST', '/api/users/register/', { raw: '[1,2]' });
    assert.equal(arrayBody.status, 400);
    assert.ok(arrayBody.body.detail);

    const missing = await h.call('POST', '/api/users/register/', { body: {} });
    assert.equal(missing.status, 400);
    for (const f of ['username', 'email', 'password', 'password_confirm'])
      assert.deepEqual(missing.body[f], ['Este campo é obrigatório.']);

    const noContentType = await h.call('POST', '/api/users/register/', {
      raw: 'username=x',
      headers: { 'content-type': 'text/plain' },
    });
    assert.equal(noContentType.status, 400);
    assert.ok(noContentType.body.username);

    const wrongTypes = await h.call('POST', '/api/users/register/', {
      body: regBody({ username: 123, email: ['a'], password: null }),
    });
    assert.equal(wrongTypes.status, 400);
    assert.ok(wrongTypes.body.username && wrongTypes.body.email && wrongTypes.body.password);

    const badEmail = await h.call('POST', '/api/users/register/', {
      body: regBody({ email: 'not-an-email' }),
    });
    assert.equal(badEmail.status, 400);
    assert.ok(badEmail.body.email);

    const megabyte = await h.call('POST', '/api/users/register/', {
      body: regBody({ first_name: 'a'.repeat(1024 * 1024) }),
    });
    assert.equal(megabyte.status, 413);
    assert.ok(megabyte.body.detail);

    const long = await h.call('POST', '/api/users/register/', {
      body: regBody({ username: 'a'.repeat(151), first_name: 'b'.repeat(100_000) }),
    });
    assert.equal(long.status, 400);
    assert.ok(long.body.username && long.body.first_name);

    const injection = await h.call('POST', '/api/users/register/', {
      body: regBody({ username: "x'; DROP TABLE users; --" }),
    });
    assert.equal(injection.status, 400);
    assert.ok(injection.body.username);
    assert.equal(await h.count('users'), before);

    // Hostile text in a free field is stored verbatim, never interpreted.
    const hostile = "Robert'); DROP TABLE users;-- <script>alert(1)</script>";
    const ok = await h.call('POST', '/api/users/register/', { body: regBody({ first_name: hostile }) });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.first_name, hostile);
    assert.equal(await h.count('users'), before + 1);
  });
});

describe('POST /api/token/ and /api/token/refresh/', () => {
  test('when logging in by e-mail (any case) or by username then an access and a refresh token come back', async () => {
    const u = await registerAndLogin(h);
    const byMail = await h.call('POST', '/api/token/', {
      body: { email: u.email.toUpperCase(), password: u.password },
    });
    assert.equal(byMail.status, 200, byMail.text);
    const byName = await h.call('POST', '/api/token', {
      body: { username: u.username, password: u.password },
    });
    assert.equal(byName.status, 200);
    assert.deepEqual(Object.keys(byName.body).sort(), ['access', 'refresh']);
    const claims = jwtPayload(byName.body.access);
    assert.equal(claims.token_type, 'access');
    assert.equal(claims.user_id, u.id);
    assert.equal(claims.role, 'user');
    assert.equal(claims.exp - claims.iat, 3600);
    const rc = jwtPayload(byName.body.refresh);
    assert.equal(rc.token_type, 'refresh');
    assert.equal(rc.exp - rc.iat, 7 * 24 * 3600);
  });

  test('when the user is unknown or the password wrong then the same 401 body', async () => {
    const u = await registerAndLogin(h);
    const wrong = await h.call('POST', '/api/token/', {
      body: { email: u.email, password: 'Errada-Senha-1' },
    });
    const unknown = await h.call('POST', '/api/token/', {
      body: { email: `nobody-${u.email}`, password: 'Errada-Senha-1' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
    assert.ok(wrong.body.detail);
  });

  test('when credentials are missing or mistyped then 400 with field errors', async () => {
    const r = await h.call('POST', '/api/token/', { body: { password: 5 } });
    assert.equal(r.status, 400);
    assert.ok(r.body.email && r.body.password);
  });

  test('when a refresh token is rotated then the old one is rejected and its reuse revokes the whole family', async () => {
    const u = await registerAndLogin(h);
    const r1 = await h.call('POST', '/api/token/refresh/', { body: { refresh: u.refresh } });
    assert.equal(r1.status, 200, r1.text);
    assert.notEqual(r1.body.refresh, u.refresh);
    assert.equal(jwtPayload(r1.body.access).user_id, u.id);

    const reuse = await h.call('POST', '/api/token/refresh/', { body: { refresh: u.refresh } });
    assert.equal(reuse.status, 401);
    assert.equal(reuse.body.code, 'token_not_valid');
    // The thief's reuse also kills the legitimate successor.
    const successor = await h.call('POST', '/api/token/refresh', { body: { refresh: r1.body.refresh } });
    assert.equal(successor.status, 401);
    assert.equal(await h.count('refresh_tokens', 'user_id = $1 AND revoked_at IS NULL', [u.id]), 0);
    // Tokens are stored hashed only.
    assert.equal(await h.count('refresh_tokens', 'token_hash = $1', [u.refresh]), 0);
  });

  test('when the same refresh token is presented concurrently then only one rotation succeeds', async () => {
    const u = await registerAndLogin(h);
    const rs = await Promise.all(
      [0, 1, 2].map(() => h.call('POST', '/api/token/refresh/', { body: { refresh: u.refresh } })),
    );
    assert.equal(rs.filter((r) => r.status === 200).length, 1);
    assert.equal(rs.filter((r) => r.status === 401).length, 2);
  });

  test('when the refresh body holds an access token, garbage or nothing then 401 / 400', async () => {
    const u = await registerAndLogin(h);
    assert.equal((await h.call('POST', '/api/token/refresh/', { body: { refresh: u.access } })).status, 401);
    assert.equal(
      (await h.call('POST', '/api/token/refresh/', { body: { refresh: 'abc.def.ghi' } })).status,
      401,
    );
    const empty = await h.call('POST', '/api/token/refresh/', { body: {} });
    assert.equal(empty.status, 400);
    assert.ok(empty.body.refresh);
  });

  test('when the user is deactivated then its access token no longer authenticates (within the 5 s cache bound)', async () => {
    const u = await registerAndLogin(h);
    assert.equal((await h.call('GET', '/api/users/stats/', { token: u.access })).status, 200);
    await h.sql('UPDATE users SET is_active = false WHERE id = $1 RETURNING id', [u.id]);
    await h.api.deps.cache.invalidate(`users:auth:${u.id}`);
    assert.equal((await h.call('GET', '/api/users/stats/', { token: u.access })).status, 401);
    assert.equal((await h.call('POST', '/api/token/refresh/', { body: { refresh: u.refresh } })).status, 401);
  });

  test('when a refresh token is revoked (logout) then neither it nor an earlier rotation refreshes again', async () => {
    const u = await registerAndLogin(h);
    const r1 = await h.call('POST', '/api/token/refresh/', { body: { refresh: u.refresh } });
    assert.equal(r1.status, 200, r1.text);
    const out = await h.call('POST', '/api/token/revoke/', { body: { refresh: r1.body.refresh } });
    assert.equal(out.status, 200, out.text);
    assert.equal(
      (await h.call('POST', '/api/token/refresh/', { body: { refresh: r1.body.refresh } })).status,
      401,
    );
    assert.equal(await h.count('refresh_tokens', 'user_id = $1 AND revoked_at IS NULL', [u.id]), 0);
    // Logging out twice is not an error; garbage is.
    assert.equal(
      (await h.call('POST', '/api/token/revoke/', { body: { refresh: r1.body.refresh } })).status,
      200,
    );
    assert.equal(
      (await h.call('POST', '/api/token/revoke/', { body: { refresh: 'abc.def.ghi' } })).status,
      401,
    );
  });

  test('when a refresh token is sent as Bearer then it does not authenticate', async () => {
    const u = await registerAndLogin(h);
    const r = await h.call('GET', '/api/users/profile/', { token: u.refresh });
    assert.equal(r.status, 401);
  });
});

describe('roles and seed', () => {
  test('when a user is staff then the access token carries role admin', async () => {
    const u = await registerAndLogin(h);
    await h.sql('UPDATE users SET is_staff = true WHERE id = $1 RETURNING id', [u.id]);
    const r = await h.call('POST', '/api/token/', { body: { email: u.email, password: u.password } });
    assert.equal(jwtPayload(r.body.access).role, 'admin');
    assert.equal(jwtPayload(r.body.access).is_staff, true);
  });

  test('when the seed runs again then categories and badges are not duplicated', async () => {
    const log = createLogger({ service: 'test', level: 'warn' });
    const r = await seedDatabase(h.api.deps.db.sequelize, log);
    assert.equal(r.categories, 0);
    assert.equal(await h.count('event_categories', "name = 'Preservação de Mangues'"), 1);
    assert.equal(
      await h.count('badges', "code IN ('first_event','five_events','ten_events','organizer')"),
      4,
    );
    assert.ok((await h.count('badges', "criteria_type = 'hours_volunteered'")) >= 1);
  });
});

describe('POST /api/users/change-password/', () => {
  test('when the old password is wrong or the new one weak then 400 per field and the password is unchanged', async () => {
    const u = await registerAndLogin(h);
    const [before] = await h.sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [
      u.id,
    ]);
    const r = await h.call('POST', '/api/users/change-password/', {
      token: u.access,
      body: { old_password: 'Nao-E-Esta-1', new_password: '123' },
    });
    assert.equal(r.status, 400);
    assert.ok(r.body.old_password && r.body.new_password);
    const [afterRow] = await h.sql<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE id = $1',
      [u.id],
    );
    assert.equal(afterRow!.password_hash, before!.password_hash);
    assert.equal(
      (
        await h.call('POST', '/api/users/change-password/', {
          body: { old_password: 'a', new_password: 'b' },
        })
      ).status,
      401,
    );
  });

  test('when the password changes then every refresh token of the user is revoked and only the new password logs in', async () => {
    const u = await registerAndLogin(h);
    const second = await h.call('POST', '/api/token/', {
      body: { username: u.username, password: u.password },
    });
    // An access token held by another device, issued a minute ago (the account is older than that).
    await h.sql(
      "UPDATE users SET password_changed_at = now() - interval '1 hour' WHERE id = $1 RETURNING id",
      [u.id],
    );
    await h.api.deps.cache.invalidate(`users:auth:${u.id}`);
    const { iat: _iat, exp: _exp, jti: _jti, ...claims } = jwtPayload(u.access);
    const oldAccess = jwt.sign(
      { ...claims, iat: Math.floor(Date.now() / 1000) - 60 },
      h.api.config.JWT_SECRET,
      {
        expiresIn: 3600,
      },
    );
    assert.equal((await h.call('GET', '/api/users/profile/', { token: oldAccess })).status, 200);
    const newPassword = 'Restinga-Azul-77';
    const r = await h.call('POST', '/api/users/change-password', {
      token: u.access,
      body: { old_password: u.password, new_password: newPassword },
    });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.message);
    for (const refresh of [u.refresh, second.body.refresh]) {
      assert.equal((await h.call('POST', '/api/token/refresh/', { body: { refresh } })).status, 401);
    }
    assert.equal(
      (await h.call('POST', '/api/token/', { body: { email: u.email, password: u.password } })).status,
      401,
    );
    const fresh = await h.call('POST', '/api/token/', { body: { email: u.email, password: newPassword } });
    assert.equal(fresh.status, 200);
    assert.equal((await h.call('GET', '/api/users/profile/', { token: fresh.body.access })).status, 200);
    // Access tokens issued before the change stop working too (the same second is the only grace).
    assert.equal((await h.call('GET', '/api/users/profile/', { token: oldAccess })).status, 401);
  });
});

describe('profile', () => {
  test('when not authenticated or the token is bad then 401 with a detail', async () => {
    const none = await h.call('GET', '/api/users/profile/');
    assert.equal(none.status, 401);
    assert.ok(none.body.detail);
    const bad = await h.call('GET', '/api/users/profile/', {
      headers: { authorization: 'Bearer not.a.jwt' },
    });
    assert.equal(bad.status, 401);
    const scheme = await h.call('GET', '/api/users/profile/', { headers: { authorization: 'Basic abc' } });
    assert.equal(scheme.status, 401);
  });

  test('when read for the first time then the profile exists with the contract fields', async () => {
    const u = await registerAndLogin(h);
    const r = await h.call('GET', '/api/users/profile/', { token: u.access });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      Object.keys(r.body).sort(),
      [
        'age',
        'avatar',
        'avatar_url',
        'bio',
        'birth_date',
        'city',
        'created_at',
        'id',
        'interests',
        'is_public_profile',
        'notification_preferences',
        'phone',
        'show_participation_history',
        'state',
        'total_events_participated',
        'total_hours_volunteered',
        'updated_at',
        'user',
        'zip_code',
      ].sort(),
    );
    assert.equal(r.body.user.id, u.id);
    assert.equal(r.body.user.email, u.email);
    assert.equal(r.body.total_events_participated, 0);
  });

  test('when patched with valid fields (both paths) then they are stored and returned', async () => {
    const u = await registerAndLogin(h);
    const cats = await h.sql<{ id: number; name: string }>(
      'SELECT id, name FROM event_categories ORDER BY id LIMIT 2',
    );
    const r = await h.call('PATCH', '/api/users/profile/', {
      token: u.access,
      body: {
        phone: '+5511987654321',
        state: 'sp',
        city: 'Santos',
        bio: 'Gosto de mangues.',
        birth_date: '1990-05-20',
        zip_code: '11010-000',
        interests: [cats[0]!.id, cats[1]!.name],
        notification_preferences: { email: true, push: false },
        is_public_profile: false,
        first_name: 'Beatriz',
      },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.state, 'SP');
    assert.equal(r.body.phone, '+5511987654321');
    assert.equal(r.body.birth_date, '1990-05-20');
    assert.ok(r.body.age >= 35);
    assert.deepEqual([...r.body.interests].sort(), [cats[0]!.name, cats[1]!.name].sort());
    assert.deepEqual(r.body.notification_preferences, { email: true, push: false });
    assert.equal(r.body.is_public_profile, false);
    assert.equal(r.body.user.first_name, 'Beatriz');
    const again = await h.call('PATCH', '/api/users/profile/update/', {
      token: u.access,
      body: { bio: 'Atualizado', interests: [] },
    });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.bio, 'Atualizado');
    assert.deepEqual(again.body.interests, []);
    const read = await h.call('GET', '/api/users/profile', { token: u.access });
    assert.equal(read.body.bio, 'Atualizado');
    assert.equal(read.body.city, 'Santos');
  });

  test('when patched with invalid values then 400 per field and nothing changes', async () => {
    const u = await registerAndLogin(h);
    await h.call('GET', '/api/users/profile/', { token: u.access });
    const [before] = await h.sql<{ updated_at: Date; bio: string }>(
      'SELECT updated_at, bio FROM user_profiles WHERE user_id = $1',
      [u.id],
    );
    const r = await h.call('PATCH', '/api/users/profile/', {
      token: u.access,
      body: {
        phone: 'abc',
        state: 'SPX',
        birth_date: '2999-01-01',
        bio: 'x'.repeat(501),
        is_public_profile: 'yes',
        zip_code: '1',
        notification_preferences: ['email'],
      },
    });
    assert.equal(r.status, 400);
    for (const f of [
      'phone',
      'state',
      'birth_date',
      'bio',
      'is_public_profile',
      'zip_code',
      'notification_preferences',
    ])
      assert.ok(r.body[f], `${f}: ${r.text}`);
    const unknownCat = await h.call('PATCH', '/api/users/profile/', {
      token: u.access,
      body: { bio: 'não', interests: [2_000_000_000] },
    });
    assert.equal(unknownCat.status, 400);
    assert.ok(unknownCat.body.interests);
    const negative = await h.call('PATCH', '/api/users/profile/', {
      token: u.access,
      body: { interests: [-1] },
    });
    assert.equal(negative.status, 400);
    const malformed = await h.call('PATCH', '/api/users/profile/', { token: u.access, raw: '{"bio":' });
    assert.equal(malformed.status, 400);
    const [afterRow] = await h.sql<{ updated_at: Date; bio: string }>(
      'SELECT updated_at, bio FROM user_profiles WHERE user_id = $1',
      [u.id],
    );
    assert.deepEqual(afterRow, before);
  });

  test('when an avatar is uploaded as multipart then it is stored, served under /media and replaced/removed cleanly', async () => {
    const u = await registerAndLogin(h);
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(64, 7),
    ]);
    const upload = async (bytes: Buffer, extra: Record<string, string> = {}) => {
      const form = new FormData();
      form.set('avatar', new Blob([bytes], { type: 'image/png' }), 'a.png');
      for (const [k, v] of Object.entries(extra)) form.set(k, v);
      const res = await fetch(`${h.url}/api/users/profile/`, {
        method: 'PATCH',
        body: form,
        headers: { authorization: `Bearer ${u.access}` },
      });
      if (res.ok) h.noteWrite(u.access);
      return { status: res.status, body: (await res.json()) as any };
    };
    const r = await upload(png, { city: 'Ubatuba', is_public_profile: 'false' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.city, 'Ubatuba');
    assert.equal(r.body.is_public_profile, false);
    assert.match(r.body.avatar_url, new RegExp(`^${h.url}/media/avatars/${u.id}/[0-9a-f-]+\\.png$`));
    const file = await fetch(r.body.avatar_url);
    assert.equal(file.status, 200);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), png);

    const notImage = await upload(Buffer.from('#!/bin/sh\nrm -rf /\n'));
    assert.equal(notImage.status, 400);
    assert.ok(notImage.body.avatar);
    const badField = await upload(png, { state: 'XYZ' });
    assert.equal(badField.status, 400);
    assert.ok(badField.body.state);

    const removed = await h.call('PATCH', '/api/users/profile/', { token: u.access, body: { avatar: null } });
    assert.equal(removed.status, 200);
    assert.equal(removed.body.avatar_url, null);
    assert.equal((await fetch(r.body.avatar_url)).status, 404, 'the old file is deleted');
    const wrong = await h.call('PATCH', '/api/users/profile/', {
      token: u.access,
      body: { avatar: 'http://evil/x.png' },
    });
    assert.equal(wrong.status, 400);
  });

  test('when another user looks at a profile then it is shown only while public, without private fields', async () => {
    const owner = await registerAndLogin(h);
    const viewer = await registerAndLogin(h);
    await h.call('PATCH', '/api/users/profile/', {
      token: owner.access,
      body: { phone: '+5521999998888', city: 'Niterói' },
    });
    const pub = await h.call('GET', `/api/users/profile/${owner.username}/`, { token: viewer.access });
    assert.equal(pub.status, 200, pub.text);
    assert.equal(pub.body.city, 'Niterói');
    assert.equal(pub.body.user.username, owner.username);
    assert.equal(pub.body.user.email, undefined);
    assert.equal(pub.body.phone, undefined);
    assert.equal((await h.call('GET', `/api/users/profile/${owner.username}`)).status, 200);
    await h.call('PATCH', '/api/users/profile/', { token: owner.access, body: { is_public_profile: false } });
    const hidden = await h.call('GET', `/api/users/profile/${owner.username}/`, { token: viewer.access });
    assert.equal(hidden.status, 404);
    assert.ok(hidden.body.detail);
    assert.equal(
      (await h.call('GET', `/api/users/profile/${owner.username}/`, { token: owner.access })).status,
      200,
    );
    assert.equal((await h.call('GET', '/api/users/profile/ninguem-com-este-nome-xyz/')).status, 404);
  });
});

/** Creates a past event by `organizerId` and a checked-in participation of `userId` (as the events domain would). */
async function verifiedParticipation(
  organizerId: number,
  userId: number,
  hours: number,
  categoryName = 'Limpeza de Praias',
): Promise<number> {
  const [cat] = await h.sql<{ id: number }>('SELECT id FROM event_categories WHERE name = $1', [
    categoryName,
  ]);
  const start = new Date(Date.now() - 3 * 86_400_000);
  const [ev] = await h.sql<{ id: number }>(
    `INSERT INTO events (title, description, category_id, organizer_id, address, city, state, start_date, end_date, max_participants, status)
     VALUES ('Mutirão', 'Teste', $1, $2, 'Rua A', 'Santos', 'SP', $3, $4, 10, 'completed') RETURNING id`,
    [cat!.id, organizerId, start, new Date(start.getTime() + hours * 3_600_000)],
  );
  await h.sql(
    // Checked in at the start, no check-out: the measured hours (ADR 0014) are the event's length.
    `INSERT INTO event_participants (event_id, user_id, status, checked_in, check_in_time) VALUES ($1, $2, 'confirmed', true, $3) RETURNING id`,
    [ev!.id, userId, start],
  );
  return ev!.id;
}

describe('stats, badges, leaderboard, rank', () => {
  test('when a new user asks for stats then every figure is zero', async () => {
    const u = await registerAndLogin(h);
    const r = await h.call('GET', '/api/users/stats/', { token: u.access });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, {
      total_events_participated: 0,
      total_hours_volunteered: 0,
      badges_earned: 0,
      skills_count: 0,
      events_organized: 0,
      current_month_events: 0,
      favorite_categories: [],
    });
    assert.equal((await h.call('GET', '/api/users/stats/')).status, 401);
  });

  test('when the user checked in at events and earned a badge then stats, profile and earned badges show it', async () => {
    const org = await registerAndLogin(h);
    const u = await registerAndLogin(h);
    await verifiedParticipation(org.id, u.id, 3);
    await verifiedParticipation(org.id, u.id, 2.5, 'Plantio de Árvores');
    await verifiedParticipation(org.id, u.id, 4);
    // A confirmed participation without check-in is not verified: it counts nowhere.
    const unverified = await verifiedParticipation(org.id, org.id, 1);
    await h.sql(
      "INSERT INTO event_participants (event_id, user_id, status) VALUES ($1, $2, 'confirmed') RETURNING id",
      [unverified, u.id],
    );
    const [badge] = await h.sql<{ id: number }>("SELECT id FROM badges WHERE code = 'first_event'");
    await h.sql('INSERT INTO user_badges (user_id, badge_id) VALUES ($1, $2) RETURNING id', [
      u.id,
      badge!.id,
    ]);

    const s = await h.call('GET', '/api/users/stats/', { token: u.access });
    assert.equal(s.status, 200);
    assert.equal(s.body.total_events_participated, 3);
    assert.equal(s.body.total_hours_volunteered, 9.5);
    const monthSP = (d: Date) =>
      new Intl.DateTimeFormat('en-CA', {
        timeZone: 'America/Sao_Paulo',
        year: 'numeric',
        month: '2-digit',
      }).format(d);
    // The helper's events started three days ago: they count for this month unless the month just turned.
    assert.equal(
      s.body.current_month_events,
      monthSP(new Date(Date.now() - 3 * 86_400_000)) === monthSP(new Date()) ? 3 : 0,
    );
    assert.equal(s.body.badges_earned, 1);
    assert.deepEqual(s.body.favorite_categories, ['Limpeza de Praias', 'Plantio de Árvores']);
    const os = await h.call('GET', '/api/users/stats/', { token: org.access });
    assert.equal(os.body.events_organized, 4);

    const p = await h.call('GET', '/api/users/profile/', { token: u.access });
    assert.equal(p.body.total_events_participated, 3);
    assert.equal(p.body.total_hours_volunteered, 9.5);

    const earned = await h.call('GET', '/api/users/badges/earned/', { token: u.access });
    assert.equal(earned.status, 200);
    assert.equal(earned.body.count, 1);
    assert.equal(earned.body.results[0].badge.code, 'first_event');
    assert.ok(earned.body.results[0].id && earned.body.results[0].earned_at);

    const rank = await h.call('GET', '/api/users/rank/?category=hours', { token: u.access });
    assert.equal(rank.status, 200, rank.text);
    assert.ok(rank.body.rank >= 1 && rank.body.rank <= rank.body.total_ranked);
    assert.equal(rank.body.total_hours, 9.5);
    const board = await h.call('GET', `/api/users/leaderboard/?category=events&page_size=100`);
    assert.equal(board.status, 200);
    const mine = board.body.results.find((x: any) => x.user.id === u.id);
    assert.ok(mine, 'the volunteer is on the board');
    assert.equal(mine.total_events, 3);
    for (let i = 1; i < board.body.results.length; i++)
      assert.ok(board.body.results[i - 1].total_events >= board.body.results[i].total_events);
    const nobody = await registerAndLogin(h);
    const noRank = await h.call('GET', '/api/users/rank/', { token: nobody.access });
    assert.equal(noRank.body.rank, null);

    // Hidden participation history hides the totals from others; a private profile leaves the board.
    await h.call('PATCH', '/api/users/profile/', {
      token: u.access,
      body: { show_participation_history: false },
    });
    const seenByOther = await h.call('GET', `/api/users/profile/${u.username}/`, { token: nobody.access });
    assert.equal(seenByOther.status, 200);
    assert.equal(seenByOther.body.total_hours_volunteered, null);
    await h.call('PATCH', '/api/users/profile/', { token: u.access, body: { is_public_profile: false } });
    const board2 = await h.call('GET', '/api/users/leaderboard/?category=events&page_size=100');
    assert.equal(
      board2.body.results.find((x: { user: { id: number } }) => x.user.id === u.id),
      undefined,
    );
  });

  test('when the leaderboard or rank get a bad category then 400 on the field; rank needs a login', async () => {
    const u = await registerAndLogin(h);
    const bad = await h.call('GET', '/api/users/leaderboard/?category=%27%3B%20DROP%20TABLE%20users', {});
    assert.equal(bad.status, 400);
    assert.ok(bad.body.category);
    const neg = await h.call('GET', '/api/users/leaderboard/?event_category=-1', {});
    assert.equal(neg.status, 400);
    assert.ok(neg.body.event_category);
    assert.equal((await h.call('GET', '/api/users/rank/?category=xyz', { token: u.access })).status, 400);
    assert.equal((await h.call('GET', '/api/users/rank/')).status, 401);
  });

  test('when the badge catalogue is paged behind the gateway then next/previous are absolute URLs of the client', async () => {
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'mutiroes.example.org' };
    const p1 = await h.call('GET', '/api/users/badges/?page_size=2', { headers });
    assert.equal(p1.status, 200);
    assert.ok(p1.body.count >= 7);
    assert.equal(p1.body.results.length, 2);
    assert.deepEqual(Object.keys(p1.body.results[0]).sort(), [
      'code',
      'criteria_type',
      'description',
      'icon',
      'id',
      'name',
      'threshold',
    ]);
    assert.equal(p1.body.previous, null);
    assert.equal(p1.body.next, 'https://mutiroes.example.org/api/users/badges/?page_size=2&page=2');
    const p2 = await h.call('GET', '/api/users/badges/?page_size=2&page=2', { headers });
    assert.equal(p2.body.previous, 'https://mutiroes.example.org/api/users/badges/?page_size=2');
    assert.equal((await h.call('GET', '/api/users/badges/?page=999')).status, 404);
    assert.equal((await h.call('GET', '/api/users/badges/?page=-1')).status, 404);
    const big = await h.call('GET', '/api/users/badges/?page_size=100000');
    assert.equal(big.status, 200);
    assert.ok(big.body.results.length <= 100);
    assert.equal((await h.call('GET', '/api/users/badges/earned/')).status, 401);
  });
});

describe('bad input on every write endpoint', () => {
  test('when any write endpoint gets malformed JSON, 1 MB strings, wrong types or an empty body then 4xx with a message and no row changes', async () => {
    const u = await registerAndLogin(h);
    await h.call('GET', '/api/users/profile/', { token: u.access });
    const snapshot = async () =>
      Promise.all([
        h.count('users'),
        h.count('refresh_tokens'),
        h.count('refresh_tokens', 'revoked_at IS NOT NULL'),
        h.count('outbox'),
        h.count('user_interests'),
        h
          .sql<{ v: string }>("SELECT md5(string_agg(p::text, ',' ORDER BY id)) AS v FROM user_profiles p")
          .then((r) => r[0]!.v),
        h
          .sql<{ v: string }>("SELECT md5(string_agg(password_hash, ',' ORDER BY id)) AS v FROM users")
          .then((r) => r[0]!.v),
      ]);
    const before = await snapshot();
    const endpoints: Array<[string, string, boolean]> = [
      ['POST', '/api/users/register/', false],
      ['POST', '/api/token/', false],
      ['POST', '/api/token/refresh/', false],
      ['PATCH', '/api/users/profile/', true],
      ['PATCH', '/api/users/profile/update/', true],
      ['POST', '/api/users/change-password/', true],
    ];
    const huge = 'x'.repeat(1024 * 1024);
    const bodies: Array<{ raw?: string; body?: unknown; expect: number[] }> = [
      { raw: '{"a": tru', expect: [400] },
      { raw: '"just a string"', expect: [400] },
      {
        body: {
          username: huge,
          email: huge,
          password: huge,
          refresh: huge,
          bio: huge,
          old_password: huge,
          new_password: huge,
        },
        expect: [413],
      },
      {
        body: {
          username: [],
          email: 5,
          password: {},
          password_confirm: true,
          refresh: 7,
          bio: 9,
          phone: 123,
          is_public_profile: 'sim',
          old_password: 1,
          new_password: null,
        },
        expect: [400],
      },
      {
        body: { interests: [-5, 0], state: "'; DELETE FROM users; --", birth_date: '-0001-01-01' },
        expect: [400],
      },
    ];
    for (const [method, path, auth] of endpoints) {
      for (const b of bodies) {
        const r = await h.call(method, path, {
          ...(auth ? { token: u.access } : {}),
          ...(b.raw !== undefined ? { raw: b.raw } : { body: b.body }),
        });
        // PATCH with only unknown/ignored fields is a valid no-op: the hostile-values body must still fail there.
        assert.ok(
          b.expect.includes(r.status),
          `${method} ${path} ${JSON.stringify(b).slice(0, 80)} → ${r.status} ${r.text.slice(0, 200)}`,
        );
        assert.ok(
          r.body && typeof r.body === 'object' && Object.keys(r.body).length > 0,
          `${method} ${path}: a message`,
        );
      }
      if (method !== 'PATCH') {
        const empty = await h.call(method, path, { ...(auth ? { token: u.access } : {}), body: {} });
        assert.equal(empty.status, 400, `${method} ${path} with {}`);
      }
    }
    assert.deepEqual(await snapshot(), before);
  });
});

describe('health and platform', () => {
  test('when the instance is up then /health/ reports database and redis healthy, readiness and liveness 200', async () => {
    const r = await h.call('GET', '/health/');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.status, 'healthy');
    assert.deepEqual(r.body.checks, { database: 'healthy', redis: 'healthy' });
    assert.deepEqual(r.body.circuit_breakers, {});
    assert.equal((await h.call('GET', '/health')).status, 200);
    assert.equal((await h.call('GET', '/readiness/')).status, 200);
    assert.equal((await h.call('GET', '/liveness')).status, 200);
  });

  test('when no X-Request-ID is sent then one is generated and echoed; unknown paths are JSON 404s', async () => {
    const r = await h.call('GET', '/api/nao-existe/');
    assert.equal(r.status, 404);
    assert.ok(r.body.detail);
    assert.match(r.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const wrongVerb = await h.call('GET', '/api/users/register/');
    assert.equal(wrongVerb.status, 405);
    assert.match(wrongVerb.body.detail, /GET/);
    assert.equal((await h.call('DELETE', '/api/token/refresh')).status, 405);
  });
});

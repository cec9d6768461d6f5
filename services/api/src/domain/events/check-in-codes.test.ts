import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CODE_WINDOW_S,
  deriveCodeKey,
  expiresAt,
  signEventCode,
  signPersonalCode,
  verifyCode,
  windowOf,
} from './check-in-codes.js';

const key = deriveCodeKey('a-test-secret-of-enough-length');
const now = Date.UTC(2026, 11, 4, 12, 0, 0);
const w = windowOf(now);

test('an event code verifies in its window and the next, not after', () => {
  const code = signEventCode(key, 12, 'check_in', w);
  assert.match(code, /^MUT1\.E\.12\.I\.\d+\.[A-Za-z0-9_-]{22}$/);
  const ok = verifyCode(key, code, now);
  assert.deepEqual(ok.ok && ok.code, {
    kind: 'event',
    eventId: 12,
    action: 'check_in',
    window: w,
    mac: code.split('.')[5],
  });
  assert.equal(verifyCode(key, code, now + CODE_WINDOW_S * 1000).ok, true);
  assert.deepEqual(verifyCode(key, code, now + 2 * CODE_WINDOW_S * 1000), { ok: false, problem: 'expired' });
  assert.ok(expiresAt(w).getTime() > now && expiresAt(w).getTime() <= now + 2 * CODE_WINDOW_S * 1000);
});

test('a future window, a changed field or another key is refused', () => {
  assert.deepEqual(verifyCode(key, signEventCode(key, 12, 'check_out', w + 1), now), {
    ok: false,
    problem: 'future',
  });
  const code = signEventCode(key, 12, 'check_in', w);
  assert.deepEqual(verifyCode(key, code.replace('.E.12.', '.E.13.'), now), {
    ok: false,
    problem: 'signature',
  });
  assert.deepEqual(verifyCode(key, code.replace('.I.', '.O.'), now), { ok: false, problem: 'signature' });
  const other = deriveCodeKey('another-secret-of-enough-length');
  assert.deepEqual(verifyCode(other, code, now), { ok: false, problem: 'signature' });
});

test('personal codes carry the user and a fresh nonce each', () => {
  const a = signPersonalCode(key, 12, 7, w);
  const b = signPersonalCode(key, 12, 7, w);
  assert.notEqual(a, b);
  const r = verifyCode(key, a, now);
  assert.ok(r.ok && r.code.kind === 'personal' && r.code.userId === 7 && r.code.eventId === 12);
});

test('garbage is malformed, not a crash', () => {
  for (const s of [
    '',
    'hello',
    'MUT1.E.x.I.1.abc',
    'MUT1.P.1.2.3.short.mac',
    'MUT1.E.1.I.1',
    'x'.repeat(500),
  ])
    assert.deepEqual(verifyCode(key, s, now), { ok: false, problem: 'malformed' });
});

// Signed, rotating QR codes for check-in/out (ADR 0014). Pure functions: the caller gives the key and the clock.
//
//   event code    MUT1.E.<eventId>.<I|O>.<window>.<mac>             shown on the organisers' screen
//   personal code MUT1.P.<eventId>.<userId>.<window>.<nonce>.<mac>  shown on the participant's event page
//
// <window> = floor(unix seconds / CODE_WINDOW_S). A code is accepted during its own window and the next one
// (so one read just after a rotation still works): at most 2 × CODE_WINDOW_S old. <mac> is HMAC-SHA256 of
// everything before it, truncated to 128 bits, base64url.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const CODE_WINDOW_S = 45;
const PREFIX = 'MUT1';
const MAC_CHARS = 22; // 128 bits in base64url

export type CodeAction = 'check_in' | 'check_out';

export type ParsedCode =
  | { kind: 'event'; eventId: number; action: CodeAction; window: number; mac: string }
  | { kind: 'personal'; eventId: number; userId: number; window: number; nonce: string; mac: string };

export type CodeProblem = 'malformed' | 'signature' | 'expired' | 'future';

/** The signing key, derived from the JWT secret (HKDF, its own label): no second secret to configure. */
export function deriveCodeKey(jwtSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', jwtSecret, 'mutiroes', 'qr-check-in/v1', 32));
}

export function windowOf(nowMs: number): number {
  return Math.floor(nowMs / 1000 / CODE_WINDOW_S);
}

/** When a code of `window` stops being accepted. */
export function expiresAt(window: number): Date {
  return new Date((window + 2) * CODE_WINDOW_S * 1000);
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url').slice(0, MAC_CHARS);
}

export function signEventCode(key: Buffer, eventId: number, action: CodeAction, window: number): string {
  const body = `${PREFIX}.E.${eventId}.${action === 'check_in' ? 'I' : 'O'}.${window}`;
  return `${body}.${mac(key, body)}`;
}

export function signPersonalCode(
  key: Buffer,
  eventId: number,
  userId: number,
  window: number,
  nonce = randomBytes(6).toString('base64url'),
): string {
  const body = `${PREFIX}.P.${eventId}.${userId}.${window}.${nonce}`;
  return `${body}.${mac(key, body)}`;
}

const INT = /^[1-9][0-9]{0,9}$/;

/** Checks shape, signature and age; `problem` says why a code is refused. */
export function verifyCode(
  key: Buffer,
  raw: string,
  nowMs: number,
): { ok: true; code: ParsedCode } | { ok: false; problem: CodeProblem } {
  const text = raw.trim();
  const parts = text.split('.');
  if (parts[0] !== PREFIX || text.length > 120) return { ok: false, problem: 'malformed' };
  let code: ParsedCode;
  if (parts[1] === 'E' && parts.length === 6) {
    const [, , ev, act, win, m] = parts as [string, string, string, string, string, string];
    if (!INT.test(ev) || (act !== 'I' && act !== 'O') || !INT.test(win))
      return { ok: false, problem: 'malformed' };
    code = {
      kind: 'event',
      eventId: Number(ev),
      action: act === 'I' ? 'check_in' : 'check_out',
      window: Number(win),
      mac: m,
    };
  } else if (parts[1] === 'P' && parts.length === 7) {
    const [, , ev, user, win, nonce, m] = parts as [string, string, string, string, string, string, string];
    if (!INT.test(ev) || !INT.test(user) || !INT.test(win) || !/^[A-Za-z0-9_-]{8}$/.test(nonce))
      return { ok: false, problem: 'malformed' };
    code = {
      kind: 'personal',
      eventId: Number(ev),
      userId: Number(user),
      window: Number(win),
      nonce,
      mac: m,
    };
  } else return { ok: false, problem: 'malformed' };
  const body = parts.slice(0, -1).join('.');
  const expected = Buffer.from(mac(key, body));
  const given = Buffer.from(code.mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, problem: 'signature' };
  const current = windowOf(nowMs);
  if (code.window > current) return { ok: false, problem: 'future' };
  if (code.window < current - 1) return { ok: false, problem: 'expired' };
  return { ok: true, code };
}

/** The pt-BR message for a refused code (field `code`). */
export const CODE_MESSAGES: Record<CodeProblem, string> = {
  malformed: 'Este não é um código de presença do Mutirões.',
  signature: 'Código inválido: a assinatura não confere.',
  expired: 'Código expirado: leia o QR code atual na tela do organizador.',
  future: 'Código inválido: gerado para um horário futuro.',
};

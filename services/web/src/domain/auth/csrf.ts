// CSRF tokens for server-side form actions: an HMAC of a random per-browser cookie (double submit, signed).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieJar } from './cookie-jar.js';

export const CSRF_COOKIE = 'mt_csrf';
export const CSRF_FIELD = '_csrf';

export class Csrf {
  constructor(private readonly secret: string) {}

  /** The token for this browser's forms (sets the cookie on first use). */
  tokenFor(jar: CookieJar): string {
    let seed = jar.get(CSRF_COOKIE);
    if (!seed || !/^[A-Za-z0-9_-]{22,64}$/.test(seed)) {
      seed = randomBytes(18).toString('base64url');
      jar.set(CSRF_COOKIE, seed, { httpOnly: true });
    }
    return this.sign(seed);
  }

  verify(jar: CookieJar, token: unknown): boolean {
    const seed = jar.get(CSRF_COOKIE);
    if (!seed || typeof token !== 'string' || token.length > 128) return false;
    const want = Buffer.from(this.sign(seed));
    const got = Buffer.from(token);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  private sign(seed: string): string {
    return createHmac('sha256', this.secret).update(`csrf:${seed}`).digest('base64url');
  }
}

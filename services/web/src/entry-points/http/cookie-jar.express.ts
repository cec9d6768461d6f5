// CookieJar over an Express request/response pair: HttpOnly, SameSite=Lax, Path=/, Secure in production.
import type { Request, Response } from 'express';
import type { CookieJar, CookieOptions } from '../../domain/auth/cookie-jar.js';

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 1) continue;
    const k = part.slice(0, i).trim();
    if (!out.has(k)) {
      try {
        out.set(k, decodeURIComponent(part.slice(i + 1).trim()));
      } catch {
        /* a malformed cookie is ignored */
      }
    }
  }
  return out;
}

export function expressCookieJar(req: Request, res: Response, secure: boolean): CookieJar {
  const current = parseCookies(req.headers.cookie);
  const write = (name: string, value: string, maxAgeS: number, httpOnly: boolean) => {
    const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'SameSite=Lax', `Max-Age=${maxAgeS}`];
    if (httpOnly) parts.push('HttpOnly');
    if (secure) parts.push('Secure');
    res.append('Set-Cookie', parts.join('; '));
  };
  return {
    get: (name) => current.get(name),
    set(name: string, value: string, opts: CookieOptions = {}) {
      current.set(name, value);
      write(name, value, opts.maxAgeS ?? 365 * 24 * 3600, opts.httpOnly ?? true);
    },
    clear(name: string) {
      current.delete(name);
      write(name, '', 0, true);
    },
  };
}

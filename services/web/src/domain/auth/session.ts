// The visitor's session, held by the web server only: the API's access/refresh pair lives in httpOnly
// cookies that no page script can read. Refreshes with rotation when the access token is about to expire.
import type { ApiClient, ApiResponse } from '../../data-access/api-client.js';
import type { CookieJar } from './cookie-jar.js';
import { readAccessClaims, type AccessClaims } from './token-claims.js';

export const ACCESS_COOKIE = 'mt_access';
export const REFRESH_COOKIE = 'mt_refresh';
const REFRESH_MAX_AGE_S = 7 * 24 * 3600;
/** Refresh this long before the access token expires (clock skew, slow requests). */
const EARLY_S = 30;

interface TokenPair {
  access: string;
  refresh: string;
}

/** One refresh per refresh token at a time in this process: parallel page requests share the rotation. */
const inflight = new Map<string, Promise<TokenPair | null>>();

export type LoginResult = { ok: true } | { ok: false; status: number; errors: Record<string, string[]> };

export class Session {
  private claims: AccessClaims | undefined;
  private access: string | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly jar: CookieJar,
  ) {
    this.access = jar.get(ACCESS_COOKIE);
    this.claims = readAccessClaims(this.access);
  }

  /** Who is logged in (from the token; the API re-checks every call). Call token() first to refresh. */
  get user(): AccessClaims | undefined {
    return this.claims;
  }

  /** A valid access token, refreshed (rotated) when needed; undefined when logged out. */
  async token(): Promise<string | undefined> {
    const now = Date.now() / 1000;
    if (this.access && this.claims && this.claims.exp - EARLY_S > now) return this.access;
    const refresh = this.jar.get(REFRESH_COOKIE);
    if (!refresh) return undefined;
    let p = inflight.get(refresh);
    if (!p) {
      p = this.rotate(refresh).finally(() => setTimeout(() => inflight.delete(refresh), 5_000).unref());
      inflight.set(refresh, p);
    }
    const pair = await p;
    if (!pair) {
      this.clear();
      return undefined;
    }
    this.store(pair);
    return pair.access;
  }

  async login(login: string, password: string): Promise<LoginResult> {
    const body = login.includes('@') ? { email: login, password } : { username: login, password };
    const r = await this.api.request<Partial<TokenPair> & Record<string, unknown>>({
      method: 'POST',
      path: '/api/token/',
      body,
    });
    if (r.status === 200 && r.data.access && r.data.refresh) {
      this.store({ access: r.data.access, refresh: r.data.refresh });
      return { ok: true };
    }
    return { ok: false, status: r.status, errors: fieldErrors(r) };
  }

  /** Revokes the refresh token's family at the API, then forgets the pair. */
  async logout(): Promise<void> {
    const refresh = this.jar.get(REFRESH_COOKIE);
    if (refresh) {
      await this.api
        .request({ method: 'POST', path: '/api/token/revoke/', body: { refresh } })
        .catch(() => undefined);
    }
    this.clear();
  }

  private async rotate(refresh: string): Promise<TokenPair | null> {
    const r = await this.api.request<Partial<TokenPair>>({
      method: 'POST',
      path: '/api/token/refresh/',
      body: { refresh },
    });
    if (r.status === 200 && r.data.access && r.data.refresh)
      return { access: r.data.access, refresh: r.data.refresh };
    return null;
  }

  private store(pair: TokenPair): void {
    this.access = pair.access;
    this.claims = readAccessClaims(pair.access);
    const ttl = this.claims ? Math.max(60, Math.floor(this.claims.exp - Date.now() / 1000)) : 3600;
    this.jar.set(ACCESS_COOKIE, pair.access, { maxAgeS: ttl, httpOnly: true });
    this.jar.set(REFRESH_COOKIE, pair.refresh, { maxAgeS: REFRESH_MAX_AGE_S, httpOnly: true });
  }

  private clear(): void {
    this.access = undefined;
    this.claims = undefined;
    this.jar.clear(ACCESS_COOKIE);
    this.jar.clear(REFRESH_COOKIE);
  }
}

/** The API's error body as field → messages (`detail`/`error` under `_form`). */
export function fieldErrors(r: ApiResponse): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const d = r.data;
  if (d && typeof d === 'object' && !Array.isArray(d)) {
    for (const [k, v] of Object.entries(d as Record<string, unknown>)) {
      const key = k === 'detail' || k === 'error' || k === 'non_field_errors' ? '_form' : k;
      const msgs = Array.isArray(v)
        ? v.map(String)
        : typeof v === 'string'
          ? [v]
          : v && typeof v === 'object'
            ? [JSON.stringify(v)]
            : [];
      if (msgs.length) out[key] = [...(out[key] ?? []), ...msgs];
    }
  }
  if (Object.keys(out).length === 0) out['_form'] = [`Erro inesperado (${r.status}). Tente novamente.`];
  return out;
}

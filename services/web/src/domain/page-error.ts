// What a view model or action reports when the page cannot be shown: a stable code, mapped to a status
// by the pages (never an HTTP detail from the domain).
import type { ApiResponse } from '../data-access/api-client.js';

export type PageErrorCode = 'NOT_FOUND' | 'FORBIDDEN' | 'LOGIN_REQUIRED' | 'UNAVAILABLE';

export class PageError extends Error {
  constructor(
    readonly code: PageErrorCode,
    message: string = code,
  ) {
    super(message);
  }
}

/** The API answer, or a PageError for 401/403/404/5xx. */
export function expectOk<T>(r: ApiResponse<T>): T {
  if (r.status >= 200 && r.status < 300) return r.data;
  if (r.status === 404) throw new PageError('NOT_FOUND');
  if (r.status === 401) throw new PageError('LOGIN_REQUIRED');
  if (r.status === 403) throw new PageError('FORBIDDEN');
  throw new PageError('UNAVAILABLE', `API answered ${r.status}`);
}

/** True for the API client's "no instance answered" error (by code: the class lives on the server side). */
export function isApiUnavailable(e: unknown): boolean {
  return (e as { code?: string } | null)?.code === 'API_UNAVAILABLE';
}

// Page-number pagination in the contract's shape {count, next, previous, results}, with absolute URLs.
import type { Request } from 'express';
import { NotFoundError } from '../../domain/shared/app-errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  page: number;
  pageSize: number;
  /** SQL LIMIT / OFFSET for this page. */
  limit: number;
  offset: number;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

function firstQueryValue(v: unknown): string | undefined {
  if (Array.isArray(v)) return firstQueryValue(v[0]);
  return typeof v === 'string' ? v : undefined;
}

/** `?page=N` (default 1; not a positive integer → 404 like an out-of-range page) and `?page_size=` (≤ 100). */
export function pageRequest(req: Request): PageRequest {
  const rawPage = firstQueryValue(req.query['page']);
  let page = 1;
  if (rawPage !== undefined && rawPage !== '') {
    if (rawPage === 'last') page = Number.MAX_SAFE_INTEGER;
    else if (!/^\d{1,9}$/.test(rawPage) || Number(rawPage) < 1) throw new NotFoundError('Página inválida.');
    else page = Number(rawPage);
  }
  const rawSize = firstQueryValue(req.query['page_size']);
  let pageSize = DEFAULT_PAGE_SIZE;
  if (rawSize && /^\d{1,6}$/.test(rawSize) && Number(rawSize) > 0)
    pageSize = Math.min(Number(rawSize), MAX_PAGE_SIZE);
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

function forwardedFirst(req: Request, header: string): string | undefined {
  const v = req.get(header);
  return v ? v.split(',')[0]!.trim() || undefined : undefined;
}

/** The absolute URL the client used, honouring X-Forwarded-Proto / X-Forwarded-Host set by the gateway. */
export function absoluteUrl(req: Request, pathAndQuery: string = req.originalUrl): string {
  const proto = forwardedFirst(req, 'x-forwarded-proto') ?? req.protocol;
  const host = forwardedFirst(req, 'x-forwarded-host') ?? req.get('host') ?? 'localhost';
  return `${proto}://${host}${pathAndQuery}`;
}

function urlForPage(req: Request, page: number): string {
  const url = new URL(absoluteUrl(req));
  if (page <= 1) url.searchParams.delete('page');
  else url.searchParams.set('page', String(page));
  return url.toString();
}

/**
 * Builds the page. A page past the last one is a 404 (`Página inválida.`), except page 1 of an empty list.
 * `count` is the total number of rows, `results` the rows of this page.
 */
export function buildPage<T>(req: Request, pr: PageRequest, count: number, results: T[]): Page<T> {
  const lastPage = Math.max(1, Math.ceil(count / pr.pageSize));
  if (pr.page > lastPage) throw new NotFoundError('Página inválida.');
  return {
    count,
    next: pr.page < lastPage ? urlForPage(req, pr.page + 1) : null,
    previous: pr.page > 1 ? urlForPage(req, pr.page - 1) : null,
    results,
  };
}

/** Convenience: runs `load(limit, offset)` → {count, rows} for the requested page and wraps it. */
export async function paginate<T>(
  req: Request,
  load: (limit: number, offset: number) => Promise<{ count: number; rows: T[] }>,
): Promise<Page<T>> {
  const pr = pageRequest(req);
  if (pr.page === Number.MAX_SAFE_INTEGER) {
    const { count } = await load(0, 0);
    const last = Math.max(1, Math.ceil(count / pr.pageSize));
    const fixed = { ...pr, page: last, offset: (last - 1) * pr.pageSize };
    const { rows } = await load(fixed.limit, fixed.offset);
    return buildPage(req, fixed, count, rows);
  }
  const { count, rows } = await load(pr.limit, pr.offset);
  return buildPage(req, pr, count, rows);
}

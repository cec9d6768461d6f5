// The one place where error codes become HTTP statuses and response bodies.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, type Logger } from '@mutiroes/platform';
import { ErrorCodes, RateLimitedError, type FieldErrors } from '../../domain/shared/app-errors.js';
import { detailBody } from './error-body.js';

const STATUS: Record<string, number> = {
  [ErrorCodes.validation]: 400,
  [ErrorCodes.notAuthenticated]: 401,
  [ErrorCodes.authenticationFailed]: 401,
  [ErrorCodes.tokenInvalid]: 401,
  [ErrorCodes.permissionDenied]: 403,
  [ErrorCodes.notFound]: 404,
  [ErrorCodes.conflict]: 409,
  [ErrorCodes.rateLimited]: 429,
  [ErrorCodes.unavailable]: 503,
};

/** Postgres/pg errors that mean "the database is not reachable or not writable right now". */
const UNAVAILABLE_NAMES = new Set([
  'SequelizeConnectionError',
  'SequelizeConnectionRefusedError',
  'SequelizeConnectionAcquireTimeoutError',
  'SequelizeConnectionTimedOutError',
  'SequelizeHostNotReachableError',
  'SequelizeHostNotFoundError',
]);
const UNAVAILABLE_PG_CODES = new Set([
  '25006',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (UNAVAILABLE_NAMES.has(err.name)) return true;
  const code = (err as { original?: { code?: string }; parent?: { code?: string } }).original?.code;
  if (code && UNAVAILABLE_PG_CODES.has(code)) return true;
  return /ECONNREFUSED|ECONNRESET|Connection terminated|connect ETIMEDOUT|timeout exceeded when trying to connect|passing \S+ primar|no usable postgres primary|in recovery|read-only transaction|Query read timeout/i.test(
    err.message,
  );
}

/** Body-parser failures (malformed JSON, body too large, bad charset) carry `type` and `status`. */
function bodyParserError(err: unknown): { status: number; detail: string } | null {
  if (typeof err !== 'object' || err === null || !('type' in err)) return null;
  const type = (err as { type: unknown }).type;
  switch (type) {
    case 'entity.parse.failed':
      return { status: 400, detail: 'JSON malformado: o corpo da requisição não pôde ser interpretado.' };
    case 'entity.too.large':
      return { status: 413, detail: 'O corpo da requisição é grande demais.' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, detail: 'Codificação do corpo da requisição não suportada.' };
    case 'request.aborted':
      return { status: 400, detail: 'Requisição interrompida.' };
    default:
      return null;
  }
}

export function notFoundHandler(): RequestHandler {
  return (_req, res) => {
    res.status(404).json(detailBody('Não encontrado.'));
  };
}

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const bp = bodyParserError(err);
    if (bp) {
      res.status(bp.status).json(detailBody(bp.detail));
      return;
    }
    if (err instanceof AppError && STATUS[err.code] !== undefined) {
      const status = STATUS[err.code]!;
      if (err instanceof RateLimitedError) res.set('Retry-After', String(err.retryAfterS));
      if (status === 503) res.set('Retry-After', '2');
      const fields = err.details?.['fields'] as FieldErrors | undefined;
      if (status >= 500)
        log.error('request failed', { code: err.code, error: err.message, cause: String(err.cause ?? '') });
      if (fields) res.status(status).json(fields);
      else if (err.code === ErrorCodes.tokenInvalid)
        res.status(status).json(detailBody(err.message, err.code));
      else res.status(status).json(detailBody(err.message));
      return;
    }
    if (isDatabaseUnavailable(err)) {
      log.warn('database unavailable', { error: (err as Error).message, method: req.method, path: req.path });
      res
        .set('Retry-After', '2')
        .status(503)
        .json(detailBody('Serviço temporariamente indisponível. Tente novamente.'));
      return;
    }
    log.error('unhandled error', {
      method: req.method,
      path: req.path,
      error: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    res.status(500).json(detailBody('Erro interno do servidor.'));
  };
}

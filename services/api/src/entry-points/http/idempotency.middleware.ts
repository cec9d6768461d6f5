// Idempotency-Key for POST and PATCH (authenticated and anonymous): a repeat of a completed request gets the
// stored response (`Idempotent-Replayed: true`), so the gateway and clients may retry writes safely.
// Scope: (user id from a valid access token, else client IP) × method × path. See README "Idempotency-Key".
import { createHash, randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Sequelize } from 'sequelize';
import type { Logger } from '@mutiroes/platform';
import { bearerToken, verifiedClaims } from '@mutiroes/contracts';
import { ValidationError } from '../../domain/shared/app-errors.js';
import { IdempotencyKeyRepository } from '../../data-access/idempotency/idempotency-key.repository.js';
import { isDatabaseUnavailable } from './error.middleware.js';
import { detailBody } from './error-body.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const MAX_KEY_LENGTH = 200;
const KEY_RE = /^[\x20-\x7e]+$/;
/** /api/token, /api/token/refresh, in any case and with repeated slashes: their answers are credentials. */
const TOKEN_PATH_RE = /^\/+api\/+token(\/|$)/i;
/** Response headers replayed with the stored body. */
const KEPT_HEADERS = ['content-type', 'location'];

export interface IdempotencyOptions {
  sequelize: Sequelize;
  jwtSecret: string;
  log: Logger;
  /**
   * Lease of a `processing` row (default 6 s), renewed every third of it while the request runs; a repeat gets
   * 409 until it runs out, then takes the key over (the first request's instance died).
   */
  leaseS?: number;
  /** Minimum interval between purges of rows older than 24 h (run lazily from requests). */
  purgeEveryMs?: number;
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` hash alike. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function requestHash(body: unknown): string {
  return createHash('sha256')
    .update(body === undefined ? '' : canonical(body))
    .digest('hex');
}

function clientIp(req: Request): string {
  // Only the gateway (loopback) is trusted to say who the client is.
  const peer = (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
  const fwd = req.get('x-forwarded-for');
  const loopback = peer === '127.0.0.1' || peer === '::1';
  return loopback && fwd ? fwd.split(',')[0]!.trim() : peer;
}

function principal(req: Request, secret: string): string {
  const token = bearerToken(req.get('authorization'));
  // An invalid token: the route answers 401; the key is scoped to the IP.
  const c = token ? verifiedClaims(token, secret) : null;
  if (c && c['token_type'] === 'access' && typeof c['user_id'] === 'number') return `user:${c['user_id']}`;
  return `ip:${clientIp(req)}`;
}

/** Tries to record a key's outcome that meet a dead pooled connection (the primary restarting). */
const SETTLE_ATTEMPTS = 3;

/**
 * Runs `fn` again (on a new connection, which waits for the primary) when the database was unreachable:
 * a key left `processing` answers every retry 409 until its lease runs out, and a completed write whose
 * response was not stored would run again after it.
 */
async function settleWithRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= SETTLE_ATTEMPTS || !isDatabaseUnavailable(e)) throw e;
    }
  }
}

export function idempotencyMiddleware(o: IdempotencyOptions): RequestHandler {
  const repo = new IdempotencyKeyRepository(o.sequelize);
  const leaseS = o.leaseS ?? 6;
  const purgeEveryMs = o.purgeEveryMs ?? 600_000;
  let lastPurge = 0;

  const purgeLazily = () => {
    if (Date.now() - lastPurge < purgeEveryMs) return;
    lastPurge = Date.now();
    repo
      .purgeExpired()
      .then((n) => n && o.log.info('expired idempotency keys purged', { count: n }))
      .catch((e: unknown) => o.log.warn('idempotency key purge failed', { error: String(e) }));
  };

  /** Buffers what the handler writes; stores the response before it leaves (a retry then always finds it). */
  const capture = (res: Response, id: string, token: string) => {
    const chunks: Buffer[] = [];
    const toBuf = (chunk: unknown, enc?: unknown) =>
      Buffer.isBuffer(chunk)
        ? chunk
        : Buffer.from(String(chunk), typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8');
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    const end = res.end.bind(res) as (...a: unknown[]) => Response;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk != null && typeof chunk !== 'function') chunks.push(toBuf(chunk, rest[0]));
      return write(chunk, ...rest);
    }) as Response['write'];
    let ended = false;
    res.end = ((...args: unknown[]) => {
      if (ended) return end(...args);
      ended = true;
      const [chunk, enc] = args;
      if (chunk != null && typeof chunk !== 'function') chunks.push(toBuf(chunk, enc));
      const status = res.statusCode;
      const notRecorded = (e: unknown) =>
        // The row stays `processing`; a retry after the lease runs the request again (README trade-off).
        o.log.error('idempotency key not recorded', { id, status, error: String(e) });
      if (status >= 500) {
        // Nothing durable is known to have happened (a 5xx is a rolled-back or failed write): free the key.
        // The answer does not wait for it: when the database is briefly unreachable the release waits for
        // the primary, while the client (or the gateway) should retry at once; until the release lands a
        // retry gets 409 + Retry-After, then runs the request.
        end(...args);
        settleWithRetry(() => repo.release(id, token)).catch(notRecorded);
        return res;
      }
      settleWithRetry(() =>
        repo.complete(id, token, {
          status,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: Object.fromEntries(
            KEPT_HEADERS.flatMap((h) => {
              const v = res.getHeader(h);
              return v === undefined ? [] : [[h, String(v)]];
            }),
          ),
        }),
      )
        .then((ok) => {
          if (!ok) o.log.warn('idempotency key lease lost before completion', { id });
        })
        .catch(notRecorded)
        .finally(() => end(...args));
      return res;
    }) as Response['end'];
  };

  return (req, res, next) => {
    if (req.method !== 'POST' && req.method !== 'PATCH') return next();
    // Token endpoints are never covered, however the path is spelled (see app.ts: they are mounted before this).
    if (TOKEN_PATH_RE.test(req.path)) return next();
    const key = req.get(IDEMPOTENCY_HEADER);
    if (key === undefined) return next();
    if (!key.length || !KEY_RE.test(key)) {
      return next(
        ValidationError.field(IDEMPOTENCY_HEADER, 'Informe uma chave de caracteres ASCII visíveis.'),
      );
    }
    if (key.length > MAX_KEY_LENGTH) {
      return next(
        ValidationError.field(
          IDEMPOTENCY_HEADER,
          `Certifique-se de que a chave tenha no máximo ${MAX_KEY_LENGTH} caracteres.`,
        ),
      );
    }
    if (req.is('multipart/form-data')) {
      // The body is streamed to multer, not hashed here: refuse rather than pretend.
      return next(ValidationError.detail('Idempotency-Key não é suportada em envios multipart/form-data.'));
    }
    purgeLazily();
    const scope = `${principal(req, o.jwtSecret)} ${req.method} ${req.originalUrl.split('?')[0]}`;
    const token = randomUUID();
    repo
      .claim(scope, key, requestHash(req.body), leaseS, token)
      .then((c) => {
        switch (c.outcome) {
          case 'owner': {
            capture(res, c.id, c.token);
            // The lease is short and renewed while this request runs: if this instance dies, a retry (the
            // gateway's, within its 10 s budget) takes the key over after at most leaseS instead of waiting
            // out a long lease; a slow but live request keeps it.
            const renew = setInterval(
              () => {
                repo
                  .renew(c.id, c.token, leaseS)
                  .catch((e: unknown) =>
                    o.log.warn('idempotency key lease not renewed', { id: c.id, error: String(e) }),
                  );
              },
              (leaseS * 1000) / 3,
            );
            renew.unref();
            res.once('close', () => clearInterval(renew));
            return next();
          }
          case 'replay': {
            res.status(c.response.status).set('Idempotent-Replayed', 'true');
            for (const [h, v] of Object.entries(c.response.headers)) res.setHeader(h, v);
            if (c.response.body) res.send(Buffer.from(c.response.body, 'utf8'));
            else res.end();
            return;
          }
          case 'mismatch':
            res
              .status(422)
              .json(detailBody('Esta Idempotency-Key já foi usada com outro corpo de requisição.'));
            return;
          case 'busy':
            res
              .status(409)
              .set('Retry-After', '1')
              .json(detailBody('Uma requisição com esta Idempotency-Key ainda está em andamento.'));
            return;
        }
      })
      .catch((e: unknown) => {
        // The claim may have committed with its answer lost (the primary died mid-statement): free what
        // this request may hold, in the background, so that the retry of this 503 is not blocked.
        if (isDatabaseUnavailable(e))
          settleWithRetry(() => repo.abandon(scope, key, token)).catch((err: unknown) =>
            o.log.error('idempotency key not abandoned', { key, error: String(err) }),
          );
        next(e);
      });
  };
}

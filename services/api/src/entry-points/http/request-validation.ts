// Parses request bodies and query strings with zod schemas; failures become 400 `{field: ["message"]}`.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { ValidationError, type FieldErrors } from '../../domain/shared/app-errors.js';
import { detailBody } from './error-body.js';

// User-facing messages are pt-BR (DOMAIN.md); one process-wide setting for every schema of the API.
z.config(z.locales.ptBR());

const REQUIRED = 'Este campo é obrigatório.';
const NOT_NULL = 'Este campo não pode ser nulo.';

function errorMap(issue: { code?: string; input?: unknown }): string | undefined {
  if (issue.code === 'invalid_type' && issue.input === undefined) return REQUIRED;
  if (issue.code === 'invalid_type' && issue.input === null) return NOT_NULL;
  return undefined;
}

/** zod issues → the contract's field-error shape; nested paths are joined with '.', root issues go to `detail`. */
export function toFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.map(String).join('.') : 'non_field_errors';
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/**
 * Validates a JSON body. A body that is not a JSON object (array, string, number) is a 400 `{detail}`;
 * an absent body (no JSON content type) is treated as `{}` so every required field is reported.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const input = body === undefined || body === null ? {} : body;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw ValidationError.detail('O corpo da requisição deve ser um objeto JSON.');
  }
  const r = schema.safeParse(input, { error: errorMap });
  if (!r.success) throw new ValidationError(toFieldErrors(r.error));
  return r.data;
}

/** Validates `req.query` (values are strings; use z.coerce in the schema). */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const r = schema.safeParse(query ?? {}, { error: errorMap });
  if (!r.success) throw new ValidationError(toFieldErrors(r.error));
  return r.data;
}

/** A positive integer path id (`/events/:id/`); anything else is a 404, as an unknown id would be. */
export function parseId(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n <= 2_147_483_647 ? n : null;
}

/** Common field shapes with the contract's limits. */
export const fields = {
  /** Trimmed text, at most `max` characters. */
  text: (max: number) => z.string().trim().max(max),
  /** Non-empty trimmed text, at most `max` characters. */
  requiredText: (max: number) => z.string().trim().min(1, 'Este campo não pode estar em branco.').max(max),
  /** Whole number in [min, max]. */
  int: (min = 0, max = 2_147_483_647) => z.number().int('Informe um número inteiro.').min(min).max(max),
};

/** For a known path reached with a verb it does not serve: 405 with the DRF-style message. */
export const methodNotAllowed: RequestHandler = (req, res) => {
  res.status(405).json(detailBody(`Método "${req.method}" não é permitido.`));
};

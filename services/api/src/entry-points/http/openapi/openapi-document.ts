// Renders OPERATIONS into an OpenAPI 3.1 document: request schemas from the routes' own zod schemas (input
// side), answers from response.schemas.ts (output side), bearer auth, error and pagination shapes.
import { z } from 'zod';
import { API_VERSION } from '../../../version.js';
import { OPERATIONS, PATH_PARAMS, type OperationRow } from './api-operations.js';
import { responseRegistry } from './response.schemas.js';

type Json = Record<string, unknown>;
const REF = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: field errors `{field: [messages]}`, or `{detail, message}`. Nothing is written.',
  401: 'Not authenticated: no, an expired or an invalid access token.',
  403: 'Forbidden: the caller may not do this (e.g. not the organiser).',
  404: 'Not found (or not visible to the caller), or a page past the last.',
  409: 'Conflict (e.g. the report already exists).',
  413: 'Body too large.',
  429: 'Too many attempts; see Retry-After.',
  503: 'Temporarily unavailable; see Retry-After.',
};

/** JSON Schema of a zod schema as a component or inline object (no `$schema`; refs point at components). */
function toSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const j = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    metadata: io === 'output' ? responseRegistry : undefined,
  }) as Json;
  delete j['$schema'];
  return j;
}

function componentSchemas(): Record<string, Json> {
  const { schemas } = z.toJSONSchema(responseRegistry, {
    target: 'draft-2020-12',
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, Json> };
  for (const s of Object.values(schemas)) {
    delete s['$schema'];
    delete s['$id']; // a fragment-only $id is not allowed in 2020-12; the component's place names it
  }
  return schemas;
}

/** The registered name of an answer schema (every answer schema is a component). */
function componentName(schema: z.ZodType): string {
  const meta = responseRegistry.get(schema);
  if (!meta) throw new Error('an answer schema is not registered in responseRegistry');
  return meta.id;
}

function parameters(op: OperationRow): Json[] {
  const params: Json[] = [];
  for (const m of op.path.matchAll(/\{(\w+)\}/g)) {
    const p = PATH_PARAMS[m[1]!];
    if (!p) throw new Error(`no path parameter definition for {${m[1]}} (${op.path})`);
    params.push({ name: m[1], in: 'path', required: true, schema: p.schema, description: p.description });
  }
  if (op.query) {
    const q = toSchema(op.query, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      params.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
    }
  }
  if (op.paginated) {
    params.push(
      { name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 1 } },
      {
        name: 'page_size',
        in: 'query',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
      },
    );
  }
  return params;
}

function requestBody(op: OperationRow, requests: Record<string, Json>): Json | undefined {
  const content: Json = {};
  if (op.body) {
    requests[op.body.name] ??= toSchema(op.body.schema, 'input');
    content['application/json'] = { schema: REF(op.body.name) };
  }
  if (op.multipart) {
    if (!requests[op.multipart.name]) {
      const fields = toSchema(op.multipart.schema, 'input') as {
        properties?: Json;
        required?: string[];
      };
      requests[op.multipart.name] = {
        type: 'object',
        properties: {
          ...fields.properties,
          [op.multipart.file]: { type: 'string', contentMediaType: 'application/octet-stream' },
        },
        required: [...(fields.required ?? []), ...(op.multipart.fileRequired ? [op.multipart.file] : [])],
      };
    }
    content['multipart/form-data'] = { schema: REF(op.multipart.name) };
  }
  if (Object.keys(content).length === 0) return undefined;
  return { required: op.body?.required ?? op.multipart?.fileRequired ?? false, content };
}

function responses(op: OperationRow): Json {
  const r: Json = {};
  const ok: Json = { description: op.ok.description };
  if (op.ok.schema) ok['content'] = { 'application/json': { schema: REF(componentName(op.ok.schema)) } };
  else if (op.ok.html) ok['content'] = { 'text/html': { schema: { type: 'string' } } };
  else if (op.ok.mediaType) ok['content'] = { [op.ok.mediaType]: { schema: { type: 'string' } } };
  else if (op.ok.status !== 204)
    ok['content'] = { 'application/octet-stream': { schema: { type: 'string', contentMediaType: '*/*' } } };
  r[String(op.ok.status)] = ok;
  const errors = new Set(op.errors ?? []);
  if (op.auth === 'required') errors.add(401);
  for (const status of [...errors].sort()) {
    const schema = status === 400 ? { oneOf: [REF('DetailError'), REF('FieldErrors')] } : REF('DetailError');
    r[String(status)] = {
      description: ERROR_TEXT[status] ?? 'Error.',
      content: { 'application/json': { schema } },
    };
  }
  return r;
}

const SECURITY: Record<OperationRow['auth'], Json[]> = {
  none: [],
  optional: [{}, { bearerAuth: [] }],
  required: [{ bearerAuth: [] }],
};

function operationId(op: OperationRow): string {
  const words = op.path
    .replace(/\{(\w+)\}/g, 'by_$1')
    .split(/[/_-]+/)
    .filter(Boolean);
  return [op.method, ...words].map((w, i) => (i ? w[0]!.toUpperCase() + w.slice(1) : w)).join('');
}

export function buildOpenApiDocument(): Json {
  const requests: Record<string, Json> = {};
  const paths: Record<string, Record<string, Json>> = {};
  for (const op of OPERATIONS) {
    const body = requestBody(op, requests);
    const params = parameters(op);
    (paths[op.path] ??= {})[op.method] = {
      operationId: operationId(op),
      tags: [op.tag],
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      security: SECURITY[op.auth],
      ...(params.length ? { parameters: params } : {}),
      ...(body ? { requestBody: body } : {}),
      responses: responses(op),
    };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Mutirões API',
      version: API_VERSION,
      description: [
        'REST API of Mutirões, community environmental work-parties. Paths end with `/`; the same path without it works too.',
        'JSON bodies with snake_case fields. Datetimes are answered in America/Sao_Paulo with their offset',
        '(`2026-12-13T08:00:00-03:00`); input with any offset is accepted, without one it is São Paulo time.',
        'Lists are pages `{count, next, previous, results}`, 20 per page (`?page=N`, `?page_size=` ≤ 100).',
        'Auth: `Authorization: Bearer <access JWT>` from `POST /api/token/` (60 min; refresh 7 days, rotated).',
        'A public read with an expired or invalid token is answered as to an anonymous caller.',
        'Errors: 400 `{field: [messages]}` or `{detail, message}`; other errors `{detail, message}`.',
        'Writes may carry `Idempotency-Key` (a repeat gets the first answer, `Idempotent-Replayed: true`).',
        'The gateway in front answers 429 (rate limit), 502 and 503 with `{error: {code, message, request_id}}`.',
      ].join('\n'),
    },
    servers: [{ url: '/' }],
    tags: [
      'auth',
      'users',
      'events',
      'participation',
      'content',
      'reports',
      'calendar',
      'health',
      'media',
      'docs',
    ].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { ...componentSchemas(), ...requests },
    },
  };
}

let cached: Json | undefined;
/** The document, built once per process (the schemas are static). */
export function openApiDocument(): Json {
  return (cached ??= buildOpenApiDocument());
}

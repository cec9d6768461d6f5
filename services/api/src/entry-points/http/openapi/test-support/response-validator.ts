// Test support: checks a real answer (method, path, status, JSON body) against the OpenAPI document with ajv
// (JSON Schema 2020-12), and records which documented operations were seen answering successfully.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

type Json = Record<string, unknown>;
const DOC_ID = 'https://mutiroes.invalid/openapi.json';

export interface DocumentedOperation {
  method: string;
  path: string;
  regex: RegExp;
  responses: Record<string, Json>;
}

export interface ResponseValidator {
  operations: DocumentedOperation[];
  /** The documented operation for a request path (query ignored; trailing slash optional). */
  match(method: string, urlPath: string): DocumentedOperation | undefined;
  /** Problems with this answer (empty = conforms). A 2xx that conforms marks its operation as covered. */
  check(
    method: string,
    urlPath: string,
    status: number,
    body: unknown,
    contentType?: string | null,
  ): string[];
  /** Compiles every JSON answer schema of `op` (throws on a schema ajv cannot compile). */
  compileAll(op: DocumentedOperation): void;
  /** `method path` of the operations seen answering 2xx in conformance. */
  covered: Set<string>;
}

function rewriteRefs(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(rewriteRefs);
  if (v && typeof v === 'object') {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = k === '$ref' && typeof x === 'string' && x.startsWith('#/') ? `${DOC_ID}${x}` : rewriteRefs(x);
    }
    return out;
  }
  return v;
}

export function createResponseValidator(doc: Json): ResponseValidator {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOC_ID, components: (doc['components'] as Json) ?? {} });
  const operations: DocumentedOperation[] = [];
  for (const [path, ops] of Object.entries(doc['paths'] as Record<string, Record<string, Json>>)) {
    const pattern = path
      .replace(/\/$/, '')
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\\?\{(\w+)\\?\}/g, (_m, name: string) => (name === 'path' ? '.+' : '[^/]+'));
    for (const [method, op] of Object.entries(ops)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        regex: new RegExp(`^${pattern}/?$`),
        responses: op['responses'] as Record<string, Json>,
      });
    }
  }
  // Literal paths before templated ones (/api/events/nearby/ is not /api/events/{id}/).
  const byPrecision = [...operations].sort(
    (a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0),
  );
  const compiled = new Map<string, ValidateFunction>();
  const jsonSchemaOf = (op: DocumentedOperation, status: string): ValidateFunction | null => {
    const key = `${op.method} ${op.path} ${status}`;
    const hit = compiled.get(key);
    if (hit) return hit;
    const content = op.responses[status]?.['content'] as Record<string, { schema: Json }> | undefined;
    const schema = content?.['application/json']?.schema;
    if (!schema) return null;
    const fn = ajv.compile(rewriteRefs(schema) as Json);
    compiled.set(key, fn);
    return fn;
  };
  const covered = new Set<string>();
  const match = (method: string, urlPath: string) => {
    const p = urlPath.split('?')[0]!;
    return byPrecision.find((o) => o.method === method.toUpperCase() && o.regex.test(p));
  };
  return {
    operations,
    covered,
    match,
    compileAll(op) {
      for (const status of Object.keys(op.responses)) jsonSchemaOf(op, status);
    },
    check(method, urlPath, status, body, contentType) {
      const op = match(method, urlPath);
      if (!op) return [`${method} ${urlPath}: no documented operation`];
      const where = `${method} ${op.path} → ${status}`;
      const response = op.responses[String(status)];
      if (!response) return [`${where}: status not documented (${Object.keys(op.responses).join(', ')})`];
      const content = response['content'] as Record<string, unknown> | undefined;
      const problems: string[] = [];
      if (content?.['application/json']) {
        if (contentType !== undefined && contentType !== null && !contentType.includes('application/json'))
          problems.push(`${where}: content-type ${contentType}, documented application/json`);
        const validate = jsonSchemaOf(op, String(status))!;
        if (!validate(body))
          problems.push(
            ...(validate.errors ?? []).map(
              (e) => `${where}: ${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`,
            ),
          );
      }
      if (problems.length === 0 && status >= 200 && status < 300) covered.add(`${op.method} ${op.path}`);
      return problems;
    },
  };
}

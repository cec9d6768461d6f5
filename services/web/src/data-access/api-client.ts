// The web server's way to the API: instances resolved from Consul through the registry (p2c balancing),
// the request id carried, a timeout per try, idempotent calls retried on another instance.
import { AppError, requestContext, type Logger } from '@mutiroes/platform';
import type { ConsulRegistry, Instance } from '@mutiroes/registry';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  method?: HttpMethod;
  /** Path under the API root, e.g. `/api/events/?page=2`. */
  path: string;
  /** JSON body, or FormData for uploads. */
  body?: unknown;
  /** Access token (Bearer). */
  token?: string;
  /** Makes a POST/PATCH replayable (the API stores the first answer under the key). */
  idempotencyKey?: string;
}

export interface ApiResponse<T = unknown> {
  status: number;
  data: T;
  headers: Headers;
}

/** No API instance answered (none registered, all refused, timed out or answered 502/503/504). */
export class ApiUnavailableError extends AppError {
  constructor(message: string) {
    super('API_UNAVAILABLE', message, undefined, 'warn');
  }
}

export interface ApiClientOptions {
  registry: ConsulRegistry;
  service: string;
  timeoutMs: number;
  tries: number;
  log: Logger;
}

const IDEMPOTENT = new Set<HttpMethod>(['GET', 'PUT', 'DELETE']);
const RETRY_STATUSES = new Set([502, 503, 504]);

type TryOutcome = { kind: 'answer'; res: Response } | { kind: 'failed'; reached: boolean; error: string };

export class ApiClient {
  constructor(private readonly o: ApiClientOptions) {}

  async request<T = unknown>(req: ApiRequest): Promise<ApiResponse<T>> {
    const method = req.method ?? 'GET';
    const replayable = IDEMPOTENT.has(method) || req.idempotencyKey !== undefined;
    const tried: string[] = [];
    let last = 'no API instance registered';
    for (let attempt = 1; attempt <= this.o.tries; attempt++) {
      const inst = await this.pick(tried);
      if (!inst) break;
      tried.push(inst.id);
      const outcome = await this.tryOnce(inst, method, req);
      if (outcome.kind === 'answer') {
        const { res } = outcome;
        if (RETRY_STATUSES.has(res.status) && replayable && attempt < this.o.tries) {
          last = `${inst.id} answered ${res.status}`;
          await res.body?.cancel();
          continue;
        }
        if (RETRY_STATUSES.has(res.status)) {
          await res.body?.cancel().catch(() => undefined);
          throw new ApiUnavailableError(`${inst.id} answered ${res.status}`);
        }
        return { status: res.status, data: (await parseBody(res)) as T, headers: res.headers };
      }
      last = `${inst.id}: ${outcome.error}`;
      this.o.log.warn('api call failed', {
        instance: inst.id,
        path: req.path.split('?')[0],
        method,
        error: outcome.error,
        attempt,
      });
      // A request that may have reached the API is replayed only when replaying is safe.
      if (outcome.reached && !replayable) break;
    }
    throw new ApiUnavailableError(last);
  }

  private async pick(exclude: string[]): Promise<Instance | undefined> {
    // resolve() falls back to an excluded instance when it is the only one (a retry there is still a retry).
    const inst = this.o.registry.resolve(this.o.service, 'p2c', { exclude });
    if (inst) return inst;
    return this.o.registry.resolveAsync(this.o.service, 'p2c', { timeoutMs: 3000 });
  }

  private async tryOnce(inst: Instance, method: HttpMethod, req: ApiRequest): Promise<TryOutcome> {
    const headers: Record<string, string> = { accept: 'application/json', 'accept-language': 'pt-BR' };
    const ctx = requestContext.getStore();
    if (ctx?.requestId) headers['x-request-id'] = ctx.requestId;
    if (typeof ctx?.['forwardedHost'] === 'string') headers['x-forwarded-host'] = ctx['forwardedHost'];
    if (typeof ctx?.['forwardedProto'] === 'string') headers['x-forwarded-proto'] = ctx['forwardedProto'];
    if (req.token) headers['authorization'] = `Bearer ${req.token}`;
    if (req.idempotencyKey) headers['idempotency-key'] = req.idempotencyKey;
    let body: BodyInit | undefined;
    if (req.body instanceof FormData) body = req.body;
    else if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers['content-type'] = 'application/json';
    }
    const done = this.o.registry.track(inst);
    try {
      const res = await fetch(`http://${inst.address}:${inst.port}${req.path}`, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs),
        redirect: 'manual',
      });
      return { kind: 'answer', res };
    } catch (e) {
      const code = errorCode(e);
      const reached = code !== 'ECONNREFUSED';
      return { kind: 'failed', reached, error: code ?? (e instanceof Error ? e.message : String(e)) };
    } finally {
      done();
    }
  }
}

function errorCode(e: unknown): string | undefined {
  const cause = (e as { cause?: { code?: string } }).cause;
  if (cause?.code) return cause.code;
  if (e instanceof Error && e.name === 'TimeoutError') return 'TIMEOUT';
  return undefined;
}

async function parseBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return { detail: text.slice(0, 500) };
    }
  }
  return text;
}

// A small HTTP client of the Mutirões REST contract (DOMAIN.md), as a volunteer's app would use it.
export interface ClientOptions {
  baseUrl: string;
  /** Simulated client address, sent as X-Forwarded-For (honoured only by a gateway that trusts the caller). */
  clientIp?: string;
  timeoutMs?: number;
  /**
   * Called each time a keyed write is answered 409 + Retry-After ("a request with this key is still running")
   * and the client waits and sends it again with the same key.
   */
  onInProgress?: () => void;
}

/** How long a keyed write may keep waiting on "still in progress" answers before the 409 is the outcome. */
const IN_PROGRESS_PATIENCE_MS = 30_000;

export interface HttpResult<T = unknown> {
  status: number;
  ok: boolean;
  body: T;
  requestId: string | null;
}

export class MutiroesClient {
  token: string | null = null;

  constructor(private readonly opts: ClientOptions) {}

  /**
   * `idempotencyKey`: like a well-behaved app, writes carry a key so that the gateway (or the client) may
   * retry them safely when an instance dies mid-request; the API answers a repeat with the stored response.
   * When the first request with the key is still running (the gateway gave up waiting on a slow instance),
   * the answer is 409 + Retry-After: the client waits as told and asks again with the same key (the API's
   * contract, idempotency.middleware.ts), for up to 30 s, and gets the stored response once the first ends.
   */
  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    idempotencyKey?: string,
  ): Promise<HttpResult<T>> {
    const t0 = Date.now();
    for (;;) {
      const r = await this.once<T>(method, path, body, headers, idempotencyKey);
      const wait = Number(r.retryAfter);
      const inProgress = idempotencyKey && r.result.status === 409 && r.retryAfter !== null && wait >= 0;
      if (!inProgress || Date.now() - t0 + wait * 1000 > IN_PROGRESS_PATIENCE_MS) return r.result;
      this.opts.onInProgress?.();
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 5) * 1000));
    }
  }

  private async once<T>(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
    idempotencyKey: string | undefined,
  ): Promise<{ result: HttpResult<T>; retryAfter: string | null }> {
    const h: Record<string, string> = { accept: 'application/json', ...headers };
    if (idempotencyKey) h['idempotency-key'] = idempotencyKey;
    if (body !== undefined) h['content-type'] = 'application/json';
    if (this.token) h['authorization'] = `Bearer ${this.token}`;
    if (this.opts.clientIp) h['x-forwarded-for'] = this.opts.clientIp;
    const res = await fetch(`${this.opts.baseUrl}${path}`, {
      method,
      headers: h,
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return {
      result: {
        status: res.status,
        ok: res.ok,
        body: parsed as T,
        requestId: res.headers.get('x-request-id'),
      },
      retryAfter: res.headers.get('retry-after'),
    };
  }

  async register(username: string, email: string, password: string): Promise<HttpResult<{ id: number }>> {
    return this.request(
      'POST',
      '/api/users/register/',
      {
        username,
        email,
        password,
        password_confirm: password,
        first_name: 'Drill',
        last_name: 'Volunteer',
      },
      {},
      `register:${email}`,
    );
  }

  async login(email: string, password: string): Promise<void> {
    const r = await this.request<{ access: string }>('POST', '/api/token/', { email, password });
    if (!r.ok) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
    this.token = r.body.access;
  }
}

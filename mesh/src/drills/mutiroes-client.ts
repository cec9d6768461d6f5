// A small HTTP client of the Mutirões REST contract (DOMAIN.md), as a volunteer's app would use it.
export interface ClientOptions {
  baseUrl: string;
  /** Simulated client address, sent as X-Forwarded-For (honoured only by a gateway that trusts the caller). */
  clientIp?: string;
  timeoutMs?: number;
}

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
   */
  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    idempotencyKey?: string,
  ): Promise<HttpResult<T>> {
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
    return { status: res.status, ok: res.ok, body: parsed as T, requestId: res.headers.get('x-request-id') };
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

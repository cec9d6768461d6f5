// Headers the gateway sets at the edge: security headers and CORS.

export interface CorsOptions {
  origins: readonly string[];
  credentials: boolean;
  maxAgeS: number;
}

export const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  // The seeds' nginx sends `1; mode=block`; modern browsers dropped the auditor and OWASP advises 0.
  ['X-XSS-Protection', '0'],
];

export class CorsPolicy {
  private readonly any: boolean;
  private readonly set: Set<string>;

  constructor(readonly o: CorsOptions) {
    this.any = o.origins.includes('*');
    this.set = new Set(o.origins);
  }

  get enabled(): boolean {
    return this.o.origins.length > 0;
  }

  allows(origin: string | undefined): origin is string {
    return !!origin && (this.any || this.set.has(origin));
  }

  /**
   * Response headers for an allowed origin (appended to a flat header list). An origin admitted only through `*`
   * gets `*` and never credentials: reflecting any origin with credentials would let every site act as the user.
   */
  responseHeaders(origin: string, out: string[]): void {
    const listed = this.set.has(origin);
    out.push('Access-Control-Allow-Origin', listed ? origin : '*', 'Vary', 'Origin');
    if (this.o.credentials && listed) out.push('Access-Control-Allow-Credentials', 'true');
    out.push('Access-Control-Expose-Headers', 'X-Request-ID, Retry-After');
  }

  /** Headers of a preflight answer. */
  preflightHeaders(origin: string, reqMethod: string, reqHeaders: string | undefined): string[] {
    const out: string[] = [];
    this.responseHeaders(origin, out);
    out.push(
      'Access-Control-Allow-Methods',
      reqMethod
        ? `${reqMethod}, GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS`
        : 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
    );
    if (reqHeaders) out.push('Access-Control-Allow-Headers', reqHeaders);
    out.push('Access-Control-Max-Age', String(this.o.maxAgeS));
    return out;
  }
}

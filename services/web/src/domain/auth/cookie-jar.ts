// The cookie surface the domain sees: read what the browser sent, write Set-Cookie on the answer.
export interface CookieOptions {
  maxAgeS?: number;
  httpOnly?: boolean;
}

export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string, opts?: CookieOptions): void;
  clear(name: string): void;
}

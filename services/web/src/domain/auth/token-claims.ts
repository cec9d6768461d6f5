// Reads (never verifies: the API does) the claims of an access JWT held server-side.
export interface AccessClaims {
  userId: number;
  username: string;
  /** Expiry, epoch seconds. */
  exp: number;
}

export function readAccessClaims(token: string | undefined): AccessClaims | undefined {
  if (!token) return undefined;
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const c = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    const userId = Number(c['user_id']);
    const exp = Number(c['exp']);
    if (!Number.isFinite(userId) || !Number.isFinite(exp)) return undefined;
    return { userId, username: typeof c['username'] === 'string' ? c['username'] : '', exp };
  } catch {
    return undefined;
  }
}

// idempotency_keys: claim a key for a request (or find its stored response), complete, release, expire.
import { randomUUID } from 'node:crypto';
import { QueryTypes, type Sequelize } from 'sequelize';

export interface StoredResponse {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export type ClaimOutcome =
  | { outcome: 'owner'; id: string; token: string }
  | { outcome: 'replay'; response: StoredResponse }
  | { outcome: 'mismatch' }
  | { outcome: 'busy' };

interface KeyRow {
  id: string;
  request_hash: string;
  status: 'processing' | 'completed';
  locked: boolean;
  response_status: number | null;
  response_body: string | null;
  response_headers: Record<string, string> | null;
}

export const IDEMPOTENCY_TTL_HOURS = 24;

export class IdempotencyKeyRepository {
  constructor(private readonly sequelize: Sequelize) {}

  /**
   * First request with (scope, key): inserts a `processing` row leased for `leaseS` and returns `owner`.
   * A repeat gets the stored response, `mismatch` (other body), `busy` (still processing, lease valid), or
   * takes over a row whose lease expired (the first request crashed) and becomes the owner.
   */
  async claim(
    scope: string,
    key: string,
    requestHash: string,
    leaseS: number,
    /** This request's lease token (see abandon()); one per request. */
    token: string = randomUUID(),
  ): Promise<ClaimOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      // Lazy expiry of this key: a row older than the TTL no longer binds the key.
      await this.sequelize.query(
        `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2
           AND created_at < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})`,
        { bind: [scope, key] },
      );
      const inserted = await this.sequelize.query<{ id: string }>(
        `INSERT INTO idempotency_keys (scope, key, request_hash, status, lease_token, locked_until)
         VALUES ($1, $2, $3, 'processing', $4, now() + make_interval(secs => $5))
         ON CONFLICT (scope, key) DO NOTHING RETURNING id`,
        { bind: [scope, key, requestHash, token, leaseS], type: QueryTypes.SELECT },
      );
      if (inserted[0]) return { outcome: 'owner', id: inserted[0].id, token };
      const [row] = await this.sequelize.query<KeyRow>(
        `SELECT id, request_hash, status, coalesce(locked_until > now(), false) AS locked,
                response_status, response_body, response_headers
           FROM idempotency_keys WHERE scope = $1 AND key = $2`,
        { bind: [scope, key], type: QueryTypes.SELECT },
      );
      if (!row) continue; // released or expired meanwhile: try to insert again
      if (row.request_hash !== requestHash) return { outcome: 'mismatch' };
      if (row.status === 'completed') {
        return {
          outcome: 'replay',
          response: {
            status: Number(row.response_status),
            body: row.response_body ?? '',
            headers: row.response_headers ?? {},
          },
        };
      }
      if (row.locked) return { outcome: 'busy' };
      const taken = await this.sequelize.query<{ id: string }>(
        `UPDATE idempotency_keys SET lease_token = $2, locked_until = now() + make_interval(secs => $3)
          WHERE id = $1 AND status = 'processing' AND locked_until <= now() RETURNING id`,
        { bind: [row.id, token, leaseS], type: QueryTypes.SELECT },
      );
      return taken[0] ? { outcome: 'owner', id: row.id, token } : { outcome: 'busy' };
    }
    return { outcome: 'busy' };
  }

  /** Extends a live owner's lease; false when it was lost to a takeover or the row settled. */
  async renew(id: string, token: string, leaseS: number): Promise<boolean> {
    const rows = await this.sequelize.query(
      `UPDATE idempotency_keys SET locked_until = now() + make_interval(secs => $3)
        WHERE id = $1 AND lease_token = $2 AND status = 'processing' RETURNING id`,
      { bind: [id, token, leaseS], type: QueryTypes.SELECT },
    );
    return rows.length > 0;
  }

  /** Stores the response; false when the lease was lost to a takeover (that owner's response wins). */
  async complete(id: string, token: string, r: StoredResponse): Promise<boolean> {
    const rows = await this.sequelize.query<{ id: string }>(
      `UPDATE idempotency_keys
          SET status = 'completed', response_status = $3, response_body = $4, response_headers = $5::jsonb,
              completed_at = now(), locked_until = NULL
        WHERE id = $1 AND lease_token = $2 AND status = 'processing' RETURNING id`,
      { bind: [id, token, r.status, r.body, JSON.stringify(r.headers)], type: QueryTypes.SELECT },
    );
    return rows.length > 0;
  }

  /** Frees the key (the request failed with a 5xx): a retry may run at once. */
  async release(id: string, token: string): Promise<void> {
    await this.sequelize.query(
      `DELETE FROM idempotency_keys WHERE id = $1 AND lease_token = $2 AND status = 'processing'`,
      { bind: [id, token] },
    );
  }

  /**
   * Frees a key this request may hold under `token` although claim() failed: an INSERT or takeover that
   * committed while its answer was lost (the connection died with the primary) would otherwise block
   * every retry (409) for the whole lease.
   */
  async abandon(scope: string, key: string, token: string): Promise<void> {
    await this.sequelize.query(
      `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND lease_token = $3 AND status = 'processing'`,
      { bind: [scope, key, token] },
    );
  }

  /** Deletes every row older than the TTL; returns how many. */
  async purgeExpired(): Promise<number> {
    const rows = await this.sequelize.query<{ id: string }>(
      `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS}) RETURNING id`,
      { type: QueryTypes.SELECT },
    );
    return rows.length;
  }
}

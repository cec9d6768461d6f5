// Refresh tokens: stored as SHA-256 of the token, one row per issued token, grouped by rotation family.
import { createHash } from 'node:crypto';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export interface RefreshTokenRow {
  jti: string;
  family_id: string;
  user_id: number;
  token_hash: string;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class RefreshTokenRepository {
  async insert(
    db: Sequelize,
    tx: Transaction | undefined,
    t: { jti: string; family_id: string; user_id: number; token: string; expires_at: Date },
  ): Promise<void> {
    await db.query(
      'INSERT INTO refresh_tokens (jti, family_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)',
      {
        bind: [t.jti, t.family_id, t.user_id, hashToken(t.token), t.expires_at],
        ...(tx ? { transaction: tx } : {}),
      },
    );
  }

  /** Locks the row so two concurrent refreshes of the same token serialise (one wins, the other is a reuse). */
  async lock(db: Sequelize, tx: Transaction, jti: string): Promise<RefreshTokenRow | null> {
    const [row] = await db.query<RefreshTokenRow>(
      'SELECT jti, family_id, user_id, token_hash, expires_at, revoked_at, revoked_reason FROM refresh_tokens WHERE jti = $1 FOR UPDATE',
      { bind: [jti], type: QueryTypes.SELECT, transaction: tx },
    );
    return row ?? null;
  }

  async revoke(
    db: Sequelize,
    tx: Transaction,
    jti: string,
    reason: string,
    replacedBy: string | null,
  ): Promise<void> {
    await db.query(
      'UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2, replaced_by = $3 WHERE jti = $1 AND revoked_at IS NULL',
      { bind: [jti, reason, replacedBy], transaction: tx },
    );
  }

  async revokeFamily(db: Sequelize, tx: Transaction, familyId: string, reason: string): Promise<number> {
    const rows = await db.query<{ jti: string }>(
      'UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2 WHERE family_id = $1 AND revoked_at IS NULL RETURNING jti',
      { bind: [familyId, reason], type: QueryTypes.SELECT, transaction: tx },
    );
    return rows.length;
  }

  async revokeAllForUser(db: Sequelize, tx: Transaction, userId: number, reason: string): Promise<number> {
    const rows = await db.query<{ jti: string }>(
      'UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING jti',
      { bind: [userId, reason], type: QueryTypes.SELECT, transaction: tx },
    );
    return rows.length;
  }

  /** Housekeeping at login: a user's expired rows are of no use any more. */
  async deleteExpired(db: Sequelize, userId: number): Promise<void> {
    await db.query(
      "DELETE FROM refresh_tokens WHERE user_id = $1 AND expires_at < now() - interval '1 day'",
      { bind: [userId] },
    );
  }
}

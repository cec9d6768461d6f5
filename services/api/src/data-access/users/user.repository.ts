// Users table access; returns plain UserRecord objects.
import { QueryTypes, UniqueConstraintError, type Sequelize, type Transaction } from 'sequelize';
import type { UserRecord } from './user.records.js';

const COLUMNS =
  'id, username, email, first_name, last_name, password_hash, is_staff, is_active, date_joined, last_login';

export interface NewUser {
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  password_hash: string;
  is_staff?: boolean;
}

export class DuplicateUserError extends Error {
  constructor(public readonly field: 'username' | 'email') {
    super(`duplicate ${field}`);
  }
}

export class UserRepository {
  /** Inserts; a unique-index clash becomes DuplicateUserError naming the field. */
  async create(db: Sequelize, tx: Transaction, u: NewUser): Promise<UserRecord> {
    try {
      const [row] = await db.query<UserRecord>(
        // password_changed_at from this process's clock, like the tokens' iat it is compared with.
        `INSERT INTO users (username, email, first_name, last_name, password_hash, is_staff, password_changed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        {
          bind: [
            u.username,
            u.email,
            u.first_name,
            u.last_name,
            u.password_hash,
            u.is_staff ?? false,
            new Date(),
          ],
          type: QueryTypes.SELECT,
          transaction: tx,
        },
      );
      return row!;
    } catch (e) {
      if (e instanceof UniqueConstraintError) {
        const constraint = (e.parent as { constraint?: string } | undefined)?.constraint ?? '';
        throw new DuplicateUserError(constraint.includes('email') ? 'email' : 'username');
      }
      throw e;
    }
  }

  async findById(db: Sequelize, id: number, tx?: Transaction): Promise<UserRecord | null> {
    const [row] = await db.query<UserRecord>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, {
      bind: [id],
      type: QueryTypes.SELECT,
      ...(tx ? { transaction: tx } : {}),
    });
    return row ?? null;
  }

  /** By e-mail or username, case-insensitively (e-mail first when the value contains '@'). */
  async findByLogin(db: Sequelize, login: string): Promise<UserRecord | null> {
    const rows = await db.query<UserRecord>(
      `SELECT ${COLUMNS} FROM users WHERE lower(email) = lower($1) OR lower(username) = lower($1)
       ORDER BY (lower(email) = lower($1)) DESC LIMIT 1`,
      { bind: [login], type: QueryTypes.SELECT },
    );
    return rows[0] ?? null;
  }

  async findByUsername(db: Sequelize, username: string): Promise<UserRecord | null> {
    const [row] = await db.query<UserRecord>(
      `SELECT ${COLUMNS} FROM users WHERE lower(username) = lower($1)`,
      {
        bind: [username],
        type: QueryTypes.SELECT,
      },
    );
    return row ?? null;
  }

  /** Which of username / email are already taken (case-insensitive). */
  async taken(
    db: Sequelize,
    username: string,
    email: string,
  ): Promise<{ username: boolean; email: boolean }> {
    const [r] = await db.query<{ u: boolean; e: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM users WHERE lower(username) = lower($1)) AS u,
              EXISTS (SELECT 1 FROM users WHERE lower(email) = lower($2)) AS e`,
      { bind: [username, email], type: QueryTypes.SELECT },
    );
    return { username: r!.u, email: r!.e };
  }

  async setPassword(db: Sequelize, tx: Transaction, id: number, hash: string): Promise<void> {
    await db.query('UPDATE users SET password_hash = $2, password_changed_at = $3 WHERE id = $1', {
      bind: [id, hash, new Date()],
      transaction: tx,
    });
  }

  /** A stronger hash of the same password (login rehash): tokens stay valid, so password_changed_at is kept. */
  async replaceHash(db: Sequelize, id: number, oldHash: string, newHash: string): Promise<void> {
    await db.query('UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2', {
      bind: [id, oldHash, newHash],
    });
  }

  /** What decides whether an access token still counts: active flag and last password change (epoch s). */
  async authState(
    db: Sequelize,
    id: number,
  ): Promise<{ is_active: boolean; password_changed_s: number } | null> {
    const [row] = await db.query<{ is_active: boolean; s: string }>(
      'SELECT is_active, floor(extract(epoch FROM password_changed_at))::bigint AS s FROM users WHERE id = $1',
      { bind: [id], type: QueryTypes.SELECT },
    );
    return row ? { is_active: row.is_active, password_changed_s: Number(row.s) } : null;
  }

  async touchLastLogin(db: Sequelize, id: number): Promise<void> {
    await db.query('UPDATE users SET last_login = now() WHERE id = $1', { bind: [id] });
  }

  async updateNames(
    db: Sequelize,
    tx: Transaction,
    id: number,
    names: { first_name?: string; last_name?: string },
  ): Promise<void> {
    const sets: string[] = [];
    const bind: unknown[] = [id];
    for (const k of ['first_name', 'last_name'] as const) {
      if (names[k] !== undefined) {
        bind.push(names[k]);
        sets.push(`${k} = $${bind.length}`);
      }
    }
    if (!sets.length) return;
    await db.query(`UPDATE users SET ${sets.join(', ')} WHERE id = $1`, { bind, transaction: tx });
  }

  async count(db: Sequelize): Promise<number> {
    const [r] = await db.query<{ n: string }>('SELECT count(*) AS n FROM users', { type: QueryTypes.SELECT });
    return Number(r!.n);
  }
}

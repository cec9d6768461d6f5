// Per-account failed-login counters (table login_failures); the policy (how long to wait) is the domain's.
import { QueryTypes, type Sequelize } from 'sequelize';

export class LoginFailureRepository {
  /** Seconds the account name must still wait, 0 when it may try now. */
  async lockedForS(db: Sequelize, loginKey: string): Promise<number> {
    const [row] = await db.query<{ s: string | null }>(
      `SELECT ceil(extract(epoch FROM (locked_until - now())))::int AS s FROM login_failures
       WHERE login_key = $1 AND locked_until > now()`,
      { bind: [loginKey], type: QueryTypes.SELECT },
    );
    return row?.s ? Math.max(1, Number(row.s)) : 0;
  }

  /**
   * Counts one failure atomically (a count idle longer than `resetAfterS` starts again at 1) and locks the name
   * for `delayS(count)` seconds. Returns the new count.
   */
  async recordFailure(
    db: Sequelize,
    loginKey: string,
    resetAfterS: number,
    delayS: (n: number) => number,
  ): Promise<number> {
    const [row] = await db.query<{ failures: number }>(
      `INSERT INTO login_failures AS f (login_key, failures, last_failure_at) VALUES ($1, 1, now())
       ON CONFLICT (login_key) DO UPDATE SET
         failures = CASE WHEN f.last_failure_at < now() - make_interval(secs => $2) THEN 1 ELSE f.failures + 1 END,
         last_failure_at = now()
       RETURNING failures`,
      { bind: [loginKey, resetAfterS], type: QueryTypes.SELECT },
    );
    const n = Number(row!.failures);
    const wait = delayS(n);
    if (wait > 0) {
      await db.query(
        `UPDATE login_failures SET locked_until = now() + make_interval(secs => $2) WHERE login_key = $1`,
        {
          bind: [loginKey, wait],
        },
      );
    }
    return n;
  }

  async clear(db: Sequelize, loginKey: string): Promise<void> {
    await db.query('DELETE FROM login_failures WHERE login_key = $1', { bind: [loginKey] });
  }

  /** Drops counters idle for longer than `olderThanS`. */
  async purge(db: Sequelize, olderThanS: number): Promise<number> {
    const [, n] = (await db.query(
      `DELETE FROM login_failures WHERE last_failure_at < now() - make_interval(secs => $1)`,
      {
        bind: [olderThanS],
      },
    )) as [unknown, unknown];
    return typeof n === 'number' ? n : ((n as { rowCount?: number })?.rowCount ?? 0);
  }
}

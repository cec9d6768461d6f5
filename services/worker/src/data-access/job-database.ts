// Postgres access for job handlers: every statement runs in a transaction whose statement_timeout is the
// attempt's remaining time, so a timed-out job's SQL is cancelled by the server, not left running.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';

export interface Tx {
  select<R extends object>(sql: string, bind?: unknown[]): Promise<R[]>;
  /** INSERT/UPDATE/DELETE ... RETURNING rows. */
  returning<R extends object>(sql: string, bind?: unknown[]): Promise<R[]>;
  exec(sql: string, bind?: unknown[]): Promise<number>;
}

export interface DeadlineOptions {
  signal?: AbortSignal;
  /** Absolute deadline (epoch ms) of the attempt. */
  deadline?: number;
}

export class JobDatabase {
  constructor(private readonly sequelize: Sequelize) {}

  get raw(): Sequelize {
    return this.sequelize;
  }

  async transaction<T>(opts: DeadlineOptions, fn: (tx: Tx) => Promise<T>): Promise<T> {
    opts.signal?.throwIfAborted();
    const remaining = opts.deadline ? Math.max(1, Math.floor(opts.deadline - Date.now())) : 30_000;
    return this.sequelize.transaction(async (t: Transaction) => {
      await this.sequelize.query(`SET LOCAL statement_timeout = ${remaining}`, { transaction: t });
      const tx: Tx = {
        select: async <R extends object>(sql: string, bind: unknown[] = []) => {
          opts.signal?.throwIfAborted();
          return (await this.sequelize.query(sql, { bind, type: QueryTypes.SELECT, transaction: t })) as R[];
        },
        returning: async <R extends object>(sql: string, bind: unknown[] = []) => {
          opts.signal?.throwIfAborted();
          const [rows] = await this.sequelize.query(sql, { bind, transaction: t });
          return rows as R[];
        },
        exec: async (sql: string, bind: unknown[] = []) => {
          opts.signal?.throwIfAborted();
          const [, meta] = await this.sequelize.query(sql, { bind, transaction: t });
          return (meta as { rowCount?: number } | undefined)?.rowCount ?? 0;
        },
      };
      return fn(tx);
    });
  }

  select<R extends object>(opts: DeadlineOptions, sql: string, bind: unknown[] = []): Promise<R[]> {
    return this.transaction(opts, (tx) => tx.select<R>(sql, bind));
  }
}

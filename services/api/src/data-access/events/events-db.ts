// Thin SQL layer of the events repositories: parameterised queries returning plain rows.
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { queryPrepared } from '@mutiroes/registry';

/** Where a query runs: a connection (primary or reader) and, inside a unit of work, its transaction. */
export interface Conn {
  sequelize: Sequelize;
  tx?: Transaction;
}

export async function select<T extends object>(c: Conn, sql: string, bind: unknown[] = []): Promise<T[]> {
  return c.sequelize.query<T>(sql, { bind, type: QueryTypes.SELECT, transaction: c.tx ?? null });
}

/**
 * A hot read as a named prepared statement (parsed and planned once per connection, not per call): for the
 * queries every page asks (nearby, detail). `label` starts the statement's name (pg_prepared_statements).
 */
export async function selectPrepared<T extends object>(
  c: Conn,
  label: string,
  sql: string,
  bind: unknown[] = [],
): Promise<T[]> {
  return queryPrepared<T>(c.sequelize, label, sql, bind, c.tx);
}

export async function selectOne<T extends object>(
  c: Conn,
  sql: string,
  bind: unknown[] = [],
): Promise<T | null> {
  const rows = await select<T>(c, sql, bind);
  return rows[0] ?? null;
}

/** INSERT/UPDATE/DELETE … RETURNING: the returned rows. */
export async function mutate<T>(c: Conn, sql: string, bind: unknown[] = []): Promise<T[]> {
  const [rows] = await c.sequelize.query(sql, { bind, transaction: c.tx ?? null });
  return rows as T[];
}

/** Builds `$n` placeholders while collecting the bound values, so dynamic WHERE clauses stay parameterised. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

// Named prepared statements on Sequelize's own pool, for the few hot read queries. Sequelize sends every query
// unnamed, so Postgres parses and plans it on every call; for the events' nearby and detail queries planning
// cost as much as running them (docs/adr/0017-prepared-hot-reads.md). A named statement is parsed once per
// connection and its plan cached by Postgres (plan_cache_mode auto). Same pool, same connection hooks (primary
// or replica choice, verification), same client query timeout; errors come back as Sequelize errors so callers
// and the API's error mapping see one shape.
import { createHash } from 'node:crypto';
import { DatabaseError, QueryTypes, type Sequelize, type Transaction } from 'sequelize';

interface PgConnection {
  query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
  /** Read by Sequelize's pool validation: an invalid connection is dropped, not reused. */
  _invalid?: boolean;
}

interface ConnectionManager {
  getConnection(options?: { type?: string }): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): void;
}

/** Distinct statement texts named per process; beyond this, texts run unnamed (no unbounded server-side growth). */
const MAX_NAMED = 256;
const names = new Map<string, string>();

/** The statement name for a text: the label plus a digest, so one name never means two texts. */
function statementName(label: string, text: string): string | null {
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= MAX_NAMED) return null;
    name = `${label}:${createHash('sha1').update(text).digest('base64url').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}

/** The errors after which Sequelize itself stops reusing a connection (its postgres dialect's list). */
function connectionBroken(err: { code?: string; message?: string }): boolean {
  return (
    err.code === 'ECONNRESET' ||
    err.message === 'Query read timeout' ||
    /Connection terminated|Client has encountered a connection error/i.test(err.message ?? '')
  );
}

/**
 * Runs a SELECT as a named prepared statement on `sequelize`'s pool (or on the transaction's connection) and
 * returns its rows. `label` names the query in the statement name (e.g. `events.nearby`).
 */
export async function queryPrepared<T extends object>(
  sequelize: Sequelize,
  label: string,
  text: string,
  values: unknown[],
  tx?: Transaction | null,
): Promise<T[]> {
  const name = statementName(label, text);
  if (name === null)
    return sequelize.query<T>(text, { bind: values, type: QueryTypes.SELECT, transaction: tx ?? null });
  const cm = sequelize.connectionManager as unknown as ConnectionManager;
  const own = tx ? null : await cm.getConnection({ type: 'SELECT' });
  const conn = own ?? (tx as unknown as { connection: PgConnection }).connection;
  try {
    return (await conn.query({ name, text, values })).rows as T[];
  } catch (e) {
    const err = e as Error & { code?: string };
    if (connectionBroken(err)) conn._invalid = true;
    throw new DatabaseError(err as ConstructorParameters<typeof DatabaseError>[0]);
  } finally {
    if (own) cm.releaseConnection(own);
  }
}

// Versioned schema migrations: files `NNNN_name.ts` in ./migrations, applied in file-name order, each in its
// own transaction under a Postgres advisory lock, so several API instances may boot at once.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import type { Logger } from '@mutiroes/platform';

/** What a migration's `up` receives. Everything runs inside `transaction` (Postgres DDL is transactional). */
export interface MigrationContext {
  sequelize: Sequelize;
  transaction: Transaction;
  /** Runs SQL in the migration's transaction; `bind` fills $1, $2, ... */
  query(sql: string, bind?: unknown[]): Promise<unknown>;
  /** True when `table` (optionally schema-qualified) exists — for migrations that touch another team's tables. */
  tableExists(table: string): Promise<boolean>;
}

/** A migration file exports `up`. There is no `down`: fixes go forward in a new file. */
export type MigrationUp = (ctx: MigrationContext) => Promise<void>;

export interface MigrationFile {
  version: string;
  file: string;
}

const FILE_RE = /^(\d{4})_[a-z0-9_-]+\.(ts|js)$/i;
/** Arbitrary constant: the advisory lock key every Mutirões migrator agrees on. */
const LOCK_KEY = 5_271_009_001;

export const defaultMigrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export async function listMigrations(dir = defaultMigrationsDir): Promise<MigrationFile[]> {
  const names = await readdir(dir);
  const byVersion = new Map<string, MigrationFile>();
  for (const name of names) {
    if (!FILE_RE.test(name) || name.endsWith('.d.ts') || /\.test\.(ts|js)$/.test(name)) continue;
    const version = name.replace(/\.(ts|js)$/, '');
    const prefix = version.slice(0, 4);
    const clash = [...byVersion.values()].find(
      (m) => m.version.slice(0, 4) === prefix && m.version !== version,
    );
    if (clash) throw new Error(`two migrations share the number ${prefix}: ${clash.file} and ${name}`);
    byVersion.set(version, { version, file: path.join(dir, name) });
  }
  return [...byVersion.values()].sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

async function loadUp(file: string): Promise<MigrationUp> {
  const mod = (await import(pathToFileURL(file).href)) as { up?: unknown };
  if (typeof mod.up !== 'function') throw new Error(`migration ${file} does not export up()`);
  return mod.up as MigrationUp;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies every pending migration. Each step: BEGIN; pg_advisory_xact_lock; re-read the applied set;
 * apply the first pending one; record it; COMMIT. A concurrent migrator waits on the lock and then
 * finds the version already recorded, so each migration runs exactly once.
 */
export async function runMigrations(
  sequelize: Sequelize,
  log: Logger,
  dir = defaultMigrationsDir,
): Promise<MigrateResult> {
  const files = await listMigrations(dir);
  const applied: string[] = [];
  let alreadyApplied = 0;
  for (;;) {
    const next = await sequelize.transaction(async (transaction) => {
      await sequelize.query('SELECT pg_advisory_xact_lock($1)', { bind: [LOCK_KEY], transaction });
      await sequelize.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version varchar(200) PRIMARY KEY,
           applied_at timestamptz NOT NULL DEFAULT now()
         )`,
        { transaction },
      );
      const rows = await sequelize.query<{ version: string }>('SELECT version FROM schema_migrations', {
        type: QueryTypes.SELECT,
        transaction,
      });
      const done = new Set(rows.map((r) => r.version));
      alreadyApplied = files.filter((f) => done.has(f.version)).length;
      const pending = files.find((f) => !done.has(f.version));
      if (!pending) return null;
      const up = await loadUp(pending.file);
      const started = Date.now();
      await up({
        sequelize,
        transaction,
        query: (sql, bind) => sequelize.query(sql, { transaction, ...(bind ? { bind } : {}) }),
        tableExists: async (table) => {
          const [r] = await sequelize.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', {
            bind: [table],
            type: QueryTypes.SELECT,
            transaction,
          });
          return r?.ok === true;
        },
      });
      await sequelize.query('INSERT INTO schema_migrations (version) VALUES ($1)', {
        bind: [pending.version],
        transaction,
      });
      log.info('migration applied', { version: pending.version, duration_ms: Date.now() - started });
      return pending.version;
    });
    if (next === null) break;
    applied.push(next);
  }
  return { applied, alreadyApplied };
}

// The dependency bag every entry point receives: built once at boot (main.ts), faked nowhere.
import type { RequestHandler } from 'express';
import type { JobName, JobPayload } from '@mutiroes/contracts';
import type { Sequelize, Transaction } from 'sequelize';
import type { Logger } from '@mutiroes/platform';
import type { ApiConfig } from './config.js';

/** What `requireAuth` / `optionalAuth` put on `req.user`. */
export interface AuthUser {
  id: number;
  username: string;
  email: string;
  is_staff: boolean;
}

export interface ApiDb {
  /** Writes, and reads that must see the latest data (read-your-writes). Follows the Patroni primary. */
  sequelize: Sequelize;
  /** Reads that may be slightly stale (replica when one is healthy, else the primary). */
  reader: Sequelize;
  /**
   * Picks the connection for a read on behalf of `userId`: the primary when that user wrote within
   * the read-your-writes window, else the reader. Anonymous reads get the reader.
   */
  readerFor(userId: number | undefined): Sequelize;
  /**
   * Marks that `userId` just wrote: its reads go to the primary for the window (config READ_YOUR_WRITES_S)
   * in this instance and, through Redis pub/sub, in every other API instance. Never blocks, never throws.
   */
  markWrite(userId: number | undefined): void;
}

export interface ApiCache {
  /** Cached value of `key`, computed with `load` on a miss. Max staleness: TTL (5 s) if invalidations are lost. */
  getOrLoad<T>(key: string, load: () => Promise<T>, ttlSeconds?: number): Promise<T>;
  /** Drops keys that equal `key` or start with `key + ':'`, in this instance and (via Redis pub/sub) all others. */
  invalidate(...keys: string[]): Promise<void>;
}

export interface ApiOutbox {
  /**
   * Records a job intent inside `tx` (same transaction as the change). The relay enqueues it on the
   * bee-queue queue named `jobName` with jobId `outbox:<id>` once committed. `request_id` is added
   * to `data` from the current request context when absent.
   */
  enqueue<N extends JobName>(tx: Transaction, jobName: N, data: JobPayload<N>): Promise<number>;
}

export interface ApiDeps {
  config: ApiConfig;
  logger: Logger;
  db: ApiDb;
  cache: ApiCache;
  outbox: ApiOutbox;
  /** 401 `{detail}` unless a valid access token is sent; sets `req.user`. */
  requireAuth: RequestHandler;
  /** Sets `req.user` when a valid access token is sent; anonymous otherwise, also for an expired or invalid token. */
  optionalAuth: RequestHandler;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // passport declares `interface User {}`; declaration merging gives it the token's identity.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends AuthUser {}
  }
}

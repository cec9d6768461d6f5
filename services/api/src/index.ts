// @mutiroes/api public surface for other workspaces (tests, tools): boot, the deps contract, the migrator.
export { startWebServer, stopWebServer, API_VERSION, type RunningApi, type StartOptions } from './main.js';
export { createApp } from './app.js';
export type { ApiDeps, ApiDb, ApiCache, ApiOutbox, AuthUser } from './deps.js';
export { loadConfig, type ApiConfig } from './config.js';
export {
  runMigrations,
  listMigrations,
  type MigrationContext,
  type MigrationUp,
} from './data-access/migrator.js';
export { seedDatabase, withSeededDatabase, type SeedResult } from './data-access/seed.js';
export { PasswordHasher } from './domain/users/password-hasher.js';

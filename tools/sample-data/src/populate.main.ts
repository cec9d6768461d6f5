// `make populate`: realistic pt-BR sample data for the Mutirões API, written straight to Postgres (found through
// Consul like an API instance). POPULATE_SIZE=small|medium|large, or POPULATE_USERS / POPULATE_EVENTS;
// POPULATE_TAG / POPULATE_SEED to reproduce a run; POPULATE_BATCH events per transaction.
// Run: make populate (node --conditions=source --import tsx tools/sample-data/src/populate.main.ts)
import { pathToFileURL } from 'node:url';
import { createLogger } from '@mutiroes/platform';
import { PasswordHasher, loadConfig, withSeededDatabase } from '@mutiroes/api';
import { loadPopulateOptions } from './populate-options.js';
import { populate, type PopulateProgress, type PopulateResult } from './populate.js';

/** The password of every sample user (printed at the end). */
export const SAMPLE_PASSWORD = 'Mutiroes-2026!';

const num = (n: number) => n.toLocaleString('en-US');
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function progressLine(p: PopulateProgress): string {
  const pct = p.total ? Math.floor((p.done / p.total) * 100) : 100;
  return `[populate] ${p.phase} ${num(p.done)}/${num(p.total)} (${pct}%) ${secs(p.elapsedMs)}`;
}

export function summaryTable(r: PopulateResult): string {
  const order = [
    'users',
    'user_profiles',
    'events',
    'event_participants',
    'event_resources',
    'event_comments',
    'event_reports',
    'report_statistics',
    'user_badges',
  ];
  const lines = [
    '',
    `[populate] done in ${secs(r.totalMs)} — run tag "${r.tag}", seed ${r.seed}`,
    '',
    '  table                 rows',
  ];
  for (const t of order) lines.push(`  ${t.padEnd(20)} ${num(r.rows[t] ?? 0).padStart(10)}`);
  const by = (m: Record<string, number>) =>
    Object.entries(m)
      .sort()
      .map(([k, v]) => `${k} ${num(v)}`)
      .join(', ');
  lines.push(
    '',
    `  events by status:        ${by(r.eventsByStatus)}`,
    `  participants by status:  ${by(r.participantsByStatus)}`,
    '',
    '  phase                   time     rows/s',
  );
  for (const [phase, ms] of Object.entries(r.timings)) {
    const rows =
      phase === 'users'
        ? (r.rows['users'] ?? 0) * 2
        : phase === 'events'
          ? ['events', 'event_participants', 'event_resources', 'event_comments', 'event_reports'].reduce(
              (s, t) => s + (r.rows[t] ?? 0),
              0,
            )
          : 0;
    lines.push(
      `  ${phase.padEnd(22)} ${secs(ms).padStart(8)} ${rows && ms ? num(Math.round(rows / (ms / 1000))).padStart(10) : ''}`,
    );
  }
  lines.push(
    `  INSERT time per table: ${Object.entries(r.tableMs)
      .map(([t, ms]) => `${t} ${secs(ms)}`)
      .join(', ')}`,
  );
  if (r.triggerKeptBatches)
    lines.push(
      `  ${r.triggerKeptBatches} batch(es) kept the participants_count trigger (lock not granted in 3 s)`,
    );
  lines.push('', `  log in as any sample user with password ${SAMPLE_PASSWORD}`);
  if (r.sampleOrganizer) lines.push(`    organiser: ${r.sampleOrganizer.email}`);
  if (r.sampleVolunteer) lines.push(`    volunteer: ${r.sampleVolunteer.email}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = loadPopulateOptions();
  const config = loadConfig();
  const log = createLogger({ service: 'api-populate', level: 'warn' });
  console.log(
    `[populate] ${options.size === 'custom' ? 'custom' : options.size}: ${num(options.users)} users, ${num(options.events)} events ` +
      `(batches of ${num(options.batchSize)}, tag "${options.tag}", seed ${options.seed})`,
  );
  await withSeededDatabase(
    config,
    log,
    async (sequelize) => {
      // The API's own hasher (same scrypt parameters as registration), once: every sample user shares the hash.
      const passwordHash = await new PasswordHasher(config.PASSWORD_SCRYPT_N).hash(SAMPLE_PASSWORD);
      const result = await populate(sequelize, {
        ...options,
        passwordHash,
        onProgress: (p) => console.log(progressLine(p)),
      });
      console.log(summaryTable(result));
    },
    {
      pool: { max: 2 },
      // Batches of thousands of rows take longer than the API's 10 s per query.
      sequelizeOptions: {
        dialectOptions: { connectionTimeoutMillis: 5_000, query_timeout: 600_000, keepAlive: true },
      },
    },
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(`[populate] failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}

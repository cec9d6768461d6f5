// Idempotent seed: event categories of DOMAIN.md (table of the events domain) and the badge catalogue.
// Run: `npm -w @mutiroes/api run seed [-- --make-staff <username>]` (connects through Consul like an API
// instance, migrating first).
import { pathToFileURL } from 'node:url';
import { QueryTypes, type Sequelize } from 'sequelize';
import { createLogger, type Logger } from '@mutiroes/platform';
import type { CreatePostgresOptions } from '@mutiroes/registry';
import type { ApiConfig } from '../config.js';
import { BadgeRepository } from './users/badge.repository.js';
import type { BadgeRecord } from './users/user.records.js';

export const SEED_CATEGORIES: ReadonlyArray<{
  name: string;
  description: string;
  icon: string;
  color: string;
}> = [
  {
    name: 'Limpeza de Praias',
    description: 'Mutirões de limpeza de praias e orlas',
    icon: 'beach',
    color: '#0EA5E9',
  },
  {
    name: 'Limpeza de Rios',
    description: 'Retirada de resíduos de rios, córregos e margens',
    icon: 'water',
    color: '#2563EB',
  },
  {
    name: 'Plantio de Árvores',
    description: 'Plantio de mudas e reflorestamento',
    icon: 'tree',
    color: '#16A34A',
  },
  {
    name: 'Limpeza de Parques',
    description: 'Cuidado e limpeza de parques e praças',
    icon: 'park',
    color: '#65A30D',
  },
  {
    name: 'Reciclagem',
    description: 'Coleta seletiva e triagem de recicláveis',
    icon: 'recycle',
    color: '#059669',
  },
  {
    name: 'Educação Ambiental',
    description: 'Oficinas, palestras e atividades educativas',
    icon: 'book',
    color: '#9333EA',
  },
  {
    name: 'Limpeza Urbana',
    description: 'Limpeza de ruas, calçadas e terrenos',
    icon: 'city',
    color: '#64748B',
  },
  {
    name: 'Proteção Animal',
    description: 'Ações de proteção e resgate de animais',
    icon: 'paw',
    color: '#EA580C',
  },
  {
    name: 'Hortas Comunitárias',
    description: 'Criação e manutenção de hortas comunitárias',
    icon: 'sprout',
    color: '#84CC16',
  },
  {
    name: 'Preservação de Mangues',
    description: 'Limpeza e recuperação de manguezais',
    icon: 'mangrove',
    color: '#0D9488',
  },
];

/** Awarded by the worker's check_and_award_badges when the criterion reaches the threshold. */
export const SEED_BADGES: ReadonlyArray<Omit<BadgeRecord, 'id'>> = [
  {
    code: 'first_event',
    name: 'Primeiro Mutirão',
    description: 'Participou (com check-in) do primeiro mutirão.',
    icon: 'seedling',
    criteria_type: 'events_participated',
    threshold: 1,
  },
  {
    code: 'five_events',
    name: 'Voluntário Dedicado',
    description: 'Participou de 5 mutirões.',
    icon: 'leaf',
    criteria_type: 'events_participated',
    threshold: 5,
  },
  {
    code: 'ten_events',
    name: 'Guardião Ambiental',
    description: 'Participou de 10 mutirões.',
    icon: 'tree',
    criteria_type: 'events_participated',
    threshold: 10,
  },
  {
    code: 'organizer',
    name: 'Organizador',
    description: 'Organizou um mutirão.',
    icon: 'megaphone',
    criteria_type: 'events_organized',
    threshold: 1,
  },
  {
    code: 'hours_10',
    name: '10 Horas de Voluntariado',
    description: 'Acumulou 10 horas verificadas de voluntariado.',
    icon: 'clock',
    criteria_type: 'hours_volunteered',
    threshold: 10,
  },
  {
    code: 'hours_50',
    name: '50 Horas de Voluntariado',
    description: 'Acumulou 50 horas verificadas de voluntariado.',
    icon: 'medal',
    criteria_type: 'hours_volunteered',
    threshold: 50,
  },
  {
    code: 'hours_100',
    name: '100 Horas de Voluntariado',
    description: 'Acumulou 100 horas verificadas de voluntariado.',
    icon: 'trophy',
    criteria_type: 'hours_volunteered',
    threshold: 100,
  },
];

export async function seedDatabase(
  sequelize: Sequelize,
  log: Logger,
): Promise<{ categories: number; badges: number }> {
  const badges = new BadgeRepository();
  return sequelize.transaction(async (tx) => {
    let categories = 0;
    for (const c of SEED_CATEGORIES) {
      const inserted = await sequelize.query<{ id: number }>(
        `INSERT INTO event_categories (name, description, icon, color) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING id`,
        { bind: [c.name, c.description, c.icon, c.color], type: QueryTypes.SELECT, transaction: tx },
      );
      categories += inserted.length;
    }
    for (const b of SEED_BADGES) await badges.upsert(sequelize, tx, b);
    log.info('seed applied', { categories_inserted: categories, badges: SEED_BADGES.length });
    return { categories, badges: SEED_BADGES.length };
  });
}

export type SeedResult = Awaited<ReturnType<typeof seedDatabase>>;

/**
 * For the scripts (`make seed`, `make populate`): the API's database found through Consul as the API finds it,
 * migrated and seeded, handed to `work`, then closed.
 */
export async function withSeededDatabase<T>(
  config: ApiConfig,
  log: Logger,
  work: (sequelize: Sequelize, seeded: SeedResult) => Promise<T>,
  pgOptions: Pick<CreatePostgresOptions, 'pool' | 'sequelizeOptions'> = {},
): Promise<T> {
  const { ConsulRegistry, createPostgres } = await import('@mutiroes/registry');
  const { runMigrations } = await import('./migrator.js');
  const registry = new ConsulRegistry({
    consulAddr: config.CONSUL_HTTP_ADDR,
    token: config.CONSUL_HTTP_TOKEN,
    logger: log,
  });
  try {
    const pg = await createPostgres({
      registry,
      database: config.DB_NAME,
      username: config.DB_USER,
      password: config.DB_PASSWORD ?? '',
      logger: log,
      ...pgOptions,
    });
    try {
      await runMigrations(pg.sequelize, log);
      return await work(pg.sequelize, await seedDatabase(pg.sequelize, log));
    } finally {
      await pg.close();
    }
  } finally {
    await registry.close();
  }
}

async function main(): Promise<void> {
  const { loadConfig } = await import('../config.js');
  const config = loadConfig();
  const log = createLogger({ service: 'api-seed', level: config.LOG_LEVEL });
  await withSeededDatabase(config, log, async (sequelize, r) => {
    const i = process.argv.indexOf('--make-staff');
    let staff: string | undefined;
    if (i > 0) {
      const username = process.argv[i + 1];
      if (!username) throw new Error('--make-staff needs a username');
      const rows = await sequelize.query(
        'UPDATE users SET is_staff = true WHERE lower(username) = lower($1) RETURNING id',
        {
          bind: [username],
          type: QueryTypes.SELECT,
        },
      );
      if (!rows.length) throw new Error(`no user named ${username}`);
      staff = username;
    }
    console.log(JSON.stringify({ ...r, ...(staff ? { staff } : {}) }));
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}

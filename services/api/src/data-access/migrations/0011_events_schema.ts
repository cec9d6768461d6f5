// Tables of the events domain (names and columns as DOMAIN.md), with the rules the database itself can hold.
import type { MigrationContext } from '../migrator.js';

const SEED_CATEGORIES: Array<[string, string, string, string]> = [
  ['Limpeza de Praias', 'Mutirões de limpeza de praias e orlas', 'beach', '#0EA5E9'],
  ['Limpeza de Rios', 'Retirada de resíduos de rios, córregos e margens', 'water', '#2563EB'],
  ['Plantio de Árvores', 'Plantio de mudas e reflorestamento', 'tree', '#16A34A'],
  ['Limpeza de Parques', 'Cuidado e limpeza de parques e praças', 'park', '#65A30D'],
  ['Reciclagem', 'Coleta seletiva e triagem de recicláveis', 'recycle', '#059669'],
  ['Educação Ambiental', 'Oficinas, palestras e atividades educativas', 'book', '#9333EA'],
  ['Limpeza Urbana', 'Limpeza de ruas, calçadas e terrenos', 'city', '#64748B'],
  ['Proteção Animal', 'Ações de proteção e resgate de animais', 'paw', '#EA580C'],
  ['Hortas Comunitárias', 'Criação e manutenção de hortas comunitárias', 'sprout', '#84CC16'],
  ['Preservação de Mangues', 'Limpeza e recuperação de manguezais', 'mangrove', '#0D9488'],
];

export async function up({ query }: MigrationContext): Promise<void> {
  await query(`
CREATE TABLE event_categories (
  id serial PRIMARY KEY,
  name varchar(100) NOT NULL UNIQUE,
  description text NOT NULL DEFAULT '',
  icon varchar(50) NOT NULL DEFAULT '',
  color varchar(7) NOT NULL DEFAULT '#007AFF' CHECK (color ~ '^#[0-9A-Fa-f]{6}$'),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE events (
  id serial PRIMARY KEY,
  title varchar(200) NOT NULL,
  description text NOT NULL,
  category_id integer NOT NULL REFERENCES event_categories(id) ON DELETE RESTRICT,
  organizer_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  address varchar(255) NOT NULL,
  latitude numeric(9,6) CHECK (latitude BETWEEN -90 AND 90),
  longitude numeric(9,6) CHECK (longitude BETWEEN -180 AND 180),
  city varchar(100) NOT NULL,
  state char(2) NOT NULL,
  start_date timestamptz NOT NULL,
  end_date timestamptz NOT NULL,
  registration_deadline timestamptz,
  max_participants integer NOT NULL CHECK (max_participants > 0),
  min_age integer NOT NULL DEFAULT 16 CHECK (min_age >= 0),
  max_age integer CHECK (max_age >= 0),
  status varchar(20) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','cancelled','completed')),
  is_public boolean NOT NULL DEFAULT true,
  requires_approval boolean NOT NULL DEFAULT false,
  required_tools text NOT NULL DEFAULT '',
  provided_tools text NOT NULL DEFAULT '',
  what_to_bring text NOT NULL DEFAULT '',
  cover_image varchar(500),
  -- Confirmed participants, kept by trigger from event_participants (ordering/capacity without a count per row).
  participants_count integer NOT NULL DEFAULT 0 CHECK (participants_count >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_dates_ck CHECK (start_date < end_date),
  CONSTRAINT events_deadline_ck CHECK (registration_deadline IS NULL OR registration_deadline < start_date),
  CONSTRAINT events_ages_ck CHECK (max_age IS NULL OR min_age < max_age),
  CONSTRAINT events_coords_ck CHECK ((latitude IS NULL) = (longitude IS NULL))
);
CREATE INDEX events_status_created_idx ON events (status, created_at DESC, id DESC);
CREATE INDEX events_status_start_idx ON events (status, start_date);
CREATE INDEX events_organizer_idx ON events (organizer_id);
CREATE INDEX events_category_idx ON events (category_id);
CREATE INDEX events_city_idx ON events (lower(city));
-- ?search= is ILIKE '%term%' over these columns: trigram indexes keep it off a sequential scan.
CREATE INDEX events_search_trgm_idx ON events USING gin (title gin_trgm_ops, description gin_trgm_ops, address gin_trgm_ops, city gin_trgm_ops);
-- The geographic index: earth_box(...) @> ll_to_earth(lat, lng) uses it (ADR 0002).
CREATE INDEX events_earth_idx ON events USING gist (ll_to_earth(latitude::float8, longitude::float8));

CREATE TABLE event_participants (
  id serial PRIMARY KEY,
  event_id integer NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  status varchar(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','confirmed','cancelled','rejected')),
  emergency_contact varchar(100) NOT NULL DEFAULT '',
  emergency_phone varchar(20) NOT NULL DEFAULT '',
  special_needs text NOT NULL DEFAULT '',
  experience_level varchar(20) NOT NULL DEFAULT 'beginner' CHECK (experience_level IN ('beginner','intermediate','advanced')),
  checked_in boolean NOT NULL DEFAULT false,
  check_in_time timestamptz,
  registered_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT event_participants_event_user_uq UNIQUE (event_id, user_id),
  CONSTRAINT event_participants_checkin_ck CHECK (NOT checked_in OR (status = 'confirmed' AND check_in_time IS NOT NULL))
);
CREATE INDEX event_participants_user_idx ON event_participants (user_id, status);

CREATE FUNCTION events_sync_participants_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE','DELETE') AND OLD.status = 'confirmed' THEN
    UPDATE events SET participants_count = participants_count - 1 WHERE id = OLD.event_id;
  END IF;
  IF TG_OP IN ('INSERT','UPDATE') AND NEW.status = 'confirmed' THEN
    UPDATE events SET participants_count = participants_count + 1 WHERE id = NEW.event_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER event_participants_count_trg
  AFTER INSERT OR DELETE OR UPDATE OF status, event_id ON event_participants
  FOR EACH ROW EXECUTE FUNCTION events_sync_participants_count();

CREATE TABLE event_resources (
  id serial PRIMARY KEY,
  event_id integer NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  name varchar(100) NOT NULL,
  description text NOT NULL DEFAULT '',
  resource_type varchar(20) NOT NULL DEFAULT 'other' CHECK (resource_type IN ('tool','material','equipment','other')),
  quantity_needed integer NOT NULL CHECK (quantity_needed >= 1),
  quantity_provided integer NOT NULL DEFAULT 0 CHECK (quantity_provided >= 0),
  unit varchar(50) NOT NULL DEFAULT 'unidade',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_resources_event_idx ON event_resources (event_id);

CREATE TABLE event_photos (
  id serial PRIMARY KEY,
  event_id integer NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  photo varchar(500) NOT NULL,
  caption varchar(255) NOT NULL DEFAULT '',
  is_before boolean NOT NULL DEFAULT false,
  is_after boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_photos_event_idx ON event_photos (event_id, created_at);

CREATE TABLE event_comments (
  id serial PRIMARY KEY,
  event_id integer NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  parent_id integer REFERENCES event_comments(id) ON DELETE CASCADE,
  content text NOT NULL CHECK (length(content) BETWEEN 1 AND 5000),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_comments_event_idx ON event_comments (event_id, created_at);

CREATE TABLE event_reports (
  id serial PRIMARY KEY,
  event_id integer NOT NULL UNIQUE REFERENCES events(id) ON DELETE CASCADE,
  created_by integer REFERENCES users(id) ON DELETE SET NULL,
  total_participants integer NOT NULL DEFAULT 0 CHECK (total_participants >= 0),
  total_hours numeric(10,2) NOT NULL DEFAULT 0 CHECK (total_hours >= 0),
  trash_collected_kg numeric(12,2) NOT NULL DEFAULT 0 CHECK (trash_collected_kg >= 0),
  trees_planted integer NOT NULL DEFAULT 0 CHECK (trees_planted >= 0),
  area_cleaned_m2 numeric(14,2) NOT NULL DEFAULT 0 CHECK (area_cleaned_m2 >= 0),
  recyclable_material_kg numeric(12,2) NOT NULL DEFAULT 0 CHECK (recyclable_material_kg >= 0),
  summary text NOT NULL DEFAULT '',
  challenges text NOT NULL DEFAULT '',
  achievements text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
`);
  const values = SEED_CATEGORIES.map(
    (_, i) => `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`,
  ).join(', ');
  await query(
    `INSERT INTO event_categories (name, description, icon, color) VALUES ${values} ON CONFLICT (name) DO NOTHING`,
    SEED_CATEGORIES.flat(),
  );
}

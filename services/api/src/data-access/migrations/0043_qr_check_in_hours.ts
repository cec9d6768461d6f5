// Issue #16 item 2 (ADR 0014): check-out time and the organiser's correction of a participant's hours, the
// single-use record of personal QR codes, and volunteered_hours() — the one definition of "hours" that the
// API's statistics and the worker's statistics, badges and monthly impact report all call.
import type { MigrationContext } from '../migrator.js';

export async function up({ query }: MigrationContext): Promise<void> {
  await query(`
ALTER TABLE event_participants ADD COLUMN check_out_time timestamptz;
ALTER TABLE event_participants ADD COLUMN hours_override numeric(6,2)
  CONSTRAINT event_participants_hours_override_ck CHECK (hours_override >= 0);

CREATE TABLE check_in_code_uses (
  mac text PRIMARY KEY,
  event_id integer NOT NULL REFERENCES events(id) ON DELETE CASCADE,
  used_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX check_in_code_uses_used_at_idx ON check_in_code_uses (used_at);

-- Hours of one participation: the organiser's correction when there is one; else from check-in to check-out
-- (no check-out: to the end), clipped to [start, end]; a row checked in before check-in times were recorded
-- (check_in NULL) counts the event's nominal length.
CREATE FUNCTION volunteered_hours(check_in timestamptz, check_out timestamptz, override numeric,
                                  start_at timestamptz, end_at timestamptz) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN override IS NOT NULL THEN override
    WHEN check_in IS NULL THEN extract(epoch FROM (end_at - start_at)) / 3600.0
    ELSE greatest(0, extract(epoch FROM (least(coalesce(check_out, end_at), end_at) - greatest(check_in, start_at))) / 3600.0)
  END
$$;
`);
}

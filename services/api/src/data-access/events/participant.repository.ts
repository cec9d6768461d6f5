// Event participants: one row per (event, user); the confirmed count on events is kept by a trigger.
import { Params, mutate, select, selectOne, type Conn } from './events-db.js';

export type ParticipantStatus = 'pending' | 'confirmed' | 'cancelled' | 'rejected' | 'waitlisted';
export type ExperienceLevel = 'beginner' | 'intermediate' | 'advanced';

export interface ParticipantRecord {
  id: number;
  event_id: number;
  user_id: number;
  username: string;
  first_name: string;
  last_name: string;
  status: ParticipantStatus;
  emergency_contact: string;
  emergency_phone: string;
  special_needs: string;
  experience_level: ExperienceLevel;
  checked_in: boolean;
  check_in_time: Date | null;
  /** ADR 0014: when the participant checked out (QR), null before. */
  check_out_time: Date | null;
  /** Hours this participation counts (volunteered_hours(): measured, capped, or corrected); null if not checked in. */
  hours_volunteered: number | null;
  /** True when an organiser set the hours by hand. */
  hours_corrected: boolean;
  /** False when the event has age limits and the profile had no birth date at join time. */
  age_verified: boolean;
  /** 1-based place on the event's waitlist (status 'waitlisted'), else null. */
  waitlist_position: number | null;
  registered_at: Date;
  updated_at: Date;
  /** The user's profile setting (a profile never opened is public). */
  is_public_profile: boolean;
}

export interface ParticipantDetails {
  emergency_contact?: string;
  emergency_phone?: string;
  special_needs?: string;
  experience_level?: ExperienceLevel;
}

const SELECT_PARTICIPANT = `
SELECT p.id, p.event_id, p.user_id, u.username, u.first_name, u.last_name, p.status, p.emergency_contact,
       p.emergency_phone, p.special_needs, p.experience_level, p.checked_in, p.check_in_time, p.age_verified,
       p.check_out_time, (p.hours_override IS NOT NULL) AS hours_corrected,
       CASE WHEN p.checked_in THEN round(volunteered_hours(p.check_in_time, p.check_out_time, p.hours_override,
         ev.start_date, ev.end_date), 2)::float8 END AS hours_volunteered,
       CASE WHEN p.waitlist_seq IS NULL THEN NULL ELSE (SELECT count(*) FROM event_participants w
         WHERE w.event_id = p.event_id AND w.waitlist_seq <= p.waitlist_seq)::int END AS waitlist_position,
       p.registered_at, p.updated_at,
       COALESCE(up.is_public_profile, true) AS is_public_profile
FROM event_participants p JOIN users u ON u.id = p.user_id JOIN events ev ON ev.id = p.event_id LEFT JOIN user_profiles up ON up.user_id = p.user_id`;

export interface EventCounts {
  total_participants: number;
  confirmed_participants: number;
  pending_participants: number;
  checked_in_participants: number;
  photos_count: number;
  comments_count: number;
  resources_count: number;
  fully_provided_resources: number;
}

export class ParticipantRepository {
  /** `limit`: the first ones only (event detail); all when omitted. */
  async listForEvent(
    c: Conn,
    eventId: number,
    statuses?: ParticipantStatus[],
    limit?: number,
  ): Promise<ParticipantRecord[]> {
    const p = new Params();
    let where = `p.event_id = ${p.add(eventId)}`;
    if (statuses) where += ` AND p.status = ANY(${p.add(statuses)}::varchar[])`;
    return select<ParticipantRecord>(
      c,
      `${SELECT_PARTICIPANT} WHERE ${where} ORDER BY p.registered_at, p.id${limit ? ` LIMIT ${p.add(limit)}` : ''}`,
      p.values,
    );
  }

  async findById(c: Conn, eventId: number, id: number): Promise<ParticipantRecord | null> {
    return selectOne<ParticipantRecord>(c, `${SELECT_PARTICIPANT} WHERE p.event_id = $1 AND p.id = $2`, [
      eventId,
      id,
    ]);
  }

  async findByUser(c: Conn, eventId: number, userId: number): Promise<ParticipantRecord | null> {
    return selectOne<ParticipantRecord>(c, `${SELECT_PARTICIPANT} WHERE p.event_id = $1 AND p.user_id = $2`, [
      eventId,
      userId,
    ]);
  }

  /** Creates the (event, user) row, or reuses the existing one (a cancelled participant joining again). */
  async upsert(
    c: Conn,
    eventId: number,
    userId: number,
    status: ParticipantStatus,
    d: ParticipantDetails,
    ageVerified = true,
    waitlistSeq: number | null = null,
  ): Promise<number> {
    const rows = await mutate<{ id: number }>(
      c,
      `INSERT INTO event_participants (event_id, user_id, status, emergency_contact, emergency_phone, special_needs, experience_level, age_verified, waitlist_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (event_id, user_id) DO UPDATE SET
         status = EXCLUDED.status, emergency_contact = EXCLUDED.emergency_contact, emergency_phone = EXCLUDED.emergency_phone,
         special_needs = EXCLUDED.special_needs, experience_level = EXCLUDED.experience_level,
         age_verified = EXCLUDED.age_verified, waitlist_seq = EXCLUDED.waitlist_seq, checked_in = false, check_in_time = NULL, check_out_time = NULL, hours_override = NULL, registered_at = now(), updated_at = now()
       RETURNING id`,
      [
        eventId,
        userId,
        status,
        d.emergency_contact ?? '',
        d.emergency_phone ?? '',
        d.special_needs ?? '',
        d.experience_level ?? 'beginner',
        ageVerified,
        waitlistSeq,
      ],
    );
    return rows[0]!.id;
  }

  async update(
    c: Conn,
    id: number,
    changes: ParticipantDetails & { status?: ParticipantStatus },
  ): Promise<void> {
    const allowed = [
      'status',
      'emergency_contact',
      'emergency_phone',
      'special_needs',
      'experience_level',
    ] as const;
    const p = new Params();
    const sets = allowed.filter((k) => changes[k] !== undefined).map((k) => `${k} = ${p.add(changes[k])}`);
    // Leaving the waitlist (promoted, cancelled, decided by the organiser) frees the place.
    if (changes.status !== undefined && changes.status !== 'waitlisted') sets.push('waitlist_seq = NULL');
    sets.push('updated_at = now()');
    await mutate(c, `UPDATE event_participants SET ${sets.join(', ')} WHERE id = ${p.add(id)}`, p.values);
  }

  /** The next place at the end of `eventId`'s waitlist (callers hold the event row lock; a unique index backs it). */
  async nextWaitlistSeq(c: Conn, eventId: number): Promise<number> {
    const row = await selectOne<{ n: number }>(
      c,
      'SELECT (coalesce(max(waitlist_seq), 0) + 1)::int AS n FROM event_participants WHERE event_id = $1',
      [eventId],
    );
    return row!.n;
  }

  /** The first `limit` on the waitlist, in order, locked for promotion. */
  async headOfWaitlist(
    c: Conn,
    eventId: number,
    limit: number,
  ): Promise<Array<{ id: number; user_id: number }>> {
    return select<{ id: number; user_id: number }>(
      c,
      `SELECT id, user_id FROM event_participants WHERE event_id = $1 AND status = 'waitlisted'
        ORDER BY waitlist_seq LIMIT $2 FOR UPDATE`,
      [eventId, limit],
    );
  }

  /** The waitlist in order, with the details the organiser sees. */
  async waitlist(c: Conn, eventId: number): Promise<ParticipantRecord[]> {
    return select<ParticipantRecord>(
      c,
      `${SELECT_PARTICIPANT} WHERE p.event_id = $1 AND p.status = 'waitlisted' ORDER BY p.waitlist_seq`,
      [eventId],
    );
  }

  async pendingCount(c: Conn, eventId: number): Promise<number> {
    const row = await selectOne<{ n: number }>(
      c,
      `SELECT count(*)::int AS n FROM event_participants WHERE event_id = $1 AND status = 'pending'`,
      [eventId],
    );
    return row!.n;
  }

  async checkIn(c: Conn, id: number): Promise<void> {
    await mutate(
      c,
      'UPDATE event_participants SET checked_in = true, check_in_time = now(), updated_at = now() WHERE id = $1',
      [id],
    );
  }

  async checkOut(c: Conn, id: number): Promise<void> {
    await mutate(
      c,
      'UPDATE event_participants SET check_out_time = now(), updated_at = now() WHERE id = $1',
      [id],
    );
  }

  /** The organiser's correction (null: back to the measured hours). */
  async setHoursOverride(c: Conn, id: number, hours: number | null): Promise<void> {
    await mutate(c, 'UPDATE event_participants SET hours_override = $2, updated_at = now() WHERE id = $1', [
      id,
      hours,
    ]);
  }

  /**
   * Records the first use of a single-use code; false when it was used before (a replay). Uses older than a day
   * are dropped on the way (a code is dead 90 s after it was shown).
   */
  async recordCodeUse(c: Conn, eventId: number, codeMac: string): Promise<boolean> {
    await mutate(c, "DELETE FROM check_in_code_uses WHERE used_at < now() - interval '1 day'");
    const rows = await mutate<{ mac: string }>(
      c,
      'INSERT INTO check_in_code_uses (mac, event_id) VALUES ($1, $2) ON CONFLICT (mac) DO NOTHING RETURNING mac',
      [codeMac, eventId],
    );
    return rows.length === 1;
  }

  async delete(c: Conn, id: number): Promise<void> {
    await mutate(c, 'DELETE FROM event_participants WHERE id = $1', [id]);
  }

  /** The id of the active user named `username` (case-insensitive), or null. */
  async activeUserIdByUsername(c: Conn, username: string): Promise<number | null> {
    const row = await selectOne<{ id: number }>(
      c,
      'SELECT id FROM users WHERE lower(username) = lower($1) AND is_active',
      [username],
    );
    return row?.id ?? null;
  }

  async userExists(c: Conn, userId: number): Promise<boolean> {
    return (await selectOne(c, 'SELECT 1 AS one FROM users WHERE id = $1 AND is_active', [userId])) !== null;
  }

  /** `userId`'s participation status in each of `eventIds` where there is one (issue #11: user_participating). */
  async statusesOfUser(c: Conn, userId: number, eventIds: number[]): Promise<Map<number, ParticipantStatus>> {
    if (eventIds.length === 0) return new Map();
    const rows = await select<{ event_id: number; status: ParticipantStatus }>(
      c,
      'SELECT event_id, status FROM event_participants WHERE user_id = $1 AND event_id = ANY($2::int[])',
      [userId, eventIds],
    );
    return new Map(rows.map((r) => [r.event_id, r.status]));
  }

  /** The user's birth date from API-core's profile table (null when not filled in). */
  async birthDate(c: Conn, userId: number): Promise<string | null> {
    const row = await selectOne<{ birth_date: string | null }>(
      c,
      'SELECT birth_date::text AS birth_date FROM user_profiles WHERE user_id = $1',
      [userId],
    );
    return row?.birth_date ?? null;
  }

  async counts(c: Conn, eventId: number): Promise<EventCounts> {
    const row = await selectOne<EventCounts>(
      c,
      `SELECT
         (SELECT count(*) FROM event_participants WHERE event_id = $1 AND status IN ('pending','confirmed'))::int AS total_participants,
         (SELECT count(*) FROM event_participants WHERE event_id = $1 AND status = 'confirmed')::int AS confirmed_participants,
         (SELECT count(*) FROM event_participants WHERE event_id = $1 AND status = 'pending')::int AS pending_participants,
         (SELECT count(*) FROM event_participants WHERE event_id = $1 AND checked_in)::int AS checked_in_participants,
         (SELECT count(*) FROM event_photos WHERE event_id = $1)::int AS photos_count,
         (SELECT count(*) FROM event_comments WHERE event_id = $1)::int AS comments_count,
         (SELECT count(*) FROM event_resources WHERE event_id = $1)::int AS resources_count,
         (SELECT count(*) FROM event_resources WHERE event_id = $1 AND quantity_provided >= quantity_needed)::int AS fully_provided_resources`,
      [eventId],
    );
    return row!;
  }
}

// Own profile (created on first access), profile updates, and other users' public profiles.
import { NotFoundError, ValidationError } from '../shared/app-errors.js';
import type { ProfilePatch } from '../../data-access/users/profile.repository.js';
import type { ProfileRecord, UserRecord } from './user.types.js';
import { repos, type UsersDeps } from './users-deps.js';
import { LEADERBOARD_CACHE } from './volunteer-stats.use-case.js';
import { spIso } from '../shared/sao-paulo-time.js';

/** Turns a stored media path into the URL the client uses (built at the HTTP edge). */
export type MediaUrl = (path: string | null) => string | null;

export interface ProfileView {
  id: number;
  user: {
    id: number;
    username: string;
    email?: string;
    first_name: string;
    last_name: string;
    date_joined: string;
  };
  phone?: string;
  birth_date?: string | null;
  bio: string;
  avatar_url: string | null;
  /** The same URL as `avatar_url`: the original web client reads `profile.avatar` (ADR 0006). */
  avatar: string | null;
  age?: number | null;
  city: string;
  state: string;
  zip_code?: string;
  interests: string[];
  notification_preferences?: Record<string, unknown>;
  is_public_profile: boolean;
  show_participation_history: boolean;
  total_events_participated: number | null;
  total_hours_volunteered: number | null;
  created_at: string;
  updated_at: string;
}

export function ageOn(birthDate: string | null, today = new Date()): number | null {
  if (!birthDate) return null;
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d)) age--;
  return age;
}

async function view(
  d: UsersDeps,
  user: UserRecord,
  p: ProfileRecord,
  mediaUrl: MediaUrl,
  own: boolean,
  fromPrimary: boolean,
): Promise<ProfileView> {
  const db = fromPrimary ? d.db.sequelize : d.db.readerFor(user.id);
  const [interests, stats] = await Promise.all([
    repos.profiles.interests(db, user.id),
    repos.activity.stats(db, user.id),
  ]);
  const showTotals = own || p.show_participation_history;
  const base: ProfileView = {
    id: p.id,
    user: {
      id: user.id,
      username: user.username,
      ...(own ? { email: user.email } : {}),
      first_name: user.first_name,
      last_name: user.last_name,
      date_joined: spIso(user.date_joined)!,
    },
    bio: p.bio,
    avatar_url: mediaUrl(p.avatar),
    avatar: mediaUrl(p.avatar),
    city: p.city,
    state: p.state,
    interests,
    is_public_profile: p.is_public_profile,
    show_participation_history: p.show_participation_history,
    total_events_participated: showTotals ? stats.total_events_participated : null,
    total_hours_volunteered: showTotals ? stats.total_hours_volunteered : null,
    created_at: spIso(p.created_at)!,
    updated_at: spIso(p.updated_at)!,
  };
  if (!own) return base;
  return {
    ...base,
    phone: p.phone,
    birth_date: p.birth_date,
    age: ageOn(p.birth_date),
    zip_code: p.zip_code,
    notification_preferences: p.notification_preferences,
  };
}

export async function getOwnProfile(d: UsersDeps, userId: number, mediaUrl: MediaUrl): Promise<ProfileView> {
  let db = d.db.readerFor(userId);
  let user = await repos.users.findById(db, userId);
  let profile = user ? await repos.profiles.find(db, userId) : null;
  let fromPrimary = db === d.db.sequelize;
  if (!user || !profile) {
    // Not on the reader yet (new user) or never created: the primary decides, creating the profile if needed.
    db = d.db.sequelize;
    fromPrimary = true;
    user = await repos.users.findById(db, userId);
    if (!user) throw new NotFoundError('Usuário não encontrado.');
    profile = await repos.profiles.getOrCreate(db, userId);
  }
  return view(d, user, profile, mediaUrl, true, fromPrimary);
}

export interface ProfileUpdate extends ProfilePatch {
  /** New avatar path (relative to MEDIA_DIR), null to remove, undefined to keep. */
  avatar?: string | null;
  first_name?: string;
  last_name?: string;
  /** Category ids or names. */
  interests?: Array<number | string>;
}

export async function updateProfile(
  d: UsersDeps,
  userId: number,
  patch: ProfileUpdate,
  mediaUrl: MediaUrl,
): Promise<{ view: ProfileView; previousAvatar: string | null }> {
  const db = d.db.sequelize;
  const { first_name, last_name, interests, ...profilePatch } = patch;
  let categoryIds: number[] | undefined;
  if (interests !== undefined) {
    const ids = [...new Set(interests.filter((i): i is number => typeof i === 'number'))];
    const names = [...new Set(interests.filter((i): i is string => typeof i === 'string'))];
    const found = await repos.profiles.findCategories(db, ids, names);
    const foundIds = new Set(found.map((c) => c.id));
    const foundNames = new Set(found.map((c) => c.name.toLowerCase()));
    const missing = [
      ...ids.filter((i) => !foundIds.has(i)).map(String),
      ...names.filter((n) => !foundNames.has(n.toLowerCase())),
    ];
    if (missing.length) {
      throw ValidationError.field(
        'interests',
        `Categoria inexistente: ${missing
          .slice(0, 5)
          .map((m) => JSON.stringify(m.slice(0, 50)))
          .join(', ')}.`,
      );
    }
    categoryIds = [...foundIds];
  }
  const previousAvatar = await db.transaction(async (tx) => {
    const before = await repos.profiles.getOrCreate(db, userId, tx);
    await repos.users.updateNames(db, tx, userId, { first_name, last_name });
    await repos.profiles.update(db, tx, userId, profilePatch);
    if (categoryIds) await repos.profiles.setInterests(db, tx, userId, categoryIds);
    return before.avatar;
  });
  d.db.markWrite(userId);
  await d.cache.invalidate(LEADERBOARD_CACHE); // visibility may have changed
  const user = (await repos.users.findById(db, userId))!;
  const profile = (await repos.profiles.find(db, userId))!;
  return { view: await view(d, user, profile, mediaUrl, true, true), previousAvatar };
}

/** Another user's profile: 404 unless it exists and is public (the owner always sees their own). */
export async function getPublicProfile(
  d: UsersDeps,
  username: string,
  viewerId: number | undefined,
  mediaUrl: MediaUrl,
): Promise<ProfileView> {
  const db = d.db.readerFor(viewerId);
  const user = await repos.users.findByUsername(db, username);
  if (!user || !user.is_active) throw new NotFoundError('Perfil não encontrado.');
  if (user.id === viewerId) return getOwnProfile(d, user.id, mediaUrl);
  const profile = await repos.profiles.find(db, user.id);
  // A profile never opened is public by default (the column default), so show the defaults.
  if (profile && !profile.is_public_profile) throw new NotFoundError('Perfil não encontrado.');
  const p = profile ?? (await repos.profiles.getOrCreate(d.db.sequelize, user.id));
  return view(d, user, p, mediaUrl, false, !profile);
}

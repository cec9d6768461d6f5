// Stats, badges, leaderboard and rank, all computed from real check-ins, reports and awarded badges.
import type { LeaderboardMetric, LeaderboardRow } from '../../data-access/users/user-activity.repository.js';
import type { EarnedBadgeRow } from '../../data-access/users/badge.repository.js';
import type { BadgeRecord } from './user.types.js';
import { repos, type UsersDeps } from './users-deps.js';

export interface UserStats {
  total_events_participated: number;
  total_hours_volunteered: number;
  badges_earned: number;
  skills_count: number;
  events_organized: number;
  current_month_events: number;
  favorite_categories: string[];
}

export async function userStats(d: UsersDeps, userId: number): Promise<UserStats> {
  const db = d.db.readerFor(userId);
  const [activity, badges, interests] = await Promise.all([
    repos.activity.stats(db, userId),
    repos.badges.countEarned(db, userId),
    repos.profiles.interests(db, userId),
  ]);
  return {
    total_events_participated: activity.total_events_participated,
    total_hours_volunteered: activity.total_hours_volunteered,
    badges_earned: badges,
    // "Skills" of the original model are the categories the volunteer declared interest in.
    skills_count: interests.length,
    events_organized: activity.events_organized,
    current_month_events: activity.current_month_events,
    favorite_categories: activity.favorite_categories,
  };
}

export const BADGES_CACHE = 'users:badges';
export const LEADERBOARD_CACHE = 'users:leaderboard';

export function badgeCatalogue(
  d: UsersDeps,
  limit: number,
  offset: number,
): Promise<{ count: number; rows: BadgeRecord[] }> {
  return d.cache.getOrLoad(`${BADGES_CACHE}:${limit}:${offset}`, () =>
    repos.badges.list(d.db.reader, limit, offset),
  );
}

export function earnedBadges(
  d: UsersDeps,
  userId: number,
  limit: number,
  offset: number,
): Promise<{ count: number; rows: EarnedBadgeRow[] }> {
  return repos.badges.earned(d.db.readerFor(userId), userId, limit, offset);
}

export function leaderboard(
  d: UsersDeps,
  metric: LeaderboardMetric,
  categoryId: number | undefined,
  limit: number,
  offset: number,
): Promise<{ count: number; rows: LeaderboardRow[] }> {
  return d.cache.getOrLoad(`${LEADERBOARD_CACHE}:${metric}:${categoryId ?? '*'}:${limit}:${offset}`, () =>
    repos.activity.leaderboard(d.db.reader, metric, categoryId, limit, offset),
  );
}

export async function rankOf(
  d: UsersDeps,
  userId: number,
  metric: LeaderboardMetric,
  categoryId: number | undefined,
): Promise<{ row: LeaderboardRow | null; total: number }> {
  return repos.activity.rankOf(d.db.readerFor(userId), userId, metric, categoryId);
}

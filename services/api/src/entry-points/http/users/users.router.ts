// /api/users/*: registration, profile, stats, badges, password change, leaderboard and rank.
import express from 'express';
import type { Request } from 'express';
import type { ApiDeps } from '../../../deps.js';
import type { UsersDeps } from '../../../domain/users/users-deps.js';
import { registerUser } from '../../../domain/users/register-user.use-case.js';
import { changePassword } from '../../../domain/users/auth-tokens.use-case.js';
import {
  getOwnProfile,
  getPublicProfile,
  updateProfile,
  type MediaUrl,
} from '../../../domain/users/profile.use-case.js';
import {
  badgeCatalogue,
  earnedBadges,
  leaderboard,
  rankOf,
  userStats,
} from '../../../domain/users/volunteer-stats.use-case.js';
import type { LeaderboardRow } from '../../../data-access/users/user-activity.repository.js';
import { methodNotAllowed, parseBody, parseQuery } from '../request-validation.js';
import { absoluteUrl, paginate } from '../pagination.js';
import { parseAvatarUpload, removeAvatar, storeAvatar } from './avatar-upload.js';
import {
  changePasswordSchema,
  leaderboardQuerySchema,
  profileUpdateSchema,
  registerSchema,
} from './users.schemas.js';
import { spIso } from '../../../domain/shared/sao-paulo-time.js';

export function mediaUrlFor(req: Request): MediaUrl {
  return (p) =>
    p ? (/^https?:\/\//.test(p) ? p : absoluteUrl(req, `/media/${p.replace(/^\/+/, '')}`)) : null;
}

function leaderboardItem(req: Request, r: LeaderboardRow) {
  return {
    rank: r.rank,
    user: {
      id: r.user_id,
      username: r.username,
      first_name: r.first_name,
      last_name: r.last_name,
      avatar_url: mediaUrlFor(req)(r.avatar),
    },
    total_hours: r.total_hours,
    total_events: r.total_events,
    badges_earned: r.badges_earned,
  };
}

export function createUsersRouter(deps: ApiDeps, users: UsersDeps): express.Router {
  const r = express.Router();
  const { requireAuth, optionalAuth } = deps;

  r.post('/register', async (req, res) => {
    const input = parseBody(registerSchema, req.body);
    res.status(201).json(await registerUser(users, input));
  });

  r.get('/profile', requireAuth, async (req, res) => {
    res.json(await getOwnProfile(users, req.user!.id, mediaUrlFor(req)));
  });

  const mediaDir = deps.config.MEDIA_DIR;
  const update: express.RequestHandler = async (req, res) => {
    const body = parseBody(profileUpdateSchema, req.body);
    const { user, avatar, ...rest } = body;
    const patch = {
      ...rest,
      first_name: rest.first_name ?? user?.first_name,
      last_name: rest.last_name ?? user?.last_name,
    };
    // The file is written only after the fields validated; if the update then fails it is removed again.
    const stored = req.file ? await storeAvatar(mediaDir, req.user!.id, req.file) : undefined;
    const newAvatar = stored ?? (avatar === null ? null : undefined);
    try {
      const { view, previousAvatar } = await updateProfile(
        users,
        req.user!.id,
        { ...patch, avatar: newAvatar },
        mediaUrlFor(req),
      );
      if (newAvatar !== undefined && previousAvatar !== newAvatar)
        await removeAvatar(mediaDir, previousAvatar).catch(() => undefined);
      res.json(view);
    } catch (e) {
      if (stored) await removeAvatar(mediaDir, stored).catch(() => undefined);
      throw e;
    }
  };
  for (const path of ['/profile', '/profile/update']) {
    r.patch(path, requireAuth, parseAvatarUpload, update);
    r.put(path, requireAuth, parseAvatarUpload, update);
  }

  r.get('/profile/:username', optionalAuth, async (req, res) => {
    const username = String(req.params['username']).slice(0, 200);
    res.json(await getPublicProfile(users, username, req.user?.id, mediaUrlFor(req)));
  });

  r.get('/stats', requireAuth, async (req, res) => {
    res.json(await userStats(users, req.user!.id));
  });

  r.get('/badges', optionalAuth, async (req, res) => {
    res.json(await paginate(req, (limit, offset) => badgeCatalogue(users, limit, offset)));
  });

  r.get('/badges/earned', requireAuth, async (req, res) => {
    res.json(
      await paginate(req, async (limit, offset) => {
        const page = await earnedBadges(users, req.user!.id, limit, offset);
        return {
          count: page.count,
          rows: page.rows.map((b) => ({ ...b, earned_at: spIso(b.earned_at) })),
        };
      }),
    );
  });

  r.post('/change-password', requireAuth, async (req, res) => {
    const body = parseBody(changePasswordSchema, req.body);
    await changePassword(users, req.user!.id, body.old_password, body.new_password);
    res.json({ message: 'Senha alterada com sucesso. Entre novamente nos outros dispositivos.' });
  });

  r.get('/leaderboard', optionalAuth, async (req, res) => {
    const q = parseQuery(leaderboardQuerySchema, req.query);
    const page = await paginate(req, (limit, offset) =>
      leaderboard(users, q.category, q.event_category, limit, offset),
    );
    res.json({
      ...page,
      category: q.category,
      results: page.results.map((row) => leaderboardItem(req, row)),
    });
  });

  r.get('/rank', requireAuth, async (req, res) => {
    const q = parseQuery(leaderboardQuerySchema, req.query);
    const { row, total } = await rankOf(users, req.user!.id, q.category, q.event_category);
    res.json({
      category: q.category,
      rank: row?.rank ?? null,
      total_ranked: total,
      total_hours: row?.total_hours ?? 0,
      total_events: row?.total_events ?? 0,
      badges_earned: row?.badges_earned ?? 0,
    });
  });

  // Known paths with another verb: 405 like the original API (instead of a 404 that hides the path).
  r.all(
    [
      '/register',
      '/profile',
      '/profile/update',
      '/profile/:username',
      '/stats',
      '/badges',
      '/badges/earned',
      '/change-password',
      '/leaderboard',
      '/rank',
    ],
    methodNotAllowed,
  );
  return r;
}

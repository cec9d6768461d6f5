// Test support for the events contract tests: API-core's harness (the real API on port 0 against the mesh)
// plus users with a profile birth date, their tokens, and multipart uploads.
import type { Sequelize } from 'sequelize';
import { startApi, type ApiHarness, type CallResult } from '../../test-support/api-harness.js';
import { JwtTokens } from '../../../../domain/users/jwt-tokens.service.js';

export interface TestUser {
  id: number;
  username: string;
  token: string;
}

export interface EventsApi extends ApiHarness {
  sequelize: Sequelize;
  /** MEDIA_DIR of the running API (uploads land under events/<id>/). */
  mediaDir: string;
  /** A new user whose profile birth date makes them `age` (null: no birth date), and an access token. */
  user(opts?: { age?: number | null; name?: string }): Promise<TestUser>;
  /** POST multipart/form-data (fetch sets the boundary). */
  upload(path: string, token: string, form: FormData): Promise<CallResult>;
}

export async function startEventsApi(): Promise<EventsApi> {
  const h = await startApi();
  const { config } = h.api;
  const tokens = new JwtTokens({ secret: config.JWT_SECRET, accessTtlS: 3600, refreshTtlS: 3600 });
  return {
    ...h,
    sequelize: h.api.deps.db.sequelize,
    mediaDir: config.MEDIA_DIR,
    async user(opts = {}) {
      const username = h.unique(opts.name ?? 'vol');
      const email = `${username}@example.test`;
      const [row] = await h.sql<{ id: number }>(
        `INSERT INTO users (username, email, first_name, last_name, password_hash)
         VALUES ($1, $2, 'Test', 'User', 'not-a-login') RETURNING id`,
        [username, email],
      );
      const id = row!.id;
      const age = opts.age === undefined ? 30 : opts.age;
      if (age !== null) {
        // A month past the birthday, so the age holds at any event date in the next weeks.
        const birth = new Date();
        birth.setUTCFullYear(birth.getUTCFullYear() - age);
        birth.setUTCMonth(birth.getUTCMonth() - 1);
        await h.sql('INSERT INTO user_profiles (user_id, birth_date) VALUES ($1, $2) RETURNING id', [
          id,
          birth.toISOString().slice(0, 10),
        ]);
      }
      return { id, username, token: tokens.signAccess({ id, username, email, is_staff: false }) };
    },
    async upload(path, token, form) {
      const res = await fetch(`${h.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      if (res.status < 400) h.noteWrite(token);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      return { status: res.status, body, headers: res.headers, text };
    },
  };
}

// The users domain's vocabulary: the repositories' plain records, and what the API answers about a user.
import type { UserRecord } from '../../data-access/users/user.records.js';

export type {
  UserRecord,
  ProfileRecord,
  BadgeRecord,
  UserActivityStats,
} from '../../data-access/users/user.records.js';
import { toSaoPauloIso } from '../shared/sao-paulo-time.js';

/** What POST /api/users/register/ answers. */
export interface PublicUser {
  id: number;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  date_joined: string;
}

export function toPublicUser(u: UserRecord): PublicUser {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    first_name: u.first_name,
    last_name: u.last_name,
    date_joined: toSaoPauloIso(u.date_joined),
  };
}

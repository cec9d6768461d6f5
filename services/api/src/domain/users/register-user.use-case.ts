// Registration: validate (all problems at once), create user + profile + welcome-e-mail job in one transaction.
import { currentRequestId } from '@mutiroes/platform';
import { ValidationError, type FieldErrors } from '../shared/app-errors.js';
import { DuplicateUserError } from '../../data-access/users/user.repository.js';
import { checkPassword } from './password-policy.js';
import { toPublicUser, type PublicUser } from './user.types.js';
import { repos, type UsersDeps } from './users-deps.js';

export interface RegisterInput {
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  password: string;
  password_confirm: string;
}

const DUPLICATE: Record<'username' | 'email', string> = {
  username: 'Um usuário com este nome de usuário já existe.',
  email: 'Um usuário com este e-mail já existe.',
};

export async function registerUser(d: UsersDeps, input: RegisterInput): Promise<PublicUser> {
  const errors: FieldErrors = {};
  if (input.password !== input.password_confirm) errors['password_confirm'] = ['As senhas não conferem.'];
  const pwProblems = checkPassword(input.password, input);
  if (pwProblems.length) errors['password'] = pwProblems;
  // Uniqueness is checked on the primary (a replica may not have a registration from a moment ago).
  const taken = await repos.users.taken(d.db.sequelize, input.username, input.email);
  if (taken.username) errors['username'] = [DUPLICATE.username];
  if (taken.email) errors['email'] = [DUPLICATE.email];
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const password_hash = await d.hasher.hash(input.password);
  const db = d.db.sequelize;
  try {
    const user = await db.transaction(async (tx) => {
      const u = await repos.users.create(db, tx, {
        username: input.username,
        email: input.email,
        first_name: input.first_name,
        last_name: input.last_name,
        password_hash,
      });
      await repos.profiles.getOrCreate(db, u.id, tx);
      await d.outbox.enqueue(tx, 'send_welcome_email', { user_id: u.id, request_id: currentRequestId() });
      return u;
    });
    d.db.markWrite(user.id);
    d.logger.info('user registered', { user_id: user.id });
    return toPublicUser(user);
  } catch (e) {
    // Lost a race with a concurrent registration of the same name/e-mail: the unique index decided.
    if (e instanceof DuplicateUserError) throw ValidationError.field(e.field, DUPLICATE[e.field]);
    throw e;
  }
}

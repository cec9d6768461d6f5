// Password rules of DOMAIN.md (Django's four validators): length ≥ 8, not all digits,
// not too similar to the user's attributes, not a common password. Messages in pt-BR.
import { COMMON_PASSWORDS } from './common-passwords.js';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;
const MAX_SIMILARITY = 0.7;

/** Ratcliff/Obershelp similarity (what Python's SequenceMatcher.ratio computes, without the junk heuristic). */
export function similarity(a: string, b: string): number {
  if (!a.length && !b.length) return 1;
  const matches = (x: string, y: string): number => {
    if (!x.length || !y.length) return 0;
    // longest common substring
    let best = 0;
    let bi = 0;
    let bj = 0;
    const prev = new Array<number>(y.length + 1).fill(0);
    for (let i = 1; i <= x.length; i++) {
      let diag = 0;
      for (let j = 1; j <= y.length; j++) {
        const tmp = prev[j]!;
        prev[j] = x[i - 1] === y[j - 1] ? diag + 1 : 0;
        if (prev[j]! > best) {
          best = prev[j]!;
          bi = i - best;
          bj = j - best;
        }
        diag = tmp;
      }
    }
    if (!best) return 0;
    return best + matches(x.slice(0, bi), y.slice(0, bj)) + matches(x.slice(bi + best), y.slice(bj + best));
  };
  return (2 * matches(a, b)) / (a.length + b.length);
}

export interface PasswordContext {
  username?: string;
  email?: string;
  first_name?: string;
  last_name?: string;
}

const ATTRIBUTE_LABEL: Record<keyof PasswordContext, string> = {
  username: 'nome de usuário',
  email: 'endereço de e-mail',
  first_name: 'primeiro nome',
  last_name: 'sobrenome',
};

/** Returns the list of rule violations (empty when the password is acceptable). */
export function checkPassword(password: string, ctx: PasswordContext = {}): string[] {
  const problems: string[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) {
    problems.push(
      `Esta senha é muito curta. Ela precisa conter pelo menos ${MIN_PASSWORD_LENGTH} caracteres.`,
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    problems.push(`Esta senha é muito longa. Ela pode conter no máximo ${MAX_PASSWORD_LENGTH} caracteres.`);
  }
  if (/^\d+$/.test(password)) problems.push('Esta senha é inteiramente numérica.');
  const pw = password.toLowerCase();
  for (const attr of Object.keys(ATTRIBUTE_LABEL) as (keyof PasswordContext)[]) {
    const value = ctx[attr]?.toLowerCase().trim();
    if (!value) continue;
    // Like Django: compare with the whole value and with its parts split on non-word characters.
    const parts = [value, ...value.split(/\W+/).filter((p) => p.length >= 3)];
    if (parts.some((p) => similarity(pw, p) >= MAX_SIMILARITY)) {
      problems.push(`A senha é muito parecida com o campo ${ATTRIBUTE_LABEL[attr]}.`);
      break;
    }
  }
  if (COMMON_PASSWORDS.has(pw)) problems.push('Esta senha é muito comum.');
  return problems;
}

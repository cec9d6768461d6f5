// The API's password rules (DOMAIN.md), checked as the user types; the API has the last word.
export interface PasswordRule {
  id: string;
  label: string;
  ok: boolean;
}

const COMMON = new Set([
  '12345678',
  'password',
  'senha123',
  'qwerty123',
  '123456789',
  'password1',
  'abc12345',
  'iloveyou',
  'mutiroes',
  'senhasenha',
]);

export function passwordRules(
  password: string,
  ctx: { username?: string; email?: string } = {},
): PasswordRule[] {
  const pw = password.toLowerCase();
  const similar = [ctx.username, ctx.email?.split('@')[0]]
    .filter((v): v is string => !!v && v.length >= 3)
    .some((v) => pw.includes(v.toLowerCase()) || (v.toLowerCase().includes(pw) && pw.length >= 3));
  return [
    { id: 'length', label: 'Pelo menos 8 caracteres', ok: password.length >= 8 && password.length <= 128 },
    { id: 'numeric', label: 'Não pode ser só números', ok: password.length > 0 && !/^\d+$/.test(password) },
    { id: 'similar', label: 'Diferente do nome de usuário e do e-mail', ok: password.length > 0 && !similar },
    { id: 'common', label: 'Não pode ser uma senha comum', ok: password.length > 0 && !COMMON.has(pw) },
  ];
}

// Request shapes of the users endpoints (field limits of the original models).
import { z } from 'zod';

const USERNAME_RE = /^[\p{L}\p{N}_.@+-]+$/u;
const PHONE_RE = /^\+?1?\d{9,15}$/;

/** Passwords are checked by the policy (domain); here only a generous size cap against abuse. */
const password = z.string().max(1024, 'A senha é longa demais.');

const name = z.string().trim().max(150);

export const registerSchema = z.object({
  username: z
    .string()
    .trim()
    .min(1, 'Este campo não pode estar em branco.')
    .max(150, 'Certifique-se de que este campo não tenha mais de 150 caracteres.')
    .regex(
      USERNAME_RE,
      'Informe um nome de usuário válido. Use apenas letras, números e os caracteres @/./+/-/_.',
    ),
  email: z
    .string()
    .trim()
    .max(254, 'Certifique-se de que este campo não tenha mais de 254 caracteres.')
    .pipe(z.email('Insira um endereço de e-mail válido.')),
  first_name: name.default(''),
  last_name: name.default(''),
  password: password.min(1, 'Este campo não pode estar em branco.'),
  password_confirm: password,
});

export const tokenSchema = z
  .object({
    email: z.string().trim().max(254).optional(),
    username: z.string().trim().max(150).optional(),
    password: password.min(1, 'Este campo não pode estar em branco.'),
  })
  .superRefine(
    (v, ctx) => {
      if (!v.email && !v.username)
        ctx.addIssue({ code: 'custom', path: ['email'], message: 'Este campo é obrigatório.' });
    },
    // Also when another field is invalid, so every problem is reported at once.
    { when: () => true },
  );

export const refreshSchema = z.object({
  refresh: z.string().trim().min(1, 'Este campo não pode estar em branco.').max(4096),
});

export const changePasswordSchema = z
  .object({
    old_password: password.min(1, 'Este campo não pode estar em branco.'),
    new_password: password.min(1, 'Este campo não pode estar em branco.'),
    new_password_confirm: password.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.new_password_confirm !== undefined && v.new_password_confirm !== v.new_password) {
      ctx.addIssue({ code: 'custom', path: ['new_password_confirm'], message: 'As senhas não conferem.' });
    }
  });

const today = () => new Date().toISOString().slice(0, 10);

export const profileUpdateSchema = z.object({
  phone: z
    .string()
    .trim()
    .max(17)
    .refine(
      (s) => s === '' || PHONE_RE.test(s),
      "O telefone deve estar no formato '+999999999'. Até 15 dígitos são permitidos.",
    )
    .optional(),
  birth_date: z.iso
    .date('Informe uma data válida no formato AAAA-MM-DD.')
    .refine((d) => d <= today(), 'A data de nascimento não pode estar no futuro.')
    .refine((d) => d >= '1900-01-01', 'Informe uma data de nascimento plausível.')
    .nullable()
    .optional(),
  bio: z.string().max(500, 'Certifique-se de que este campo não tenha mais de 500 caracteres.').optional(),
  city: z.string().trim().max(100).optional(),
  state: z
    .string()
    .trim()
    .refine((s) => s === '' || /^[A-Za-z]{2}$/.test(s), 'Informe a sigla do estado com 2 letras.')
    .transform((s) => s.toUpperCase())
    .optional(),
  zip_code: z
    .string()
    .trim()
    .max(10)
    .refine((s) => s === '' || /^\d{5}-?\d{3}$/.test(s), 'Informe um CEP válido (00000-000).')
    .optional(),
  notification_preferences: z
    .record(z.string().max(50), z.boolean())
    .refine((o) => Object.keys(o).length <= 30, 'No máximo 30 preferências.')
    .optional(),
  /** Only `null` (remove the avatar) in JSON; a new avatar comes as a multipart file field. */
  avatar: z.null('Envie a imagem como arquivo (multipart/form-data) ou null para remover.').optional(),
  is_public_profile: z.boolean().optional(),
  show_participation_history: z.boolean().optional(),
  first_name: name.optional(),
  last_name: name.optional(),
  user: z.object({ first_name: name.optional(), last_name: name.optional() }).optional(),
  interests: z
    .array(z.union([z.number().int().positive().max(2_147_483_647), z.string().trim().min(1).max(100)]))
    .max(20, 'No máximo 20 interesses.')
    .optional(),
});

export const leaderboardQuerySchema = z.object({
  category: z
    .enum(['hours', 'events', 'badges'], 'Categoria inválida: use hours, events ou badges.')
    .default('hours'),
  event_category: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'Informe o id numérico de uma categoria de evento.')
    .transform(Number)
    .optional(),
});

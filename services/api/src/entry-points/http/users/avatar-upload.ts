// Multipart profile updates: an `avatar` image (sniffed by its bytes, ≤ 2 MB) plus the text fields of the
// profile, stored under MEDIA_DIR/avatars/<user id>/ and served under /media/.
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RequestHandler } from 'express';
import multer from 'multer';
import { ValidationError } from '../../../domain/shared/app-errors.js';
import { sniffImage } from '../events/photo-upload.js';

export const MAX_AVATAR_BYTES = 2 * 1024 * 1024;

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_AVATAR_BYTES, files: 1, fields: 20, fieldSize: 10_000, parts: 22 },
}).single('avatar');

/** Parses multipart bodies only (JSON bodies pass through); limit errors become 400 on `avatar`. */
export const parseAvatarUpload: RequestHandler = (req, res, next) => {
  if (!req.is('multipart/form-data')) return next();
  upload(req, res, (err: unknown) => {
    if (!err) {
      req.body = multipartFields(req.body as Record<string, unknown>);
      return next();
    }
    if (err instanceof multer.MulterError) {
      const message =
        err.code === 'LIMIT_FILE_SIZE'
          ? 'A imagem deve ter no máximo 2 MB.'
          : err.code === 'LIMIT_UNEXPECTED_FILE' || err.code === 'LIMIT_FILE_COUNT'
            ? 'Envie um único arquivo no campo "avatar".'
            : `Envio inválido (${err.code}).`;
      return next(ValidationError.field('avatar', message));
    }
    return next(ValidationError.detail('Corpo multipart inválido.'));
  });
};

/** Form fields are strings: booleans and JSON-ish fields get their JSON meaning back. */
function multipartFields(body: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body ?? {})) {
    if (typeof v !== 'string') continue;
    if (['is_public_profile', 'show_participation_history'].includes(k))
      out[k] = v === 'true' ? true : v === 'false' ? false : v;
    else if (['interests', 'notification_preferences'].includes(k)) {
      try {
        out[k] = JSON.parse(v);
      } catch {
        out[k] = v;
      }
    } else if (k === 'birth_date' && v === '') out[k] = null;
    else out[k] = v;
  }
  return out;
}

/** Validates and stores the avatar; returns its path relative to MEDIA_DIR. */
export async function storeAvatar(
  mediaDir: string,
  userId: number,
  file: Express.Multer.File,
): Promise<string> {
  const kind = sniffImage(file.buffer);
  if (!kind) throw ValidationError.field('avatar', 'Envie uma imagem válida (JPEG, PNG, GIF ou WebP).');
  const rel = path.posix.join('avatars', String(userId), `${randomUUID()}.${kind}`);
  await mkdir(path.join(mediaDir, 'avatars', String(userId)), { recursive: true });
  await writeFile(path.join(mediaDir, rel), file.buffer, { flag: 'wx' });
  return rel;
}

export async function removeAvatar(mediaDir: string, rel: string | null): Promise<void> {
  if (!rel || !rel.startsWith('avatars/') || rel.includes('..')) return;
  await rm(path.join(mediaDir, rel), { force: true });
}

// Multipart photo uploads: images only (checked by their bytes, not the client's MIME claim), at most 5 MB,
// written under MEDIA_DIR/events/<event id>/ and served under /media/.
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import express, { type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { ValidationError } from '../../../domain/shared/app-errors.js';
import { detailBody } from '../error-body.js';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 10, fieldSize: 10_000, parts: 12 },
}).single('photo');

/** Parses the multipart body; multer's limit errors become 400 field messages. */
export const parsePhotoUpload: RequestHandler = (req, res, next) => {
  upload(req, res, (err: unknown) => {
    if (!err) return next();
    if (err instanceof multer.MulterError) {
      const message =
        err.code === 'LIMIT_FILE_SIZE'
          ? 'O arquivo deve ter no máximo 5 MB.'
          : err.code === 'LIMIT_UNEXPECTED_FILE' || err.code === 'LIMIT_FILE_COUNT'
            ? 'Envie um único arquivo no campo "photo".'
            : `Envio inválido (${err.code}).`;
      return next(ValidationError.field('photo', message));
    }
    // Malformed multipart (bad boundary, truncated body) is the client's fault.
    return next(ValidationError.detail('Corpo multipart inválido.'));
  });
};

/** Image kind from the file's first bytes; null for anything that is not an image we accept. */
export function sniffImage(buf: Buffer): 'jpg' | 'png' | 'gif' | 'webp' | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpg';
  if (
    buf.length >= 8 &&
    buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'png';
  if (
    buf.length >= 6 &&
    (buf.toString('latin1', 0, 6) === 'GIF87a' || buf.toString('latin1', 0, 6) === 'GIF89a')
  )
    return 'gif';
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP')
    return 'webp';
  return null;
}

/** Validates the uploaded file and stores it; returns its path relative to MEDIA_DIR. */
export async function storePhoto(
  mediaDir: string,
  eventId: number,
  file: Express.Multer.File | undefined,
): Promise<string> {
  if (!file) throw ValidationError.field('photo', 'Nenhum arquivo foi submetido.');
  const kind = sniffImage(file.buffer);
  if (!kind) throw ValidationError.field('photo', 'Envie uma imagem válida (JPEG, PNG, GIF ou WebP).');
  const rel = path.posix.join('events', String(eventId), `${randomUUID()}.${kind}`);
  await mkdir(path.join(mediaDir, 'events', String(eventId)), { recursive: true });
  await writeFile(path.join(mediaDir, rel), file.buffer, { flag: 'wx' });
  return rel;
}

export async function removePhoto(mediaDir: string, rel: string): Promise<void> {
  await rm(path.join(mediaDir, rel), { force: true });
}

/** Static files of MEDIA_DIR, for mounting at /media (no directory listings, no dotfiles). */
export function createMediaRouter(mediaDir: string): express.Router {
  const r = express.Router();
  r.use(
    express.static(mediaDir, {
      index: false,
      dotfiles: 'deny',
      fallthrough: true,
      maxAge: '1h',
      immutable: true,
    }),
    (_req: Request, res: Response) => {
      res.status(404).json(detailBody('Não encontrado.'));
    },
  );
  return r;
}

import type { Request, RequestHandler } from 'express';
import { DomainException } from '../common/domain.exception';
import type { CheckedUpload } from './attachment-store.service';
import { checkedMedia, MAX_IMAGE_BYTES, safeFileName, tooLarge, UPLOAD_TYPES } from './media-rules';

// The zoom's reply form is multipart (it may carry one image). Like the ACL import, its fields
// (`_csrf` first) must be parsed before the CSRF check, so this runs as Express middleware ahead
// of it (app.setup.ts), for reply POSTs only. multer ships with @nestjs/platform-express.

/** The reply form's file input. */
export const REPLY_IMAGE_FIELD = 'image';
const REPLY_PATH = /^\/tickets\/\d{1,10}\/reply$/;

interface UploadedFile {
  readonly originalname: string;
  readonly mimetype: string;
  readonly size: number;
  readonly buffer: Buffer;
}
type MulterFactory = ((options: {
  storage: unknown;
  limits: { fileSize: number; files: number; fields: number; fieldSize: number; parts: number };
}) => { single(field: string): RequestHandler }) & { memoryStorage(): unknown };
const multer = require('multer') as MulterFactory;

type UploadRequest = Request & { file?: UploadedFile; replyUploadProblem?: 'tooLarge' | 'invalid' };

/** Reads a multipart reply into memory: at most one image of 5 MB and the text fields. */
export function replyUpload(): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    // A DM has up to 10,000 characters (40 KB in UTF-8).
    limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 8, fieldSize: 100_000, parts: 10 },
  }).single(REPLY_IMAGE_FIELD);
  return (req, res, next) => {
    if (req.method !== 'POST' || !REPLY_PATH.test(req.path) || !req.is('multipart/form-data')) return next();
    upload(req, res, (error?: unknown) => {
      if (error) {
        const code = (error as { code?: unknown }).code;
        (req as UploadRequest).replyUploadProblem = code === 'LIMIT_FILE_SIZE' ? 'tooLarge' : 'invalid';
        req.body ??= {};
      }
      next();
    });
  };
}

/**
 * The image of a reply, checked: an allowed image type whose bytes agree, at most 5 MB. None when
 * no file was chosen. A refused file is a message next to the field (the text is kept).
 */
export function replyImageOf(req: Request): CheckedUpload | undefined {
  const { file, replyUploadProblem } = req as UploadRequest;
  if (replyUploadProblem === 'tooLarge') throw new DomainException(tooLarge(MAX_IMAGE_BYTES).key, REPLY_IMAGE_FIELD, tooLarge(MAX_IMAGE_BYTES).params ?? {});
  if (replyUploadProblem) throw new DomainException('media.error.upload', REPLY_IMAGE_FIELD);
  if (!file || file.size === 0) return undefined;
  const checked = checkedMedia(file.mimetype, file.buffer, UPLOAD_TYPES, MAX_IMAGE_BYTES);
  if ('problem' in checked) {
    throw new DomainException(checked.problem.key, REPLY_IMAGE_FIELD, checked.problem.params ?? {});
  }
  return { contentType: checked.contentType, bytes: file.buffer, fileName: safeFileName(file.originalname, checked.contentType) };
}

import type { Request, RequestHandler } from 'express';
import { ACL_YAML_MAX_BYTES } from './yaml/acl-yaml';

// The ACL import form may carry the export as a file (multipart/form-data). Its `_csrf` field must
// be parsed before the CSRF check, so this runs as Express middleware ahead of it (app.setup.ts),
// for the import route only. multer ships with @nestjs/platform-express; it has no own typings.

export const ACL_IMPORT_PATH = '/admin/acl/import';
/** Name of the file input in the import form. */
export const ACL_IMPORT_FILE_FIELD = 'file';

interface UploadedFile {
  readonly fieldname: string;
  readonly originalname: string;
  readonly size: number;
  readonly buffer: Buffer;
}
type MulterFactory = ((options: {
  storage: unknown;
  limits: { fileSize: number; files: number; fields: number; fieldSize: number; parts: number };
}) => { single(field: string): RequestHandler }) & { memoryStorage(): unknown };

const multer = require('multer') as MulterFactory;

/** Why an upload was refused: the file is larger than 1 MiB, or the form is not what we sent. */
export type AclUploadProblem = 'tooLarge' | 'invalid';

type UploadRequest = Request & { file?: UploadedFile; aclUploadProblem?: AclUploadProblem };

/**
 * Reads a multipart import form into memory: one file of at most 1 MiB plus the text fields.
 * A refused upload does not end the request: the CSRF check still runs on the fields read so far
 * and the controller reports the problem on the form (nothing is imported).
 */
export function aclImportUpload(): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    // The textarea may be sent in the same form, so a field may be as large as a file.
    limits: { fileSize: ACL_YAML_MAX_BYTES, files: 1, fields: 5, fieldSize: ACL_YAML_MAX_BYTES + 1, parts: 6 },
  }).single(ACL_IMPORT_FILE_FIELD);
  return (req, res, next) => {
    if (req.method !== 'POST') return next();
    upload(req, res, (error?: unknown) => {
      if (error) {
        const code = (error as { code?: unknown }).code;
        (req as UploadRequest).aclUploadProblem = code === 'LIMIT_FILE_SIZE' || code === 'LIMIT_FIELD_VALUE' ? 'tooLarge' : 'invalid';
        req.body ??= {};
      }
      next();
    });
  };
}

/** The uploaded file (or the problem with it) of an import request. */
export function uploadOf(req: Request): { file?: UploadedFile; problem?: AclUploadProblem } {
  const { file, aclUploadProblem } = req as UploadRequest;
  return { file: file && file.size > 0 ? file : undefined, problem: aclUploadProblem };
}

import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import type { Observable } from 'rxjs';
import { ACL_YAML_MAX_BYTES } from './yaml/acl-yaml';

// The ACL import form uploads export files (multipart/form-data). The body is parsed only here, in
// an interceptor on the import handler: Nest runs it after the session, the CSRF check (the form
// sends its token in the URL, since the body is not read before) and the admin guard, so an
// anonymous, non-admin or forged request is refused without its body ever being read.

/** Name of the file input in the import form. */
export const ACL_IMPORT_FILE_FIELD = 'file';
/** Files per upload: an export larger than one file comes as several (AclStoreService.exportParts). */
export const ACL_IMPORT_MAX_FILES = 20;

/** Why an upload was refused: a file is larger than 1 MiB, too many files, or the form is not what we sent. */
export type AclUploadProblem = 'tooLarge' | 'tooMany' | 'invalid';

type UploadRequest = Request & { aclUploadProblem?: AclUploadProblem };

/** How often the upload parser ran (tests check it never runs for a refused request). */
export const uploadParsing = { runs: 0 };

@Injectable()
export class AclUploadInterceptor implements NestInterceptor {
  private readonly upload: RequestHandler = multer({
    storage: multer.memoryStorage(),
    // The textarea may be sent in the same form, so a field may be as large as a file.
    limits: { fileSize: ACL_YAML_MAX_BYTES, files: ACL_IMPORT_MAX_FILES, fields: 5, fieldSize: ACL_YAML_MAX_BYTES + 1, parts: ACL_IMPORT_MAX_FILES + 5 },
  }).array(ACL_IMPORT_FILE_FIELD, ACL_IMPORT_MAX_FILES);

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<UploadRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    if (req.is('multipart/form-data')) {
      uploadParsing.runs++;
      await new Promise<void>((resolve) => {
        this.upload(req, res, (error?: unknown) => {
          if (error) {
            const code = (error as { code?: unknown }).code;
            req.aclUploadProblem = code === 'LIMIT_FILE_SIZE' || code === 'LIMIT_FIELD_VALUE' ? 'tooLarge' : code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE' ? 'tooMany' : 'invalid';
            req.body ??= {};
          }
          resolve();
        });
      });
    }
    return next.handle();
  }
}

export interface UploadedExport {
  readonly name: string;
  readonly content: Buffer;
}

/** The non-empty uploaded files (or the problem with the upload) of an import request. */
export function uploadOf(req: Request): { files: UploadedExport[]; problem?: AclUploadProblem } {
  const files = (req.files ?? []) as Express.Multer.File[];
  return {
    files: files.filter((file) => file.size > 0).map((file) => ({ name: file.originalname || 'file', content: file.buffer })),
    problem: (req as UploadRequest).aclUploadProblem,
  };
}

import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import type { Observable } from 'rxjs';
import { DomainException } from '../common/domain.exception';
import type { CheckedUpload } from './attachment-store.service';
import { checkedMedia, MAX_IMAGE_BYTES, safeFileName, tooLarge, UPLOAD_TYPES } from './media-rules';

// The zoom's reply form is multipart (it may carry one image). As for the ACL import
// (src/acl/acl-upload.ts), the body is parsed only here, in an interceptor on the reply handler:
// Nest runs it after the session, the CSRF check (the form sends its token in its action URL, since
// the body is not read before) and the agent guard, so an anonymous or forged request is refused
// without its body ever being read. Whether the agent may write to this ticket (rw, the lock) is
// decided by the service before the image is looked at (replyImageOf).

/** The reply form's file input. */
export const REPLY_IMAGE_FIELD = 'image';

type UploadRequest = Request & { replyUploadProblem?: 'tooLarge' | 'invalid' };

/** How often the reply's multipart parser ran (tests check it never runs for a refused request). */
export const replyUploadParsing = { runs: 0 };

/** Reads a multipart reply into memory: at most one image of 5 MB and the text fields. */
@Injectable()
export class ReplyUploadInterceptor implements NestInterceptor {
  private readonly upload: RequestHandler = multer({
    storage: multer.memoryStorage(),
    // A DM has up to 10,000 characters (40 KB in UTF-8).
    limits: { fileSize: MAX_IMAGE_BYTES, files: 1, fields: 8, fieldSize: 100_000, parts: 10 },
  }).single(REPLY_IMAGE_FIELD);

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<UploadRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    if (req.is('multipart/form-data')) {
      replyUploadParsing.runs++;
      await new Promise<void>((resolve) => {
        this.upload(req, res, (error?: unknown) => {
          if (error) {
            const code = (error as { code?: unknown }).code;
            req.replyUploadProblem = code === 'LIMIT_FILE_SIZE' ? 'tooLarge' : 'invalid';
            req.body ??= {};
          }
          resolve();
        });
      });
    }
    return next.handle();
  }
}

/**
 * The image of a reply, checked: an allowed image type whose bytes agree, at most 5 MB. None when
 * no file was chosen. A refused file is a message next to the field (the text is kept).
 */
export function replyImageOf(req: Request): CheckedUpload | undefined {
  const { replyUploadProblem } = req as UploadRequest;
  const file = req.file;
  if (replyUploadProblem === 'tooLarge') throw new DomainException(tooLarge(MAX_IMAGE_BYTES).key, REPLY_IMAGE_FIELD, tooLarge(MAX_IMAGE_BYTES).params ?? {});
  if (replyUploadProblem) throw new DomainException('media.error.upload', REPLY_IMAGE_FIELD);
  if (!file || file.size === 0) return undefined;
  const checked = checkedMedia(file.mimetype, file.buffer, UPLOAD_TYPES, MAX_IMAGE_BYTES);
  if ('problem' in checked) {
    throw new DomainException(checked.problem.key, REPLY_IMAGE_FIELD, checked.problem.params ?? {});
  }
  return { contentType: checked.contentType, bytes: file.buffer, fileName: safeFileName(file.originalname, checked.contentType) };
}

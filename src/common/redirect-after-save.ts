import { applyDecorators, Injectable, Redirect, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { mergeMap, type Observable } from 'rxjs';
import { addFlash, saveSession, type FlashMessage } from './flash';

/**
 * What a handler under `@RedirectAfterSave()` returns: where the browser goes next (303, post-redirect-get)
 * and the messages it finds there.
 */
export interface AfterSave {
  redirect: string;
  flash?: FlashMessage | readonly FlashMessage[];
}

function isAfterSave(value: unknown): value is AfterSave {
  return typeof value === 'object' && value !== null && typeof (value as AfterSave).redirect === 'string' && (value as AfterSave).redirect !== '';
}

/** Adds the flash messages, stores the session, then hands Nest's redirect the URL and 303. */
@Injectable()
export class RedirectAfterSaveInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<{ url: string; statusCode: number }> {
    const req = context.switchToHttp().getRequest<Request>();
    return next.handle().pipe(
      mergeMap(async (result: unknown) => {
        if (!isAfterSave(result)) throw new Error(`${context.getClass().name}.${context.getHandler().name} must return { redirect, flash? } under @RedirectAfterSave()`);
        for (const message of [result.flash ?? []].flat()) addFlash(req, message);
        // Stored before the 303 goes out: a fast browser must not load the next page without its flash.
        await saveSession(req);
        return { url: result.redirect, statusCode: 303 };
      }),
    );
  }
}

/**
 * The one way a handler ends in a redirect (docs/ARCHITECTURE.md, "One web request"): it returns
 * `{ redirect, flash }`; the flash is added, the session stored, and then the 303 is sent.
 */
export function RedirectAfterSave(): MethodDecorator {
  return applyDecorators(Redirect('', 303), UseInterceptors(RedirectAfterSaveInterceptor));
}

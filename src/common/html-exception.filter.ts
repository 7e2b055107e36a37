import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { withoutCsrfToken } from './csrf';
import { DomainException, ForbiddenActionException, FormValidationException, RecordNotFoundException } from './domain.exception';
import { addFlash, redirectAfterSave } from './flash';
import { rememberRejectedForm } from './form-state';
import type { MessageParams } from '../i18n/translator';

/** Thrown by the auth guard: the visitor must log in first. */
export class LoginRequiredException extends Error {}

const STATUS_MESSAGE: Record<number, string> = {
  400: 'error.badRequest',
  403: 'error.forbidden',
  404: 'error.notFound',
  405: 'error.methodNotAllowed',
  413: 'error.tooLarge',
  429: 'error.tooManyRequests',
};

/** Turns every error into what a person can act on: the form again, a login page, or an error page in the layout. */
@Catch()
export class HtmlExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HtmlExceptionFilter');

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;

    if (exception instanceof LoginRequiredException) {
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      return res.redirect(303, `/login${next}`);
    }
    if (exception instanceof FormValidationException) {
      return this.backToForm(req, res, exception.errors);
    }
    if (exception instanceof RecordNotFoundException) {
      return this.renderError(res, 404, exception.messageKey);
    }
    if (exception instanceof ForbiddenActionException) {
      return this.renderError(res, 403, exception.messageKey, exception.params);
    }
    if (exception instanceof DomainException) {
      if (exception.field) return this.backToForm(req, res, { [exception.field]: { key: exception.messageKey, params: exception.params } });
      if (req.method === 'POST') {
        // No single field is to blame, but what was typed is still kept.
        rememberRejectedForm(req, {});
        addFlash(req, { type: 'error', key: exception.messageKey, params: exception.params });
        return redirectAfterSave(req, res, withoutCsrfToken(req.originalUrl));
      }
      return this.renderError(res, 400, exception.messageKey);
    }

    // csrf-sync's refusal: a form kept open past its session, or one posted from another site.
    if ((exception as { code?: unknown } | null)?.code === 'EBADCSRFTOKEN' && !req.path.startsWith('/webhooks/')) {
      return this.renderError(res, 403, 'error.csrf');
    }
    const status = statusOf(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    // Machines (X's webhook calls) get JSON, people get a page.
    if (req.path.startsWith('/webhooks/')) {
      res.status(status).json({ status, error: exception instanceof HttpException ? exception.message : 'error' });
      return;
    }
    this.renderError(res, status, STATUS_MESSAGE[status] ?? (status >= 500 ? 'error.internal' : 'error.badRequest'));
  }

  private async backToForm(req: Request, res: Response, errors: FormValidationException['errors']): Promise<void> {
    rememberRejectedForm(req, errors);
    addFlash(req, { type: 'error', key: 'flash.formHasErrors' });
    await redirectAfterSave(req, res, withoutCsrfToken(req.originalUrl));
  }

  private renderError(res: Response, status: number, messageKey: string, messageParams: MessageParams = {}): void {
    res.status(status).render('pages/error', { status, messageKey, messageParams, title: 'error.title' });
  }
}

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  // Plain Express middleware (csrf-sync, body-parser) throws http-errors objects, not HttpExceptions.
  const status = (exception as { status?: unknown; statusCode?: unknown })?.status ?? (exception as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { MessageParams } from '../i18n/translator';
import { withUnticked, type DtoClass } from './dto/checkbox-field';

export interface FieldError {
  key: string;
  params?: MessageParams;
}

export interface FormState {
  values: Record<string, unknown>;
  errors: Record<string, FieldError>;
}

/** Field names whose values are never kept for re-display (they would be rendered back). */
const SECRET_FIELD = /password|secret|token/i;

export function rememberRejectedForm(req: Request, errors: Record<string, FieldError>): void {
  const values = Object.fromEntries(Object.entries((req.body ?? {}) as Record<string, unknown>).filter(([name]) => name !== '_csrf' && !SECRET_FIELD.test(name)));
  req.session.forms = { ...(req.session.forms ?? {}), [req.path]: { values, errors } };
}

/**
 * The values and errors of this path's rejected form, if the last post was rejected; removed once read.
 * Given the form's DTO (`@RejectedForm(QueueFormDto)`), its checkboxes that the post lacked come back
 * unticked rather than as stored.
 */
export const RejectedForm = createParamDecorator((dto: DtoClass | undefined, ctx: ExecutionContext): FormState | undefined => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const state = req.session?.forms?.[req.path];
  if (state) delete req.session.forms![req.path];
  return dto ? withUnticked(dto, state) : state;
});

/** Typed values win over stored ones, so a rejected form comes back exactly as the user left it. */
export function formValues<T extends object>(stored: T, rejected?: FormState): T & Record<string, unknown> {
  return { ...stored, ...(rejected?.values ?? {}) };
}

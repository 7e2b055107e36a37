import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { FormValidationException } from './domain.exception';
import type { FieldError } from './form-state';

/**
 * DTO messages are catalog keys, optionally with `|name=value` parameters
 * (class-validator fills in `$constraint1`), e.g. `validation.maxLength|max=$constraint1`.
 */
export function parseMessage(message: string): FieldError {
  const [key, ...pairs] = message.split('|');
  const params = Object.fromEntries(pairs.map((pair) => pair.split('=', 2) as [string, string]));
  return pairs.length > 0 ? { key, params } : { key };
}

/** class-validator's errors as field → first message, nested fields as `a.0.b`. */
export function fieldErrorsOf(errors: ValidationError[], prefix = ''): Record<string, FieldError> {
  const result: Record<string, FieldError> = {};
  for (const error of errors) {
    const field = prefix + error.property;
    const messages = Object.values(error.constraints ?? {});
    if (messages.length > 0) result[field] = parseMessage(messages[messages.length - 1]);
    Object.assign(result, fieldErrorsOf(error.children ?? [], `${field}.`));
  }
  return result;
}

/**
 * Route parameters are left as text: `RecordIdPipe` alone decides what an id is. Nest's own
 * conversion is `+value`, which would make `/tickets/1e3` ticket 1000 and `/tickets/0x10` ticket 16.
 */
class FormValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? value : super.transformPrimitive(value, metadata);
  }
}

/** Whitelisting, type conversion, and errors as field → message for the form filter. */
export function createFormValidationPipe(): ValidationPipe {
  return new FormValidationPipe({
    whitelist: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => new FormValidationException(fieldErrorsOf(errors)),
  });
}

/**
 * Validates values that did not come from a web form (the command line) with the same DTO and the
 * same rules a form uses; throws FormValidationException with the same field → message map.
 */
export async function validateAs<T extends object>(dto: new () => T, values: Record<string, unknown>): Promise<T> {
  try {
    return (await createFormValidationPipe().transform(values, { type: 'body', metatype: dto })) as T;
  } catch (error) {
    if (!(error instanceof FormValidationException)) throw error;
    // In the order the values were given (a DTO's inherited fields would come after its own).
    const order = Object.keys(values);
    const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
    throw new FormValidationException(Object.fromEntries(Object.entries(error.errors).sort(([a], [b]) => rank(a) - rank(b))));
  }
}

import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { FormValidationException } from './domain.exception';
import { createFormValidationPipe } from './validation-pipe';

const NUL = '\u0000';

/**
 * NUL characters never reach a service: PostgreSQL refuses them in text ("invalid byte sequence"),
 * which would be a 500, and SQLite would store what PostgreSQL cannot restore (docs/SECURITY.md,
 * V5.1.4). Runs before the validation pipe on every handler, so every form is covered:
 * - a form (body) with a NUL anywhere goes back with a message next to each such field,
 *   everything typed kept;
 * - a query string (filters, page numbers) has its NUL characters dropped: a search box needs no message.
 */
@Injectable()
export class NulCharacterPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body') {
      const fields = fieldsWithNul(value, metadata.data ?? '');
      if (fields.length === 0) return value;
      const nul: FormValidationException['errors'] = Object.fromEntries(fields.map((field) => [field, { key: 'validation.nulCharacter' }]));
      // The form's own rules too, so that every wrong field is marked at once (a name too long beside a comment with a NUL), the NUL message winning on its fields.
      throw new FormValidationException({ ...(await formRuleErrors(value, metadata)), ...nul });
    }
    if (metadata.type === 'query') return withoutNul(value);
    return value;
  }
}

/** Dotted paths of the fields holding a NUL, in the value or in a field name; the top-level field too, where the form shows its errors. */
export function fieldsWithNul(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return value.includes(NUL) ? [path] : [];
  if (!value || typeof value !== 'object') return [];
  const found = new Set<string>();
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const name = path ? `${path}.${key}` : key;
    const nested = key.includes(NUL) ? [name] : fieldsWithNul(inner, name);
    for (const field of nested) {
      found.add(field);
      found.add(field.split('.')[0]);
    }
  }
  return [...found].filter((field) => field !== '');
}

export function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.split(NUL).join('');
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [withoutNul(k) as string, withoutNul(v)]));
  return value;
}

/** What the form validation pipe says about a body, with its NUL characters taken out (none when it passes). */
async function formRuleErrors(value: unknown, metadata: ArgumentMetadata): Promise<FormValidationException['errors']> {
  try {
    await createFormValidationPipe().transform(withoutNul(value), metadata);
    return {};
  } catch (error) {
    if (error instanceof FormValidationException) return error.errors;
    throw error;
  }
}

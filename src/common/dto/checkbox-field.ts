import { applyDecorators } from '@nestjs/common';
import { Expose, Transform } from 'class-transformer';
import { IsBoolean } from 'class-validator';
import type { FormState } from '../form-state';

const CHECKBOX_FIELDS = Symbol('checkboxFields');

export type DtoClass = abstract new (...args: never[]) => unknown;

/**
 * An HTML checkbox sends its value ("1", or "on" without a value attribute) when ticked and nothing
 * at all when not. Ticked: true, "1", "on", "true" (the last value if a name came twice); anything
 * else, absence included, is unticked.
 */
export function isTicked(value: unknown): boolean {
  const last: unknown = Array.isArray(value) ? value[value.length - 1] : value;
  return last === true || last === '1' || last === 'on' || last === 'true';
}

/**
 * The one way a form takes a checkbox (docs/ARCHITECTURE.md, "One web request"): the DTO field is
 * always a boolean, false when the box was not ticked, so saving an edit form with an unticked box
 * clears the stored value. `@Expose()` makes class-transformer visit the field even when the body
 * lacks it. The field is also remembered, so a rejected form comes back unticked (`withUnticked`).
 */
export function CheckboxField(): PropertyDecorator {
  const remember: PropertyDecorator = (target, property) => {
    // getMetadata also reads a parent class's list; the copy with this field becomes the class's own.
    const known = (Reflect.getMetadata(CHECKBOX_FIELDS, target) as string[] | undefined) ?? [];
    Reflect.defineMetadata(CHECKBOX_FIELDS, [...known, String(property)], target);
  };
  return applyDecorators(
    remember,
    Expose(),
    Transform(({ value }) => isTicked(value), { toClassOnly: true }),
    IsBoolean(),
  );
}

/** The checkbox fields of a DTO class, its parents' included. */
export function checkboxFieldsOf(dto: DtoClass): readonly string[] {
  return (Reflect.getMetadata(CHECKBOX_FIELDS, dto.prototype as object) as string[] | undefined) ?? [];
}

/**
 * A rejected form's values as typed: the post holds only the ticked boxes, so each of the DTO's
 * checkboxes it lacks was unticked and must not show the stored value again. Used through
 * `@RejectedForm(Dto)`, or directly where the DTO is known only later (the wizard's steps).
 */
export function withUnticked(dto: DtoClass, rejected: FormState | undefined): FormState | undefined {
  if (!rejected) return undefined;
  const boxes = Object.fromEntries(checkboxFieldsOf(dto).map((name) => [name, isTicked(rejected.values[name])]));
  return { ...rejected, values: { ...rejected.values, ...boxes } };
}

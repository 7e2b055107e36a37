import { Transform } from 'class-transformer';

/** Form text arrives untrimmed; stray spaces around a name are never meant. */
export const Trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** An HTML checkbox sends its value when checked and nothing when not. */
export const Checkbox = () => Transform(({ value }) => value === true || value === '1' || value === 'on' || value === 'true');

/** Empty form fields mean "not given". */
export const EmptyAsUndefined = () => Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value));

import { Transform } from 'class-transformer';

/** Form text arrives untrimmed; stray spaces around a name are never meant. */
export const Trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Empty form fields mean "not given". */
export const EmptyAsUndefined = () => Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value));

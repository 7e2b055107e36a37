import { IsEmail, IsIn, IsNotEmpty, IsObject, IsOptional, Matches, MaxLength, MinLength } from 'class-validator';
import { EmptyAsUndefined, Trim } from '../../common/dto/transforms';
import { VALIDITIES, type Validity } from '../../common/validity';
import { LANGUAGES, type Language } from '../../i18n/languages';

export const MIN_PASSWORD_LENGTH = 8;

/** The fields Add and Edit share. */
class AgentFieldsDto {
  @Trim()
  @IsNotEmpty({ message: 'validation.required' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  @Matches(/^\S*$/, { message: 'agents.error.loginSpaces' })
  login: string;

  @Trim()
  @IsNotEmpty({ message: 'validation.required' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  name: string;

  @Trim()
  @EmptyAsUndefined()
  @IsOptional()
  @IsEmail({}, { message: 'validation.email' })
  @MaxLength(250, { message: 'validation.maxLength|max=$constraint1' })
  email?: string;

  @IsIn(LANGUAGES, { message: 'validation.choose' })
  language: Language;

  @IsIn(VALIDITIES, { message: 'validation.choose' })
  validity: Validity;

  /** `memberships[g<groupId>]` = '' | 'ro' | 'rw' (the `g` keeps qs from turning it into an array). */
  @IsOptional()
  @IsObject()
  memberships?: Record<string, string>;
}

/** Edit agent: an empty password keeps the current one. */
export class AgentFormDto extends AgentFieldsDto {
  @EmptyAsUndefined()
  @IsOptional()
  @MinLength(MIN_PASSWORD_LENGTH, { message: 'validation.minLength|min=$constraint1' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  password?: string;
}

/** Add agent (and the CLI's user add): a password is required, and said so with the other fields' messages, not after them. */
export class NewAgentFormDto extends AgentFieldsDto {
  @MinLength(MIN_PASSWORD_LENGTH, { message: 'validation.minLength|min=$constraint1' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  // Last, so it is checked first (class-validator runs a property's rules bottom-up and stops at the first failing one): empty is "required", not "too short".
  @IsNotEmpty({ message: 'validation.required' })
  password: string;
}

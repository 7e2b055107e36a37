import { IsEmail, IsIn, IsNotEmpty, IsObject, IsOptional, Matches, MaxLength, MinLength } from 'class-validator';
import { EmptyAsUndefined, Trim } from '../../common/dto/transforms';
import { VALIDITIES, type Validity } from '../../common/validity';
import { LANGUAGES, type Language } from '../../i18n/languages';

export const MIN_PASSWORD_LENGTH = 8;

/** Add and edit share the fields; on edit an empty password keeps the current one. */
export class AgentFormDto {
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

  @EmptyAsUndefined()
  @IsOptional()
  @MinLength(MIN_PASSWORD_LENGTH, { message: 'validation.minLength|min=$constraint1' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  password?: string;

  @IsIn(VALIDITIES, { message: 'validation.choose' })
  validity: Validity;

  /** `memberships[g<groupId>]` = '' | 'ro' | 'rw' (the `g` keeps qs from turning it into an array). */
  @IsOptional()
  @IsObject()
  memberships?: Record<string, string>;
}

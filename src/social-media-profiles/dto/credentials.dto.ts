import { IsNotEmpty, IsOptional, Matches, MaxLength } from 'class-validator';
import { EmptyAsUndefined, Trim } from '../../common/dto/transforms';
import { WizardActionDto } from './wizard-action';

/** X keys and tokens are printable ASCII without spaces; a pasted space or line break is a mistake. */
const TOKEN_SHAPE_OR_EMPTY = /^[\x21-\x7e]*$/;

export class ConsumerKeysDto extends WizardActionDto {
  @Trim()
  @IsNotEmpty({ message: 'validation.required' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  @Matches(TOKEN_SHAPE_OR_EMPTY, { message: 'profiles.error.tokenShape' })
  consumerKey: string;

  /** Empty keeps the stored secret; required only while none is stored (checked by the service). */
  @Trim()
  @EmptyAsUndefined()
  @IsOptional()
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  @Matches(TOKEN_SHAPE_OR_EMPTY, { message: 'profiles.error.tokenShape' })
  consumerSecret?: string;
}

export class AccessTokensDto extends WizardActionDto {
  @Trim()
  @IsNotEmpty({ message: 'validation.required' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  @Matches(TOKEN_SHAPE_OR_EMPTY, { message: 'profiles.error.tokenShape' })
  accessToken: string;

  @Trim()
  @EmptyAsUndefined()
  @IsOptional()
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  @Matches(TOKEN_SHAPE_OR_EMPTY, { message: 'profiles.error.tokenShape' })
  accessTokenSecret?: string;
}

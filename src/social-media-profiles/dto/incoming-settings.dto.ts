import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, MaxLength, Min, ValidateNested } from 'class-validator';
import { CheckboxField } from '../../common/dto/checkbox-field';
import { EmptyAsUndefined, Trim } from '../../common/dto/transforms';
import { RECEIVING_MODES, type ReceivingMode } from '../social-media-profile.entity';
import { WizardActionDto } from './wizard-action';

export const AUTO_REPLY_MAX_LENGTH = 10_000;
/** The form offers this many hashtag rows; qs turns longer lists into objects anyway. */
export const MAX_HASHTAG_ROWS = 20;

export class HashtagRowDto {
  @Trim()
  @IsOptional()
  @IsString()
  hashtag?: string;

  @EmptyAsUndefined()
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'validation.choose' })
  queueId?: number;
}

export class IncomingSettingsDto extends WizardActionDto {
  /** How mentions and DMs arrive (docs/X.md): X's webhook, polling X's API, or both. Absent keeps the stored one. */
  @IsOptional()
  @IsIn(RECEIVING_MODES, { message: 'validation.choose' })
  receivingMode?: ReceivingMode;

  @EmptyAsUndefined()
  @Type(() => Number)
  @IsInt({ message: 'validation.choose' })
  @Min(1, { message: 'validation.choose' })
  targetQueueId: number;

  @CheckboxField()
  autoReplyEnabled: boolean;

  /** Required when auto-reply is ticked (checked by the service, which sees both fields). */
  @IsOptional()
  @IsString()
  @MaxLength(AUTO_REPLY_MAX_LENGTH, { message: 'validation.maxLength|max=$constraint1' })
  autoReplyText?: string;

  @CheckboxField()
  mentionsEnabled: boolean;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_HASHTAG_ROWS)
  @ValidateNested({ each: true })
  @Type(() => HashtagRowDto)
  hashtags?: HashtagRowDto[];
}

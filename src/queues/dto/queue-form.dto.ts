import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsOptional, MaxLength, Min } from 'class-validator';
import { CheckboxField } from '../../common/dto/checkbox-field';
import { EmptyAsUndefined, Trim } from '../../common/dto/transforms';
import { VALIDITIES, type Validity } from '../../common/validity';
import { FOLLOW_UP_OPTIONS, type FollowUpOption } from '../queue.entity';

export class QueueFormDto {
  @Trim()
  @IsNotEmpty({ message: 'validation.required' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  name: string;

  @EmptyAsUndefined()
  @Type(() => Number)
  @IsInt({ message: 'validation.choose' })
  @Min(1, { message: 'validation.choose' })
  groupId: number;

  @IsIn(FOLLOW_UP_OPTIONS, { message: 'validation.choose' })
  followUp: FollowUpOption;

  @CheckboxField()
  followUpLock: boolean;

  @Trim()
  @IsOptional()
  @MaxLength(250, { message: 'validation.maxLength|max=$constraint1' })
  comment?: string;

  @IsIn(VALIDITIES, { message: 'validation.choose' })
  validity: Validity;
}

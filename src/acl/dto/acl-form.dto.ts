import { Type } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { CheckboxField } from '../../common/dto/checkbox-field';
import { Trim } from '../../common/dto/transforms';

/** One ACL in the editor; ConfigMatch / ConfigChange as YAML text, checked by the service. */
export class AclFormDto {
  @Trim()
  @IsNotEmpty({ message: 'validation.required' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  name: string;

  @Trim()
  @IsOptional()
  @MaxLength(250, { message: 'validation.maxLength|max=$constraint1' })
  comment?: string;

  @Trim()
  @IsOptional()
  @MaxLength(250, { message: 'validation.maxLength|max=$constraint1' })
  description?: string;

  @CheckboxField()
  stopAfterMatch: boolean;

  @Type(() => Number)
  @IsIn([1, 2, 3], { message: 'validation.choose' })
  validId: 1 | 2 | 3;

  @IsOptional()
  @IsString()
  configMatch?: string;

  @IsOptional()
  @IsString()
  configChange?: string;
}

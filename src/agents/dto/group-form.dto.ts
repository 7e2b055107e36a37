import { IsIn, IsNotEmpty, IsOptional, MaxLength } from 'class-validator';
import { Trim } from '../../common/dto/transforms';
import { VALIDITIES, type Validity } from '../../common/validity';

export class GroupFormDto {
  @Trim()
  @IsNotEmpty({ message: 'validation.required' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  name: string;

  @Trim()
  @IsOptional()
  @MaxLength(250, { message: 'validation.maxLength|max=$constraint1' })
  comment?: string;

  @IsIn(VALIDITIES, { message: 'validation.choose' })
  validity: Validity;
}

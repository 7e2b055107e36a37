import { IsIn, IsNotEmpty, IsOptional, Matches, MaxLength } from 'class-validator';
import { Trim } from '../../common/dto/transforms';
import { VALIDITIES, type Validity } from '../../common/validity';
import { WizardActionDto } from './wizard-action';

/** The General box: the name shows in the overview and must be letters and digits only (as OTRS). */
export class GeneralDto extends WizardActionDto {
  @Trim()
  @IsNotEmpty({ message: 'validation.required' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  @Matches(/^[\p{L}\p{N}]*$/u, { message: 'profiles.error.nameAlphanumeric' })
  name: string;

  @Trim()
  @IsOptional()
  @MaxLength(10_000, { message: 'validation.maxLength|max=$constraint1' })
  description?: string;

  /** Only on edit; a new profile starts valid. */
  @IsOptional()
  @IsIn(VALIDITIES, { message: 'validation.choose' })
  validity?: Validity;
}

import { IsNotEmpty, IsOptional, Matches, MaxLength } from 'class-validator';
import { Trim } from '../../common/dto/transforms';
import { WizardActionDto } from './wizard-action';

export class AppNameDto extends WizardActionDto {
  @Trim()
  @IsNotEmpty({ message: 'validation.required' })
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  appName: string;

  @Trim()
  @IsOptional()
  @MaxLength(200, { message: 'validation.maxLength|max=$constraint1' })
  @Matches(/^[A-Za-z0-9_-]*$/, { message: 'profiles.error.environmentLabel' })
  aaaEnvironment?: string;
}

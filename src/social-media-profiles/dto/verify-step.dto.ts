import { IsIn, IsOptional } from 'class-validator';
import { WizardActionDto } from './wizard-action';

/** Step 5: the "Verify credentials" button sends verify=1; the other buttons navigate. */
export class VerifyStepDto extends WizardActionDto {
  @IsOptional()
  @IsIn(['1'])
  verify?: '1';
}

import { IsIn, IsOptional } from 'class-validator';

/** Which wizard button was pressed; every button saves first, except "add-hashtag" (step 6 without JavaScript). */
export const WIZARD_ACTIONS = ['previous', 'next', 'save', 'finish', 'add-hashtag'] as const;
export type WizardAction = (typeof WIZARD_ACTIONS)[number];

export class WizardActionDto {
  @IsOptional()
  @IsIn(WIZARD_ACTIONS, { message: 'validation.choose' })
  action?: WizardAction;
}

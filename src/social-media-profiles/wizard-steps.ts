import type { FieldError } from '../common/form-state';
import type { FlashMessage } from '../common/flash';
import { AppNameDto } from './dto/app-name.dto';
import { AccessTokensDto, ConsumerKeysDto } from './dto/credentials.dto';
import { GeneralDto } from './dto/general.dto';
import { IncomingSettingsDto } from './dto/incoming-settings.dto';
import { VerifyStepDto } from './dto/verify-step.dto';
import { WizardActionDto, type WizardAction } from './dto/wizard-action';
import type { ProfileCredentialsService } from './profile-credentials.service';
import type { ProfileWizardService } from './profile-wizard.service';
import type { SocialMediaProfile } from './social-media-profile.entity';

/**
 * The Twitter profile wizard as one table: for each page its form (DTO), template, title, when it
 * counts as done, the checks that need more than one field or the database, and what saving does.
 * The one POST route, the step indicator, the buttons and where each button leads all read it;
 * a new step is one row here, a DTO and a template.
 */

/** What the rules need to know of a profile; secrets only as "is one stored". */
export interface WizardFacts {
  instructionsRead: boolean;
  appName: string;
  consumerKey: string;
  hasConsumerSecret: boolean;
  accessToken: string;
  hasAccessTokenSecret: boolean;
  verifiedAt: number | null;
  targetQueueId: number | null;
}

/** The services a page's checks and save may use. */
export interface WizardServices {
  wizard: ProfileWizardService;
  credentials: ProfileCredentialsService;
}

export interface WizardContext<F> {
  profile: SocialMediaProfile;
  form: F;
  by: string;
  services: WizardServices;
}

export interface SaveOutcome {
  profile: SocialMediaProfile;
  /** Instead of the usual "saved" message (e.g. step 5's "the credentials work"). */
  flash?: FlashMessage;
}

export interface WizardPageDefinition<F extends WizardActionDto = WizardActionDto> {
  /** 'general' is the page before step 1 (name, description, validity); the steps are numbered. */
  page: WizardPage;
  title: string;
  template: string;
  dto: new () => F;
  done: (facts: WizardFacts) => boolean;
  /** Rules across fields or against the database; every broken one is reported in the same round. */
  check?: (context: WizardContext<F>) => Promise<Record<string, FieldError>>;
  save: (context: WizardContext<F>) => Promise<SaveOutcome>;
  /** The button Enter in a field presses. */
  enterAction: WizardAction;
}

function page<F extends WizardActionDto>(definition: WizardPageDefinition<F>): WizardPageDefinition {
  return definition as unknown as WizardPageDefinition;
}

const TEMPLATES = 'pages/admin/social-media-profiles';

/** A secret may be left empty once one is stored (it is never shown again). */
function required(field: string, missing: boolean): Record<string, FieldError> {
  return missing ? { [field]: { key: 'validation.required' } } : {};
}

export const WIZARD = [
  page({
    page: 'general',
    title: 'profiles.general.title',
    template: `${TEMPLATES}/general`,
    dto: GeneralDto,
    done: () => true,
    save: async ({ profile, form, by, services }) => ({ profile: await services.wizard.saveGeneral(profile, form, by) }),
    enterAction: 'save',
  }),
  page({
    page: 1,
    title: 'profiles.step1.title',
    template: `${TEMPLATES}/step-1`,
    dto: WizardActionDto,
    done: (f) => f.instructionsRead,
    save: async ({ profile, by, services }) => ({ profile: await services.wizard.markInstructionsRead(profile, by) }),
    enterAction: 'next',
  }),
  page({
    page: 2,
    title: 'profiles.step2.title',
    template: `${TEMPLATES}/step-2`,
    dto: AppNameDto,
    done: (f) => f.appName !== '',
    save: async ({ profile, form, by, services }) => ({ profile: await services.wizard.saveAppName(profile, form, by) }),
    enterAction: 'next',
  }),
  page({
    page: 3,
    title: 'profiles.step3.title',
    template: `${TEMPLATES}/step-3`,
    dto: ConsumerKeysDto,
    done: (f) => f.consumerKey !== '' && f.hasConsumerSecret,
    check: ({ profile, form }) => Promise.resolve(required('consumerSecret', !form.consumerSecret && !profile.consumerSecretEncrypted)),
    save: async ({ profile, form, by, services }) => ({ profile: await services.wizard.saveConsumerKeys(profile, form, by) }),
    enterAction: 'next',
  }),
  page({
    page: 4,
    title: 'profiles.step4.title',
    template: `${TEMPLATES}/step-4`,
    dto: AccessTokensDto,
    done: (f) => f.accessToken !== '' && f.hasAccessTokenSecret,
    check: ({ profile, form }) => Promise.resolve(required('accessTokenSecret', !form.accessTokenSecret && !profile.accessTokenSecretEncrypted)),
    save: async ({ profile, form, by, services }) => ({ profile: await services.wizard.saveAccessTokens(profile, form, by) }),
    enterAction: 'next',
  }),
  page({
    page: 5,
    title: 'profiles.step5.title',
    template: `${TEMPLATES}/step-5`,
    dto: VerifyStepDto,
    done: (f) => f.verifiedAt !== null,
    // Nothing to type: its own button asks X who these keys belong to.
    save: async ({ profile, form, by, services }) => {
      if (!form.verify) return { profile };
      const verified = await services.credentials.verify(profile, by);
      return { profile: verified, flash: { type: 'success', key: 'profiles.flash.verified', params: { handle: verified.accountHandle ?? '' } } };
    },
    enterAction: 'next',
  }),
  page({
    page: 6,
    title: 'profiles.step6.title',
    template: `${TEMPLATES}/step-6`,
    dto: IncomingSettingsDto,
    done: (f) => f.targetQueueId !== null,
    check: ({ form, services }) => services.wizard.checkIncoming(form),
    save: async ({ profile, form, by, services }) => ({ profile: await services.wizard.saveIncoming(profile, form, by) }),
    enterAction: 'finish',
  }),
];

export type WizardStep = 1 | 2 | 3 | 4 | 5 | 6;
export type WizardPage = 'general' | WizardStep;

/** The numbered steps, in order. */
export const WIZARD_STEPS = WIZARD.map((definition) => definition.page).filter((p): p is WizardStep => p !== 'general');
export const LAST_STEP = WIZARD_STEPS[WIZARD_STEPS.length - 1];

export function pageDefinition(wizardPage: WizardPage): WizardPageDefinition {
  const definition = WIZARD.find((candidate) => candidate.page === wizardPage);
  if (!definition) throw new Error(`no wizard page ${wizardPage}`);
  return definition;
}

/** The page before or after this one in the table (undefined past either end). */
export function neighbour(wizardPage: WizardPage, offset: -1 | 1): WizardPage | undefined {
  return WIZARD[WIZARD.findIndex((candidate) => candidate.page === wizardPage) + offset]?.page;
}

export function isStepDone(step: WizardStep, facts: WizardFacts): boolean {
  return pageDefinition(step).done(facts);
}

/** The first step still to do, or undefined when the profile is fully set up. */
export function firstMissingStep(facts: WizardFacts): WizardStep | undefined {
  return WIZARD_STEPS.find((step) => !isStepDone(step, facts));
}

export function isSetupComplete(facts: WizardFacts): boolean {
  return firstMissingStep(facts) === undefined;
}

/** A step's number as the URL writes it: one digit, so `1e0` or `0x1` name no step (404). */
export function parseStep(value: unknown): WizardStep | undefined {
  const n = typeof value === 'string' && /^[0-9]$/.test(value) ? Number(value) : NaN;
  return (WIZARD_STEPS as readonly number[]).includes(n) ? (n as WizardStep) : undefined;
}

import type { FormState } from '../common/form-state';
import type { WizardAction } from './dto/wizard-action';
import { wizardFacts } from './profiles.service';
import type { SocialMediaProfile } from './social-media-profile.entity';
import { isStepDone, WIZARD_STEPS, type WizardStep } from './wizard-steps';

export const PROFILES_PATH = '/admin/social-media-profiles';

export function profilePath(profile: Pick<SocialMediaProfile, 'id' | 'type'>, step?: WizardStep): string {
  const base = `${PROFILES_PATH}/${profile.type}/${profile.id}`;
  return step ? `${base}/step/${step}` : base;
}

/** Where a wizard button leads once the page is saved: General is the page before step 1. */
export function locationAfter(profile: Pick<SocialMediaProfile, 'id' | 'type'>, current: WizardStep | 'general', action: WizardAction | undefined): string {
  const index = current === 'general' ? 0 : current;
  const go = (n: number) => (n <= 0 ? profilePath(profile) : profilePath(profile, Math.min(n, 6) as WizardStep));
  switch (action) {
    case 'previous':
      return go(index - 1);
    case 'next':
      return go(index + 1);
    case 'finish':
      return PROFILES_PATH;
    default:
      return go(index);
  }
}

/** General, then steps 1–6, each done / current / to do, as the indicator shows them. */
export function stepIndicator(profile: SocialMediaProfile, current: WizardStep | 'general') {
  const facts = wizardFacts(profile);
  return [
    { label: 'profiles.general.title', url: profilePath(profile), state: current === 'general' ? 'current' : 'done' },
    ...WIZARD_STEPS.map((step) => ({
      number: step,
      label: `profiles.step${step}.title`,
      url: profilePath(profile, step),
      state: step === current ? 'current' : isStepDone(step, facts) ? 'done' : 'todo',
    })),
  ];
}

/**
 * What the pages may show of a profile. Built field by field, so the encrypted secrets never reach
 * a template; only whether one is stored.
 */
export function profileSummary(profile: SocialMediaProfile) {
  return {
    id: profile.id,
    type: profile.type,
    name: profile.name,
    description: profile.description,
    appName: profile.appName,
    accountId: profile.accountId,
    accountHandle: profile.accountHandle,
    accountName: profile.accountName,
    verifiedAt: profile.verifiedAt ? new Date(Number(profile.verifiedAt)) : null,
    hasConsumerSecret: !!profile.consumerSecretEncrypted,
    hasAccessTokenSecret: !!profile.accessTokenSecretEncrypted,
    consumerSecretUnreadable: !!profile.unreadableSecrets?.includes('consumerSecret'),
    accessTokenSecretUnreadable: !!profile.unreadableSecrets?.includes('accessTokenSecret'),
    validity: profile.validity,
    createdBy: profile.createdBy,
    createdAt: profile.createdAt,
    changedBy: profile.changedBy,
    changedAt: profile.changedAt,
    path: profilePath(profile),
  };
}

/** Up to this many hashtag rows, always with a few empty ones to add more (no JavaScript needed). */
export function hashtagRows(profile: SocialMediaProfile, rejected: FormState | undefined, emptyRows = 3) {
  const typed = rejected?.values.hashtags as { hashtag?: string; queueId?: string }[] | undefined;
  const rows = typed
    ? typed.map((row) => ({ hashtag: row?.hashtag ?? '', queueId: row?.queueId ?? '' }))
    : [...(profile.hashtags ?? [])].sort((a, b) => a.hashtag.localeCompare(b.hashtag)).map((h) => ({ hashtag: `#${h.hashtag}`, queueId: String(h.queueId) }));
  const all = [...rows, ...Array.from({ length: emptyRows }, () => ({ hashtag: '', queueId: '' }))].slice(0, 20);
  return all.map((row, index) => ({
    index,
    ...row,
    hashtagError: rejected?.errors[`hashtags.${index}.hashtag`],
    queueError: rejected?.errors[`hashtags.${index}.queueId`],
  }));
}

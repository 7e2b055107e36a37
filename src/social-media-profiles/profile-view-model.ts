import type { FormState } from '../common/form-state';
import { MAX_HASHTAG_ROWS } from './dto/incoming-settings.dto';
import type { WizardAction } from './dto/wizard-action';
import { wizardFacts } from './profiles.service';
import type { SocialMediaProfile } from './social-media-profile.entity';
import { neighbour, WIZARD, type WizardPage } from './wizard-steps';

export const PROFILES_PATH = '/admin/social-media-profiles';

export function profilePath(profile: Pick<SocialMediaProfile, 'id' | 'type'>, wizardPage?: WizardPage): string {
  const base = `${PROFILES_PATH}/${profile.type}/${profile.id}`;
  return wizardPage === undefined || wizardPage === 'general' ? base : `${base}/step/${wizardPage}`;
}

/** Where a wizard button leads once the page is saved: the page before or after it in the wizard table. */
export function locationAfter(profile: Pick<SocialMediaProfile, 'id' | 'type'>, current: WizardPage, action: WizardAction | undefined): string {
  switch (action) {
    case 'previous':
      return profilePath(profile, neighbour(current, -1) ?? current);
    case 'next':
      return profilePath(profile, neighbour(current, 1) ?? current);
    case 'finish':
      return PROFILES_PATH;
    default:
      return profilePath(profile, current);
  }
}

/** Every page of the wizard table, each done / current / to do, as the indicator shows them. */
export function stepIndicator(profile: SocialMediaProfile, current: WizardPage) {
  const facts = wizardFacts(profile);
  return WIZARD.map((definition) => ({
    ...(definition.page === 'general' ? {} : { number: definition.page }),
    label: definition.title,
    url: profilePath(profile, definition.page),
    state: definition.page === current ? 'current' : definition.done(facts) ? 'done' : 'todo',
  }));
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
    verifiedAt: profile.verifiedAt ? new Date(profile.verifiedAt) : null,
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

/**
 * The hashtag rows of step 6: the stored ones (or those just typed), and one empty row to add
 * another. "Add hashtag" without JavaScript keeps every typed row, empty ones too, and adds one.
 */
export function hashtagRows(profile: SocialMediaProfile, rejected: FormState | undefined, maxRows = MAX_HASHTAG_ROWS) {
  const typed = Array.isArray(rejected?.values.hashtags) ? (rejected.values.hashtags as Array<{ hashtag?: unknown; queueId?: unknown } | null>) : undefined;
  const addingRow = rejected?.values.action === 'add-hashtag';
  const rows = typed
    ? typed
        .map((row) => ({ hashtag: typeof row?.hashtag === 'string' ? row.hashtag : '', queueId: typeof row?.queueId === 'string' ? row.queueId : '' }))
        .map((row, index) => ({ ...row, index }))
        .filter((row) => addingRow || row.hashtag.trim() !== '' || row.queueId !== '' || rejected?.errors[`hashtags.${row.index}.hashtag`] || rejected?.errors[`hashtags.${row.index}.queueId`])
    : [...(profile.hashtags ?? [])].sort((a, b) => a.hashtag.localeCompare(b.hashtag)).map((h, index) => ({ hashtag: `#${h.hashtag}`, queueId: String(h.queueId), index }));
  // Errors are keyed by the index the row had when it was sent; rows are numbered anew for the form.
  const shown = [...rows, { hashtag: '', queueId: '', index: -1 }].slice(0, maxRows);
  return shown.map((row, position) => ({
    index: position,
    hashtag: row.hashtag,
    queueId: row.queueId,
    hashtagError: row.index >= 0 ? rejected?.errors[`hashtags.${row.index}.hashtag`] : undefined,
    queueError: row.index >= 0 ? rejected?.errors[`hashtags.${row.index}.queueId`] : undefined,
  }));
}

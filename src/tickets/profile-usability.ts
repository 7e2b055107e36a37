import { wizardFacts } from '../social-media-profiles/profiles.service';
import type { SocialMediaProfile } from '../social-media-profiles/social-media-profile.entity';
import { isSetupComplete } from '../social-media-profiles/wizard-steps';
import type { DeliveryReason } from './delivery-outcome';

/**
 * Why a profile cannot send now, or undefined when it can: it must be valid, fully set up (all six
 * wizard steps, verified) and not waiting for re-authorisation after X answered 401.
 */
export function sendBlocker(profile: SocialMediaProfile): DeliveryReason | undefined {
  const params = { name: profile.name };
  if (profile.validity !== 'valid') return { key: 'tickets.profile.notValid', params };
  if (!isSetupComplete(wizardFacts(profile))) return { key: 'tickets.profile.notSetUp', params };
  if (profile.needsReauthorisation) return { key: 'tickets.profile.needsReauthorisation', params };
  return undefined;
}

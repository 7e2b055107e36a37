import { Injectable } from '@nestjs/common';
import type { XCredentials } from '../channels/x/x-api-client';
import { ProfileParticipation, type ParticipationBlocker } from '../social-media-profiles/profile-participation';
import type { SocialMediaProfile } from '../social-media-profiles/social-media-profile.entity';
import type { DeliveryReason } from './delivery-outcome';

/**
 * What the ticket screens and the delivery worker say when the profile rule
 * (`ProfileParticipation`, owned by the profiles module) refuses to send. A record, so a new reason
 * there cannot go without its message here. The keys are also stored in failed articles
 * (`delivery_error`): keep them.
 */
const SEND_REFUSALS: Record<ParticipationBlocker, string> = {
  notValid: 'tickets.profile.notValid',
  notSetUp: 'tickets.profile.notSetUp',
  accountHeldElsewhere: 'tickets.profile.accountHeldElsewhere',
  keysUnreadable: 'tickets.profile.keysUnreadable',
  needsReauthorisation: 'tickets.profile.needsReauthorisation',
};

/** Why nothing can be sent through the profile, in the agent's words. */
export function sendRefusal(blocker: ParticipationBlocker, profile: { name: string }): DeliveryReason {
  return { key: SEND_REFUSALS[blocker], params: { name: profile.name } };
}

/** The profiles module's rule, asked for sending, answered in the tickets' words. */
@Injectable()
export class SendingProfiles {
  constructor(private readonly participation: ProfileParticipation) {}

  /** Why nothing can be sent through this profile now, or undefined when it can. */
  refusal(profile: SocialMediaProfile): DeliveryReason | undefined {
    const blocker = this.participation.blocker(profile, 'send');
    return blocker ? sendRefusal(blocker, profile) : undefined;
  }

  /** The keys to send with, or why there are none. */
  credentials(profile: SocialMediaProfile): { credentials: Required<XCredentials>; refusal?: undefined } | { refusal: DeliveryReason } {
    const sending = this.participation.check(profile, 'send');
    return sending.ok ? { credentials: sending.credentials } : { refusal: sendRefusal(sending.blocker, profile) };
  }
}

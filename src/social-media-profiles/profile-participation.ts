import { Injectable } from '@nestjs/common';
import type { XCredentials } from '../channels/x/x-api-client';
import { ProfileCredentialsService } from './profile-credentials.service';
import { wizardFacts } from './profiles.service';
import type { SocialMediaProfile } from './social-media-profile.entity';
import { isSetupComplete } from './wizard-steps';

/** Which way a profile takes part in X traffic: filing what arrives, or sending replies and new tickets. */
export type TrafficDirection = 'receive' | 'send';

/** Why a profile may not take part, in the order the rule asks. */
export const PARTICIPATION_BLOCKERS = ['notValid', 'notSetUp', 'accountHeldElsewhere', 'keysUnreadable', 'needsReauthorisation'] as const;
export type ParticipationBlocker = (typeof PARTICIPATION_BLOCKERS)[number];

export type Participation = { ok: true; credentials: Required<XCredentials> } | { ok: false; blocker: ParticipationBlocker };

/**
 * The one rule for "may this profile take part" (docs/ARCHITECTURE.md, "Boundaries"), for the
 * webhook, the worker and the poller (receive) and for the reply form, the new-ticket form and the
 * delivery worker (send):
 *
 * - it is valid;
 * - all six wizard steps are done (so its X account is verified and it has a target queue);
 * - it holds its X account: one X account, one profile — a valid profile that does not (a
 *   database from before that rule) neither receives nor sends;
 * - this instance can read its keys (a replaced SECRETS_KEY makes them unreadable);
 * - sending only: X has not refused its credentials (a 401 flags "needs re-authorisation"). What
 *   arrives is still filed meanwhile: the webhook is signed with the app's key, and nothing a
 *   customer writes should be lost while an administrator reconnects the account.
 *
 * `keys` are the profile's decrypted keys, undefined when any is missing or unreadable
 * (`ProfileCredentialsService.credentialsOf`); `ProfileParticipation` supplies them.
 */
export function participationOf(profile: SocialMediaProfile, direction: TrafficDirection, keys: Required<XCredentials> | undefined): Participation {
  const blocked = (blocker: ParticipationBlocker): Participation => ({ ok: false, blocker });
  if (profile.validity !== 'valid') return blocked('notValid');
  if (!isSetupComplete(wizardFacts(profile)) || !profile.accountId || profile.targetQueueId === null) return blocked('notSetUp');
  if (profile.heldAccountId !== profile.accountId) return blocked('accountHeldElsewhere');
  if (!keys) return blocked('keysUnreadable');
  if (direction === 'send' && profile.needsReauthorisation) return blocked('needsReauthorisation');
  return { ok: true, credentials: keys };
}

/** The rule with the keys decrypted: what the inbox and the tickets ask. */
@Injectable()
export class ProfileParticipation {
  constructor(private readonly credentials: ProfileCredentialsService) {}

  /** Whether the profile may take part now, with its keys when it may. */
  check(profile: SocialMediaProfile, direction: TrafficDirection): Participation {
    return participationOf(profile, direction, this.credentials.credentialsOf(profile));
  }

  /** Why the profile may not take part now, or undefined when it may. */
  blocker(profile: SocialMediaProfile, direction: TrafficDirection): ParticipationBlocker | undefined {
    const participation = this.check(profile, direction);
    return participation.ok ? undefined : participation.blocker;
  }
}

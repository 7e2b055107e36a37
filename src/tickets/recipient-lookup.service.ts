import { Injectable } from '@nestjs/common';
import { XApiClient } from '../channels/x/x-api-client';
import { XApiError, XRateLimitedError, XUnreachableError } from '../channels/x/x-errors';
import type { XUserLookup } from '../channels/x/x-user-lookup';
import { DomainException } from '../common/domain.exception';
import type { SocialMediaProfile } from '../social-media-profiles/social-media-profile.entity';
import { SendingProfiles } from './sending-profiles';

export interface XRecipient {
  id: string;
  handle: string;
  name: string;
}

/**
 * Who an @handle is, asked of X through the profile that will send (GET
 * /2/users/by/username/:username). An unknown or suspended handle, or X not answering, is a
 * message next to the recipient field: nothing is stored or sent.
 */
@Injectable()
export class RecipientLookup {
  constructor(
    private readonly x: XApiClient,
    private readonly sending: SendingProfiles,
  ) {}

  async byHandle(profile: SocialMediaProfile, handle: string, field: string): Promise<XRecipient> {
    const sending = this.sending.credentials(profile);
    if (sending.refusal) throw new DomainException(sending.refusal.key, field, sending.refusal.params);
    const keys = sending.credentials;
    let lookup: XUserLookup;
    try {
      lookup = await this.x.userByUsername(keys, handle);
    } catch (error) {
      if (!(error instanceof XApiError)) throw error;
      const why = error instanceof XRateLimitedError ? 'rate-limited' : error instanceof XUnreachableError ? 'unreachable' : 'other';
      throw new DomainException(`compose.error.lookup.${why}`, field, { handle, detail: error.detail ?? error.message });
    }
    if (lookup.kind !== 'found') throw new DomainException(lookup.kind === 'suspended' ? 'compose.error.handleSuspended' : 'compose.error.handleUnknown', field, { handle });
    return { id: lookup.user.id, handle: lookup.user.username, name: lookup.user.name };
  }
}

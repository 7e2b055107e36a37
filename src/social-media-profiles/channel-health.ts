import type { MessageParams } from '../i18n/translator';
import type { ProfileListRow } from './profiles.service';
import type { ReceivingMode } from './social-media-profile.entity';

/**
 * How one profile's channel is doing, as the profile list, the profile page and the admin overview
 * show it (docs/X.md). Assembled from the inbox, the poller's cursors, the webhook state and the
 * outgoing articles by the channel-health module, which sees all of them.
 */
export interface ChannelHealth {
  profileId: number;
  receivingMode: ReceivingMode;
  /** Whether the profile takes part in X traffic at all: what arrives is filed (`ProfileParticipation`, receiving). */
  active: boolean;
  lastEvent?: { at: Date; source: 'webhook' | 'poll' };
  /** Only when the profile uses, or used, a webhook. */
  webhook?: {
    id: string | null;
    url: string | null;
    valid: boolean | null;
    subscribed: boolean | null;
    checkedAt: Date | null;
    problem?: { key: string; params: MessageParams };
  };
  polling: {
    /** The streams polled (mentions, DMs, #hashtags). */
    streams: string[];
    lastPolledAt?: Date;
    /** The worst outcome among the streams' last polls. */
    outcome?: 'ok' | 'rate-limited' | 'unauthorized' | 'failed';
    error?: string;
    /** Failed polls in a row (the most of any stream). */
    failures: number;
    nextPollAt?: Date;
    rateLimitedUntil?: Date;
  };
  /** X answered 401: the tokens were revoked or changed. */
  needsReauthorisation: boolean;
  repliesFailed24h: number;
  inboxFailed24h: number;
  /** A one-line reason when the profile needs an admin's attention. */
  attention?: { key: string; params: MessageParams };
}

/**
 * Where the profile pages get channel health from. Implemented by the channel-health module; an
 * abstract class so this module can ask for it without importing that module (which needs this one).
 */
export abstract class ChannelHealthReader {
  abstract forProfiles(profileIds: number[]): Promise<ChannelHealth[]>;

  /** Every profile's overview row (as ProfilesService.list), each with its health. */
  async profilesWithHealth(): Promise<Array<ProfileListRow & { health?: ChannelHealth }>> {
    return this.withHealth(await this.profileRows());
  }

  /** The given rows (one page of the profile list), each with its health. */
  async withHealth<T extends { id: number }>(rows: T[]): Promise<Array<T & { health?: ChannelHealth }>> {
    const health = new Map((await this.forProfiles(rows.map((row) => row.id))).map((h) => [h.profileId, h]));
    return rows.map((row) => ({ ...row, health: health.get(row.id) }));
  }

  protected abstract profileRows(): Promise<ProfileListRow[]>;
}

import { Injectable } from '@nestjs/common';
import type { XCredentials } from '../channels/x/x-api-client';
import { Clock } from '../common/clock';
import { ProfileCredentialsService } from '../social-media-profiles/profile-credentials.service';
import { ProfileParticipation } from '../social-media-profiles/profile-participation';
import { ProfilesService } from '../social-media-profiles/profiles.service';
import type { ReceivingMode } from '../social-media-profiles/social-media-profile.entity';
import type { RoutingProfile } from './message-routing';

/** What the webhook and the worker need of a profile that takes part in X traffic. */
export interface ActiveProfile extends RoutingProfile {
  id: number;
  name: string;
  /** All four keys: the consumer secret checks webhooks, the rest polls X. */
  credentials: Required<XCredentials>;
  autoReplyText: string | undefined;
  /** How mentions and DMs arrive: webhook, polling, or both (wizard step 6). */
  receivingMode: ReceivingMode;
}

const TTL_MS = 2_000;

/**
 * Profiles as the hot paths see them, decrypted once and kept for a moment: every webhook POST
 * needs the consumer secret, and decrypting plus three queries per event would dominate the
 * acknowledgement time. A change to a profile is seen within TTL_MS.
 * Profiles that may not receive (`ProfileParticipation`, the profiles module's one rule) are absent.
 */
@Injectable()
export class ProfileDirectory {
  private readonly cache = new Map<number, { profile: ActiveProfile; until: number }>();

  constructor(
    private readonly profiles: ProfilesService,
    private readonly credentials: ProfileCredentialsService,
    private readonly participation: ProfileParticipation,
    private readonly clock: Clock,
  ) {}

  async active(id: number): Promise<ActiveProfile | undefined> {
    const now = this.clock.now();
    const cached = this.cache.get(id);
    if (cached && cached.until > now) return cached.profile;
    const profile = await this.load(id);
    // Only profiles that take part are kept: one just finished in the wizard receives at once.
    if (profile) this.cache.set(id, { profile, until: now + TTL_MS });
    else this.cache.delete(id);
    return profile;
  }

  /**
   * The app keys behind a profile's webhook URL, whether or not the profile takes part now: X checks
   * (CRC) and signs by app, and other profiles of the same app may share this profile's webhook.
   * Read fresh from the database unless the profile is active (and cached).
   */
  async webhookKeys(id: number): Promise<{ consumerKey: string; consumerSecret: string; accountId: string | null } | undefined> {
    const active = await this.active(id);
    if (active) return { consumerKey: active.credentials.consumerKey, consumerSecret: active.credentials.consumerSecret, accountId: active.accountId };
    const profile = await this.profiles.stored(id);
    const secret = profile?.consumerSecretEncrypted ? this.credentials.revealConsumerSecret(profile) : undefined;
    return profile && profile.consumerKey && secret ? { consumerKey: profile.consumerKey, consumerSecret: secret, accountId: profile.accountId } : undefined;
  }

  /** The active profile of this X account connected through this app (an app's profiles share one webhook). */
  async activeForAccount(accountId: string, consumerKey: string, consumerSecret: string): Promise<ActiveProfile | undefined> {
    for (const id of await this.profiles.validIdsOfAccount(accountId, consumerKey)) {
      const profile = await this.active(id);
      if (profile && profile.credentials.consumerSecret === consumerSecret) return profile;
    }
    return undefined;
  }

  /** All profiles that may take part now (for polling). */
  async allActive(): Promise<ActiveProfile[]> {
    const active = await Promise.all((await this.profiles.validIds()).map((id) => this.active(id)));
    return active.filter((p): p is ActiveProfile => !!p);
  }

  private async load(id: number): Promise<ActiveProfile | undefined> {
    const [p] = await this.profiles.byIds([id]);
    if (!p) return undefined;
    const receiving = this.participation.check(p, 'receive');
    // The rule guarantees a verified account and a target queue; the checks below only tell the compiler.
    if (!receiving.ok || !p.accountId || p.targetQueueId === null) return undefined;
    return {
      id: p.id,
      name: p.name,
      accountId: p.accountId,
      credentials: receiving.credentials,
      targetQueueId: p.targetQueueId,
      mentionsEnabled: p.mentionsEnabled,
      hashtagQueues: [...p.hashtags].sort((a, b) => a.id - b.id).map((h) => ({ hashtag: h.hashtag, queueId: h.queueId })),
      autoReplyText: p.autoReplyEnabled && p.autoReplyText ? p.autoReplyText : undefined,
      receivingMode: p.receivingMode,
    };
  }
}

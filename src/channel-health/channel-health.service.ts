import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { InboxHealthService } from '../inbox/inbox-health.service';
import type { PollCursor } from '../inbox/poll-cursor.entity';
import { pollStreams } from '../inbox/poll-streams';
import { ChannelHealthReader, type ChannelHealth } from '../social-media-profiles/channel-health';
import { ProfileReceivingService } from '../social-media-profiles/profile-receiving.service';
import { ProfileParticipation } from '../social-media-profiles/profile-participation';
import { ProfilesService, type ProfileListRow } from '../social-media-profiles/profiles.service';
import type { SocialMediaProfile } from '../social-media-profiles/social-media-profile.entity';
import { TicketsService } from '../tickets/tickets.service';
import { attentionOf } from './attention';

const DAY_MS = 24 * 60 * 60_000;
const OUTCOME_RANK = { ok: 0, 'rate-limited': 1, failed: 2, unauthorized: 3 } as const;

/** Puts together each profile's channel health from what the inbox, the poller, the webhook setup and the tickets know. */
@Injectable()
export class ChannelHealthService extends ChannelHealthReader {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly receiving: ProfileReceivingService,
    private readonly participation: ProfileParticipation,
    private readonly inbox: InboxHealthService,
    private readonly tickets: TicketsService,
    private readonly clock: Clock,
  ) {
    super();
  }

  protected profileRows(): Promise<ProfileListRow[]> {
    return this.profiles.list();
  }

  async forProfiles(profileIds: number[]): Promise<ChannelHealth[]> {
    const now = this.clock.now();
    const since = now - DAY_MS;
    const [profiles, webhooks, lastEvents, inboxFailed, repliesFailed, cursors] = await Promise.all([
      this.profiles.byIds(profileIds),
      this.receiving.statesOf(profileIds),
      this.inbox.lastEvents(profileIds),
      this.inbox.failedSince(profileIds, since),
      this.tickets.failedDeliveriesSince(profileIds, since),
      this.inbox.pollStates(profileIds),
    ]);
    const byId = new Map(profiles.map((profile) => [profile.id, profile]));
    return profileIds.flatMap((id) => {
      const profile = byId.get(id);
      if (!profile) return [];
      const webhook = webhooks.find((state) => state.profileId === id);
      const health: Omit<ChannelHealth, 'attention'> = {
        profileId: id,
        receivingMode: profile.receivingMode,
        active: this.participation.check(profile, 'receive').ok,
        ...(lastEvents.has(id) ? { lastEvent: lastEvents.get(id) } : {}),
        ...(webhook && (profile.receivingMode !== 'polling' || webhook.subscribed)
          ? {
              webhook: {
                id: webhook.webhookId,
                url: webhook.url,
                valid: webhook.valid,
                subscribed: webhook.subscribed,
                checkedAt: webhook.checkedAt ? new Date(webhook.checkedAt) : null,
                ...(webhook.problem() ? { problem: webhook.problem() } : {}),
              },
            }
          : {}),
        polling: pollingOf(
          profile,
          cursors.filter((cursor) => cursor.profileId === id),
          now,
        ),
        needsReauthorisation: profile.needsReauthorisation,
        repliesFailed24h: repliesFailed.get(id) ?? 0,
        inboxFailed24h: inboxFailed.get(id) ?? 0,
      };
      const attention = attentionOf(health, now);
      return [{ ...health, ...(attention ? { attention } : {}) }];
    });
  }
}

/** The streams polled now, summed up: the worst last outcome, the next poll, a running rate-limit wait. */
function pollingOf(profile: SocialMediaProfile, cursors: PollCursor[], now: number): ChannelHealth['polling'] {
  const streams = pollStreams({ receivingMode: profile.receivingMode, hashtags: (profile.hashtags ?? []).map((h) => h.hashtag) });
  const current = cursors.filter((cursor) => streams.includes(cursor.stream));
  const polled = current.filter((cursor) => cursor.lastOutcome !== null);
  const worst = polled.reduce<PollCursor | undefined>((a, b) => (!a || OUTCOME_RANK[b.lastOutcome!] > OUTCOME_RANK[a.lastOutcome!] ? b : a), undefined);
  const latest = Math.max(0, ...polled.map((cursor) => Number(cursor.lastPolledAt ?? 0)));
  const next = Math.min(Infinity, ...current.map((cursor) => cursor.nextPollAt));
  const limitedUntil = Math.max(0, ...current.map((cursor) => Number(cursor.rateLimitedUntil ?? 0)));
  return {
    streams,
    ...(latest > 0 ? { lastPolledAt: new Date(latest) } : {}),
    ...(worst?.lastOutcome ? { outcome: worst.lastOutcome } : {}),
    ...(worst?.lastError ? { error: worst.lastError } : {}),
    failures: Math.max(0, ...current.map((cursor) => cursor.failures)),
    ...(Number.isFinite(next) && next > 0 ? { nextPollAt: new Date(next) } : {}),
    ...(limitedUntil > now ? { rateLimitedUntil: new Date(limitedUntil) } : {}),
  };
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isIP } from 'node:net';
import { Repository } from 'typeorm';
import { XAccountActivityClient, type XWebhook } from '../channels/x/x-account-activity-client';
import type { XConsumerCredentials } from '../channels/x/x-api-client';
import { XApiError, XWebhookRejectedError } from '../channels/x/x-errors';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { MessageParams } from '../i18n/translator';
import { ProfileCredentialsService } from './profile-credentials.service';
import { ProfileWebhook } from './profile-webhook.entity';
import { wizardFacts } from './profiles.service';
import { isSetupComplete } from './wizard-steps';
import type { SocialMediaProfile } from './social-media-profile.entity';
import { xErrorAsDomainException } from './x-error-message';

/** Whether the profile should get its mentions and DMs by webhook now: valid, set up, and in webhook or both mode. */
export function receivesByWebhook(profile: SocialMediaProfile): boolean {
  return profile.validity === 'valid' && profile.receivingMode !== 'polling' && isSetupComplete(wizardFacts(profile));
}

/** Where X sends a profile's events: one URL per profile, path fixed by the webhook controller. */
export const WEBHOOK_PATH_PREFIX = '/webhooks/x/';

export interface ReceivingProblem {
  key: string;
  params: MessageParams;
}

/** What a connect or check found out, to show right away and on the health screens. */
export interface ReceivingCheck {
  webhookId: string | null;
  url: string | null;
  valid: boolean | null;
  subscribed: boolean | null;
  checkedAt: number;
  problem?: ReceivingProblem;
}

/**
 * Receiving set up by the app (docs/X.md): registers the profile's webhook at X or reuses one of
 * ours that X already has (X allows few per app, so profiles of one X app share one), lets X run
 * its CRC check and waits for it, subscribes the account, and records what came out. Unsubscribes
 * when the profile stops receiving by webhook. Never deletes a webhook: another profile, or another
 * installation, may still use it.
 */
@Injectable()
export class ProfileReceivingService {
  private readonly logger = new Logger(ProfileReceivingService.name);
  /** One setup at a time per X app on this instance: a double click or two profiles of one app must not race at X. */
  private readonly perApp = new Map<string, Promise<unknown>>();

  constructor(
    @InjectRepository(ProfileWebhook) private readonly states: Repository<ProfileWebhook>,
    private readonly credentials: ProfileCredentialsService,
    private readonly x: XAccountActivityClient,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  webhookUrl(profileId: number): string {
    return `${this.config.baseUrl}${WEBHOOK_PATH_PREFIX}${profileId}`;
  }

  /** Why X would not reach BASE_URL (catalog keys); empty when it looks like a public https address. */
  baseUrlWarnings(): string[] {
    return baseUrlProblems(this.config.baseUrl);
  }

  state(profileId: number): Promise<ProfileWebhook | null> {
    return this.states.findOneBy({ profileId });
  }

  statesOf(profileIds: number[]): Promise<ProfileWebhook[]> {
    return profileIds.length === 0 ? Promise.resolve([]) : this.states.createQueryBuilder('w').where('w.profile_id IN (:...ids)', { ids: profileIds }).getMany();
  }

  /**
   * Registers or reuses the webhook, has X check it (CRC) and subscribes the account. Never throws
   * for what X says: the outcome, good or bad, is recorded and returned.
   */
  async connect(profile: SocialMediaProfile): Promise<ReceivingCheck> {
    const keys = this.credentials.credentialsOf(profile);
    const previous = await this.state(profile.id);
    const check: ReceivingCheck = {
      webhookId: previous?.webhookId ?? null,
      url: previous?.url ?? null,
      valid: previous?.valid ?? null,
      subscribed: previous?.subscribed ?? null,
      checkedAt: this.clock.now(),
    };
    if (!keys || !profile.accountId) return this.record(profile.id, { ...check, problem: { key: 'profiles.error.keysMissing', params: {} } });
    const consumer = { consumerKey: keys.consumerKey, consumerSecret: keys.consumerSecret };
    return this.oneAtATime(keys.consumerKey, async () => {
      try {
        const webhook = await this.webhookFor(profile.id, consumer);
        Object.assign(check, { webhookId: webhook.id, url: webhook.url, valid: webhook.valid });
        check.subscribed = (await this.x.isSubscribed(keys, webhook.id)) || (await this.x.subscribe(keys, webhook.id));
        if (!webhook.valid) check.problem = { key: 'receiving.problem.invalid', params: { url: webhook.url } };
      } catch (error) {
        check.problem = await this.problemOf(error, profile.id, consumer);
      }
      return this.record(profile.id, check);
    });
  }

  private oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.perApp.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.perApp.set(key, settled);
    void settled.then(() => {
      if (this.perApp.get(key) === settled) this.perApp.delete(key);
    });
    return next;
  }

  /** Stops X sending the account's events (profile set invalid, or switched to polling). Records what happened. */
  async disconnect(profile: SocialMediaProfile): Promise<ReceivingCheck | undefined> {
    const previous = await this.state(profile.id);
    if (!previous?.webhookId || previous.subscribed === false) return undefined;
    const keys = this.credentials.credentialsOf(profile);
    const check: ReceivingCheck = { webhookId: previous.webhookId, url: previous.url, valid: previous.valid, subscribed: previous.subscribed, checkedAt: this.clock.now() };
    if (!keys || !profile.accountId) return this.record(profile.id, { ...check, problem: { key: 'profiles.error.keysMissing', params: {} } });
    try {
      await this.x.unsubscribe({ consumerKey: keys.consumerKey, consumerSecret: keys.consumerSecret }, previous.webhookId, profile.accountId);
      check.subscribed = false;
    } catch (error) {
      check.problem = await this.problemOf(error, profile.id, { consumerKey: keys.consumerKey, consumerSecret: keys.consumerSecret });
    }
    return this.record(profile.id, check);
  }

  /**
   * This profile's registration, else one of ours X already has for the app (another profile's URL
   * on this instance), else a new one. An existing one is checked again by X (PUT) before use.
   */
  private async webhookFor(profileId: number, consumer: XConsumerCredentials): Promise<XWebhook> {
    const own = this.webhookUrl(profileId);
    const existing = pickOurs(await this.x.listWebhooks(consumer), own, this.config.baseUrl);
    if (existing) return this.revalidated(consumer, existing);
    try {
      return await this.x.createWebhook(consumer, own);
    } catch (error) {
      // A double click, another instance or another profile of the app registered one a moment
      // ago (X then refuses the same URL, or a second one beyond its limit): use that one.
      const raceable = error instanceof XWebhookRejectedError && (error.rejection === 'DuplicateUrlFailed' || error.rejection === 'WebhookLimitExceeded');
      if (!raceable) throw error;
      const raced = pickOurs(await this.x.listWebhooks(consumer), own, this.config.baseUrl);
      if (!raced) throw error;
      return raced;
    }
  }

  /** PUT makes X run its CRC now; the list then says whether it passed. */
  private async revalidated(consumer: XConsumerCredentials, webhook: XWebhook): Promise<XWebhook> {
    await this.x.revalidateWebhook(consumer, webhook.id);
    return (await this.x.listWebhooks(consumer)).find((candidate) => candidate.id === webhook.id) ?? webhook;
  }

  private async problemOf(error: unknown, profileId: number, consumer: XConsumerCredentials): Promise<ReceivingProblem> {
    if (!(error instanceof XApiError)) throw error;
    this.logger.warn(`webhook setup of profile ${profileId} failed: ${error.message}`);
    const url = this.webhookUrl(profileId);
    const detail = error.detail ?? error.message;
    switch (error.code) {
      case 'not-enrolled':
        return { key: 'receiving.problem.notEnrolled', params: { detail } };
      case 'webhook-crc-failed':
        return { key: 'receiving.problem.crcFailed', params: { url, detail } };
      case 'webhook-url-invalid':
        return { key: 'receiving.problem.urlInvalid', params: { url, detail } };
      case 'webhook-duplicate-url':
        return { key: 'receiving.problem.duplicateUrl', params: { url, detail } };
      case 'webhook-limit-exceeded':
        return { key: 'receiving.problem.limitExceeded', params: { urls: await this.registeredUrls(consumer) } };
      default: {
        const known = xErrorAsDomainException(error);
        return { key: known.messageKey, params: known.params };
      }
    }
  }

  /** The URLs X has registered for the app, for the admin to see which one to remove. */
  private async registeredUrls(consumer: XConsumerCredentials): Promise<string> {
    try {
      return (await this.x.listWebhooks(consumer)).map((webhook) => webhook.url).join(', ') || '—';
    } catch {
      return '—';
    }
  }

  private async record(profileId: number, check: ReceivingCheck): Promise<ReceivingCheck> {
    await this.states.upsert(
      {
        profileId,
        webhookId: check.webhookId,
        url: check.url,
        valid: check.valid,
        subscribed: check.subscribed,
        checkedAt: check.checkedAt,
        problemKey: check.problem?.key ?? null,
        problemParams: check.problem ? JSON.stringify(check.problem.params) : null,
        // Named here: an upsert's update takes only the columns given, and the row changed when it was checked.
        changedAt: check.checkedAt,
      },
      ['profileId'],
    );
    return check;
  }
}

/** Our own URL first; else a webhook of this instance (same base, a profile's path) that profiles of the app can share. */
export function pickOurs(webhooks: XWebhook[], own: string, baseUrl: string): XWebhook | undefined {
  const ours = new RegExp(`^${escapeRegExp(baseUrl + WEBHOOK_PATH_PREFIX)}\\d+$`);
  return webhooks.find((webhook) => webhook.url === own) ?? webhooks.find((webhook) => ours.test(webhook.url));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What X's rules for webhook URLs (public https, no port) say about this base URL, as catalog keys. */
export function baseUrlProblems(baseUrl: string): string[] {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return ['profiles.step1.warnNotUrl'];
  }
  const problems: string[] = [];
  if (url.protocol !== 'https:') problems.push('profiles.step1.warnHttp');
  if (url.port !== '') problems.push('profiles.step1.warnPort');
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLocalHost(host)) problems.push('profiles.step1.warnLocal');
  return problems;
}

function isLocalHost(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  // A name without a dot (an intranet host) is not on the internet either.
  if (!host.includes('.') && isIP(host) === 0) return true;
  if (isIP(host) === 4) {
    const [a, b] = host.split('.').map(Number);
    return a === 127 || a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
  }
  if (isIP(host) === 6) return host === '::1' || host === '::' || /^(fc|fd|fe[89ab])/.test(host);
  return false;
}

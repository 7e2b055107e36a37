import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainException, FormValidationException } from '../common/domain.exception';
import type { FlashMessage } from '../common/flash';
import type { FieldError } from '../common/form-state';
import { fieldErrorsOf } from '../common/validation-pipe';
import { Transactions } from '../database/transactions';
import { QueuesService } from '../queues/queues.service';
import type { AppNameDto } from './dto/app-name.dto';
import type { AccessTokensDto, ConsumerKeysDto } from './dto/credentials.dto';
import type { GeneralDto } from './dto/general.dto';
import type { HashtagRowDto, IncomingSettingsDto } from './dto/incoming-settings.dto';
import { ProfileCredentialsService } from './profile-credentials.service';
import { ProfileReceivingService, receivesByWebhook, type ReceivingCheck } from './profile-receiving.service';
import { locationAfter, profilePath } from './profile-view-model';
import { ProfilesService, wizardFacts } from './profiles.service';
import { SocialMediaProfile } from './social-media-profile.entity';
import { TrackedHashtag } from './tracked-hashtag.entity';
import { firstMissingStep, pageDefinition, type WizardPage } from './wizard-steps';

const HASHTAG = /^[\p{L}\p{N}_]{1,100}$/u;

export type SubmitOutcome =
  /** Show the page again with what was typed (the "Add hashtag" button without JavaScript). */
  { kind: 'redisplay' } | { kind: 'saved'; location: string; flashes: FlashMessage[] };

/**
 * What the wizard pages store, and the one way a page is submitted: check the form and the rules
 * together (every error in one round), save, then follow the pressed button; "Save and finish" and
 * a change of validity or receiving mode also set receiving up at X or stop it.
 * Every page saves on its own, so nothing typed is lost between pages.
 */
@Injectable()
export class ProfileWizardService {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly credentials: ProfileCredentialsService,
    private readonly receiving: ProfileReceivingService,
    private readonly transactions: Transactions,
    private readonly queues: QueuesService,
  ) {}

  async submit(id: number, wizardPage: WizardPage, body: unknown, by: string): Promise<SubmitOutcome> {
    const definition = pageDefinition(wizardPage);
    const action = (body as { action?: unknown } | undefined)?.action;
    if (action === 'add-hashtag' && wizardPage === 6) return { kind: 'redisplay' };

    const form = plainToInstance(definition.dto, body ?? {}, { excludeExtraneousValues: false });
    const formErrors = fieldErrorsOf(await validate(form, { whitelist: true, stopAtFirstError: true }));
    const profile = await this.profiles.get(id);
    const context = { profile, form, by, services: { wizard: this, credentials: this.credentials } };
    const ruleErrors = definition.check ? await definition.check(context) : {};
    const errors = { ...ruleErrors, ...formErrors };
    if (Object.keys(errors).length > 0) throw new FormValidationException(errors);

    const saved = await definition.save(context);
    const finish = form.action === 'finish';
    if (finish) this.assertFinished(saved.profile);
    const flashes: FlashMessage[] = [saved.flash ?? { type: 'success', key: finish ? 'profiles.flash.finished' : 'flash.saved', params: { name: saved.profile.name } }];
    const receiving = await this.receivingAfterSave(profile, saved.profile, finish);
    flashes.push(...receiving.flashes);
    const location = receiving.problem ? profilePath(saved.profile) : locationAfter(saved.profile, wizardPage, form.action);
    return { kind: 'saved', location, flashes };
  }

  saveGeneral(profile: SocialMediaProfile, form: GeneralDto, by: string): Promise<SocialMediaProfile> {
    return this.profiles.updateGeneral(profile.id, form, by);
  }

  markInstructionsRead(profile: SocialMediaProfile, by: string): Promise<SocialMediaProfile> {
    return this.profiles.save(profile, { instructionsRead: true }, by);
  }

  saveAppName(profile: SocialMediaProfile, form: AppNameDto, by: string): Promise<SocialMediaProfile> {
    return this.profiles.save(profile, { appName: form.appName, aaaEnvironment: form.aaaEnvironment ?? '' }, by);
  }

  saveConsumerKeys(profile: SocialMediaProfile, form: ConsumerKeysDto, by: string): Promise<SocialMediaProfile> {
    return this.credentials.saveKeys(profile, { consumerKey: form.consumerKey, consumerSecret: form.consumerSecret }, by);
  }

  saveAccessTokens(profile: SocialMediaProfile, form: AccessTokensDto, by: string): Promise<SocialMediaProfile> {
    return this.credentials.saveKeys(profile, { accessToken: form.accessToken, accessTokenSecret: form.accessTokenSecret }, by);
  }

  /** Step 6's rules, all of them: a valid target queue, a text for the auto-reply, and each hashtag row. */
  async checkIncoming(form: IncomingSettingsDto): Promise<Record<string, FieldError>> {
    const validQueueIds = await this.validQueueIds();
    const errors: Record<string, FieldError> = {};
    if (!validQueueIds.has(Number(form.targetQueueId))) errors.targetQueueId = { key: 'validation.choose' };
    if (form.autoReplyEnabled === true && (form.autoReplyText?.trim() ?? '') === '') errors.autoReplyText = { key: 'profiles.error.autoReplyRequired' };
    Object.assign(errors, hashtagErrors(Array.isArray(form.hashtags) ? form.hashtags : [], validQueueIds));
    return errors;
  }

  /** Call after checkIncoming passed. */
  async saveIncoming(profile: SocialMediaProfile, form: IncomingSettingsDto, by: string): Promise<SocialMediaProfile> {
    const hashtags = normaliseHashtags(form.hashtags ?? []);
    await this.transactions.run(async (manager) => {
      await manager.delete(TrackedHashtag, { profileId: profile.id });
      if (hashtags.length > 0)
        await manager.insert(
          TrackedHashtag,
          hashtags.map((h) => ({ ...h, profileId: profile.id })),
        );
      await manager.update(
        SocialMediaProfile,
        { id: profile.id },
        {
          targetQueueId: form.targetQueueId,
          autoReplyEnabled: form.autoReplyEnabled ?? false,
          autoReplyText: form.autoReplyText?.trim() ?? '',
          mentionsEnabled: form.mentionsEnabled ?? false,
          receivingMode: form.receivingMode ?? profile.receivingMode,
          changedBy: by,
        },
      );
    });
    return this.profiles.get(profile.id);
  }

  /** "Save and finish" is allowed only once every required step is done. */
  assertFinished(profile: SocialMediaProfile): void {
    const missing = firstMissingStep(wizardFacts(profile));
    // Step 1 has nothing to fill in: it is done when its "Next step" is pressed, which the message must say.
    if (missing === 1) throw new DomainException('profiles.error.step1Unconfirmed');
    if (missing !== undefined) throw new DomainException('profiles.error.stepMissing', undefined, { step: missing });
  }

  /**
   * A profile receives by webhook while it is valid, set up and in webhook (or both) mode. Becoming
   * so (or "Save and finish") registers and subscribes; ceasing to be so unsubscribes.
   */
  private async receivingAfterSave(before: SocialMediaProfile, after: SocialMediaProfile, finish: boolean): Promise<{ flashes: FlashMessage[]; problem?: boolean }> {
    const wantedBefore = receivesByWebhook(before);
    const wantedNow = receivesByWebhook(after);
    if (wantedNow && (finish || !wantedBefore)) return this.connected(after, await this.receiving.connect(after));
    if (!wantedNow && wantedBefore) {
      // With the keys X knows the subscription by: a key just changed in step 3 or 4 would not do.
      const check = await this.receiving.disconnect(before);
      if (check?.problem) return { flashes: [{ type: 'error', key: check.problem.key, params: check.problem.params }], problem: true };
      if (check) return { flashes: [{ type: 'info', key: 'receiving.flash.unsubscribed', params: { handle: before.accountHandle ?? '' } }] };
    }
    return { flashes: [] };
  }

  /** "Check again" on the profile page: the same as "Save and finish" does for receiving, when the profile uses a webhook. */
  async checkReceiving(id: number): Promise<FlashMessage[]> {
    const profile = await this.profiles.get(id);
    if (!receivesByWebhook(profile)) return [{ type: 'error', key: 'receiving.error.notWebhookMode' }];
    return this.connected(profile, await this.receiving.connect(profile)).flashes;
  }

  private connected(profile: SocialMediaProfile, check: ReceivingCheck): { flashes: FlashMessage[]; problem?: boolean } {
    if (check.problem) return { flashes: [{ type: 'error', key: check.problem.key, params: check.problem.params }], problem: true };
    return {
      flashes: [
        {
          type: 'info',
          key: 'receiving.flash.connected',
          params: { webhookId: check.webhookId ?? '', url: check.url ?? '', handle: profile.accountHandle ?? '', checkedAt: utc(check.checkedAt) },
        },
      ],
    };
  }

  private async validQueueIds(): Promise<Set<number>> {
    return new Set((await this.queues.listValid()).map((queue) => queue.id));
  }
}

/** Empty rows are skipped; each hashtag needs a valid queue and may appear once (case-insensitively). */
function hashtagErrors(rows: HashtagRowDto[], validQueueIds: Set<number>): Record<string, FieldError> {
  const errors: Record<string, FieldError> = {};
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const hashtag = hashtagOf(row);
    const queueId = queueIdOf(row);
    if (hashtag === '' && queueId === undefined) return;
    if (!HASHTAG.test(hashtag)) errors[`hashtags.${index}.hashtag`] = { key: 'profiles.error.hashtagShape' };
    else if (seen.has(hashtag)) errors[`hashtags.${index}.hashtag`] = { key: 'profiles.error.hashtagTwice', params: { hashtag } };
    seen.add(hashtag);
    if (queueId === undefined || !validQueueIds.has(queueId)) errors[`hashtags.${index}.queueId`] = { key: 'validation.choose' };
  });
  return errors;
}

function normaliseHashtags(rows: HashtagRowDto[]): { hashtag: string; queueId: number }[] {
  return rows.map((row) => ({ hashtag: hashtagOf(row), queueId: queueIdOf(row) })).filter((row): row is { hashtag: string; queueId: number } => row.hashtag !== '' && row.queueId !== undefined);
}

function hashtagOf(row: HashtagRowDto | undefined): string {
  return (typeof row?.hashtag === 'string' ? row.hashtag : '').trim().replace(/^#/, '').toLowerCase();
}

/** An empty select arrives as '' and may have been converted to 0 on the way. */
function queueIdOf(row: HashtagRowDto | undefined): number | undefined {
  return row?.queueId ? Number(row.queueId) : undefined;
}

function utc(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

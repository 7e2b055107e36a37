import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Transactions } from '../database/transactions';
import { DomainException } from '../common/domain.exception';
import { Queue } from '../queues/queue.entity';
import type { AppNameDto } from './dto/app-name.dto';
import type { AccessTokensDto, ConsumerKeysDto } from './dto/credentials.dto';
import type { HashtagRowDto, IncomingSettingsDto } from './dto/incoming-settings.dto';
import { ProfileCredentialsService } from './profile-credentials.service';
import { ProfilesService, wizardFacts } from './profiles.service';
import { SocialMediaProfile } from './social-media-profile.entity';
import { TrackedHashtag } from './tracked-hashtag.entity';
import { firstMissingStep } from './wizard-steps';

const HASHTAG = /^[\p{L}\p{N}_]{1,100}$/u;

/** What each wizard step stores. Every step saves on its own, so nothing typed is lost between steps. */
@Injectable()
export class ProfileWizardService {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly credentials: ProfileCredentialsService,
    private readonly transactions: Transactions,
    @InjectRepository(Queue) private readonly queues: Repository<Queue>,
  ) {}

  markInstructionsRead(profile: SocialMediaProfile, by: string): Promise<SocialMediaProfile> {
    return this.profiles.save(profile, { instructionsRead: true }, by);
  }

  saveAppName(profile: SocialMediaProfile, form: AppNameDto, by: string): Promise<SocialMediaProfile> {
    return this.profiles.save(profile, { appName: form.appName, aaaEnvironment: form.aaaEnvironment ?? '' }, by);
  }

  saveConsumerKeys(profile: SocialMediaProfile, form: ConsumerKeysDto, by: string): Promise<SocialMediaProfile> {
    if (!form.consumerSecret && !profile.consumerSecretEncrypted) throw new DomainException('validation.required', 'consumerSecret');
    return this.credentials.saveKeys(profile, { consumerKey: form.consumerKey, consumerSecret: form.consumerSecret }, by);
  }

  saveAccessTokens(profile: SocialMediaProfile, form: AccessTokensDto, by: string): Promise<SocialMediaProfile> {
    if (!form.accessTokenSecret && !profile.accessTokenSecretEncrypted) throw new DomainException('validation.required', 'accessTokenSecret');
    return this.credentials.saveKeys(profile, { accessToken: form.accessToken, accessTokenSecret: form.accessTokenSecret }, by);
  }

  async saveIncoming(profile: SocialMediaProfile, form: IncomingSettingsDto, by: string): Promise<SocialMediaProfile> {
    const validQueueIds = new Set((await this.queues.find({ where: { validity: 'valid' }, select: { id: true } })).map((q) => q.id));
    if (!validQueueIds.has(form.targetQueueId)) throw new DomainException('validation.choose', 'targetQueueId');
    const autoReplyText = form.autoReplyText?.trim() ?? '';
    if (form.autoReplyEnabled && autoReplyText === '') throw new DomainException('profiles.error.autoReplyRequired', 'autoReplyText');
    const hashtags = normaliseHashtags(form.hashtags ?? [], validQueueIds);

    await this.transactions.run(async (manager) => {
      await manager.delete(TrackedHashtag, { profileId: profile.id });
      if (hashtags.length > 0) await manager.insert(TrackedHashtag, hashtags.map((h) => ({ ...h, profileId: profile.id })));
      await manager.update(SocialMediaProfile, { id: profile.id }, {
        targetQueueId: form.targetQueueId,
        autoReplyEnabled: form.autoReplyEnabled ?? false,
        autoReplyText,
        mentionsEnabled: form.mentionsEnabled ?? false,
        changedBy: by,
      });
    });
    return this.profiles.get(profile.id);
  }

  /** "Save and finish" is allowed only once every required step is done. */
  assertFinished(profile: SocialMediaProfile): void {
    const missing = firstMissingStep(wizardFacts(profile));
    if (missing !== undefined) throw new DomainException('profiles.error.stepMissing', undefined, { step: missing });
  }
}

/** Empty rows are skipped; each hashtag needs a valid queue and may appear once (case-insensitively). */
function normaliseHashtags(rows: HashtagRowDto[], validQueueIds: Set<number>): { hashtag: string; queueId: number }[] {
  const seen = new Set<string>();
  const result: { hashtag: string; queueId: number }[] = [];
  rows.forEach((row, index) => {
    const hashtag = (row.hashtag ?? '').replace(/^#/, '').toLowerCase();
    // An empty select arrives as '' and may have been converted to 0 on the way.
    const queueId = row.queueId ? row.queueId : undefined;
    if (hashtag === '' && queueId === undefined) return;
    if (!HASHTAG.test(hashtag)) throw new DomainException('profiles.error.hashtagShape', `hashtags.${index}.hashtag`);
    if (seen.has(hashtag)) throw new DomainException('profiles.error.hashtagTwice', `hashtags.${index}.hashtag`, { hashtag });
    if (queueId === undefined || !validQueueIds.has(queueId)) throw new DomainException('validation.choose', `hashtags.${index}.queueId`);
    seen.add(hashtag);
    result.push({ hashtag, queueId });
  });
  return result;
}

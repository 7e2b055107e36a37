import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainException, RecordNotFoundException } from '../common/domain.exception';
import { SecretsCipher } from '../common/secrets-cipher';
import type { GeneralDto } from './dto/general.dto';
import { SocialMediaProfile, type ReceivingMode, type UnreadableSecret } from './social-media-profile.entity';
import { firstMissingStep, type WizardFacts } from './wizard-steps';

export interface ProfileListRow {
  id: number;
  type: string;
  name: string;
  description: string;
  accountHandle: string | null;
  targetQueue: string | null;
  validity: string;
  setupComplete: boolean;
  /** X answered 401 to a send: the admin must verify the credentials again. */
  needsReauthorisation: boolean;
  receivingMode: ReceivingMode;
  changedAt: Date;
  changedBy: string;
}

/** Profiles as records: list, read, the General box and validity. Never deletes. */
@Injectable()
export class ProfilesService {
  constructor(
    @InjectRepository(SocialMediaProfile) private readonly profiles: Repository<SocialMediaProfile>,
    private readonly cipher: SecretsCipher,
  ) {}

  /** Overview rows, optionally narrowed to profiles whose name, description or @handle contains `filter`. */
  async list(filter?: string): Promise<ProfileListRow[]> {
    const all = (await this.profiles.find({ relations: { targetQueue: true }, order: { name: 'ASC' } })).map((p) => this.withReadableSecrets(p));
    const term = filter?.trim().toLowerCase();
    return all
      .filter((p) => !term || [p.name, p.description, p.accountHandle ?? ''].some((text) => text.toLowerCase().includes(term)))
      .map((p) => ({
        id: p.id,
        type: p.type,
        name: p.name,
        description: p.description,
        accountHandle: p.accountHandle,
        targetQueue: p.targetQueue?.name ?? null,
        validity: p.validity,
        setupComplete: firstMissingStep(wizardFacts(p)) === undefined,
        needsReauthorisation: p.needsReauthorisation,
        receivingMode: p.receivingMode,
        changedAt: p.changedAt,
        changedBy: p.changedBy,
      }));
  }

  /** The profiles with these ids (with their hashtags), in no particular order; unknown ids are left out. */
  byIds(ids: number[]): Promise<SocialMediaProfile[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.profiles.find({ where: { id: In(ids) }, relations: { hashtags: true } });
  }

  async get(id: number): Promise<SocialMediaProfile> {
    const profile = await this.profiles.findOne({ where: { id }, relations: { hashtags: true } });
    if (!profile) throw new RecordNotFoundException('profiles.error.notFound');
    return this.withReadableSecrets(profile);
  }

  async create(form: GeneralDto, by: string): Promise<SocialMediaProfile> {
    await this.assertNameFree(form.name);
    const created = await this.profiles.save(
      this.profiles.create({ type: 'twitter', name: form.name, description: form.description ?? '', validity: 'valid', receivingMode: 'webhook', createdBy: by, changedBy: by }),
    );
    return this.get(created.id);
  }

  async updateGeneral(id: number, form: GeneralDto, by: string): Promise<SocialMediaProfile> {
    const profile = await this.get(id);
    await this.assertNameFree(form.name, id);
    return this.save(profile, { name: form.name, description: form.description ?? '', validity: form.validity ?? profile.validity }, by);
  }

  /**
   * Writes changes with who made them; the one way the wizard's services store a profile.
   * An UPDATE of the columns, not save(): save() would also try to sync the loaded hashtag relation.
   */
  async save(profile: SocialMediaProfile, changes: Partial<SocialMediaProfile>, by: string): Promise<SocialMediaProfile> {
    await this.profiles.update({ id: profile.id }, { ...changes, changedBy: by });
    return this.get(profile.id);
  }

  /**
   * A secret this instance cannot decrypt (SECRETS_KEY was replaced) counts as not stored, so every
   * step and check asks for it again instead of failing on it (docs/SECURITY.md, "Keys").
   */
  private withReadableSecrets(profile: SocialMediaProfile): SocialMediaProfile {
    const unreadable: UnreadableSecret[] = [];
    if (profile.consumerSecretEncrypted && this.cipher.tryDecrypt(profile.consumerSecretEncrypted) === undefined) {
      profile.consumerSecretEncrypted = null;
      unreadable.push('consumerSecret');
    }
    if (profile.accessTokenSecretEncrypted && this.cipher.tryDecrypt(profile.accessTokenSecretEncrypted) === undefined) {
      profile.accessTokenSecretEncrypted = null;
      unreadable.push('accessTokenSecret');
    }
    profile.unreadableSecrets = unreadable;
    return profile;
  }

  private async assertNameFree(name: string, exceptId?: number): Promise<void> {
    const existing = await this.profiles.createQueryBuilder('p').where('LOWER(p.name) = LOWER(:name)', { name }).getOne();
    if (existing && existing.id !== exceptId) throw new DomainException('profiles.error.nameTaken', 'name', { name });
  }
}

export function wizardFacts(p: SocialMediaProfile): WizardFacts {
  return {
    instructionsRead: p.instructionsRead,
    appName: p.appName,
    consumerKey: p.consumerKey,
    hasConsumerSecret: !!p.consumerSecretEncrypted,
    accessToken: p.accessToken,
    hasAccessTokenSecret: !!p.accessTokenSecretEncrypted,
    verifiedAt: p.verifiedAt,
    targetQueueId: p.targetQueueId,
  };
}

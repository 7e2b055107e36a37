import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Not, Repository } from 'typeorm';
import { DomainException, RecordNotFoundException } from '../common/domain.exception';
import { ADMIN_LIST_PAGE_SIZE, type ListPage, type ListQuery } from '../common/list-query';
import { SecretsCipher } from '../common/secrets-cipher';
import { whereContains } from '../database/contains-filter';
import { pageOf } from '../database/paged-query';
import { isUniqueViolation } from '../database/unique-violation';
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
  /** Epoch ms. */
  changedAt: number;
  changedBy: string;
}

const ACCOUNT_HELD = 'profiles.error.accountHeld';

/** Profiles as records: list, read, the General box and validity. Never deletes. */
@Injectable()
export class ProfilesService {
  constructor(
    @InjectRepository(SocialMediaProfile) private readonly profiles: Repository<SocialMediaProfile>,
    private readonly cipher: SecretsCipher,
  ) {}

  /** Overview rows of every profile, by name. */
  async list(): Promise<ProfileListRow[]> {
    return (await this.profiles.find({ relations: { targetQueue: true }, order: { name: 'ASC' } })).map((p) => this.listRow(p));
  }

  /** One page of the admin list: profiles whose name, description, @handle or target queue contains the filter (in SQL, any case). */
  async listPage(query: ListQuery): Promise<ListPage<ProfileListRow>> {
    const profiles = this.profiles.createQueryBuilder('p').leftJoinAndSelect('p.targetQueue', 'q').orderBy('p.name', 'ASC');
    const { rows, total, window } = await pageOf(whereContains(profiles, ['p.name', 'p.description', 'p.accountHandle', 'q.name'], query.filter), query.page, ADMIN_LIST_PAGE_SIZE);
    return { rows: rows.map((p) => this.listRow(p)), total, window };
  }

  private listRow(stored: SocialMediaProfile): ProfileListRow {
    const p = this.withReadableSecrets(stored);
    return {
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
    };
  }

  /** Every profile as stored (secrets still encrypted, hashtags not loaded), by name. */
  all(): Promise<SocialMediaProfile[]> {
    return this.profiles.find({ order: { name: 'ASC' } });
  }

  /** Id and name of every profile, by name (filters and choices). */
  names(): Promise<Pick<SocialMediaProfile, 'id' | 'name'>[]> {
    return this.profiles.find({ select: { id: true, name: true }, order: { name: 'ASC' } });
  }

  /** Ids of the valid profiles (whether they may take part is `ProfileParticipation`'s question). */
  async validIds(): Promise<number[]> {
    return (await this.profiles.find({ where: { validity: 'valid' }, select: { id: true } })).map((p) => p.id);
  }

  /** Ids of the valid profiles of this X account connected through this app (consumer key). */
  async validIdsOfAccount(accountId: string, consumerKey: string): Promise<number[]> {
    return (await this.profiles.find({ where: { accountId, consumerKey, validity: 'valid' }, select: { id: true } })).map((p) => p.id);
  }

  /** One profile as stored (secrets still encrypted, hashtags not loaded), or null: what the delivery worker sends through. */
  stored(id: number): Promise<SocialMediaProfile | null> {
    return this.profiles.findOneBy({ id });
  }

  /**
   * X answered 401 to a send: the profile needs re-authorisation until its credentials are verified
   * again (`ProfileCredentialsService.verify` clears the flag). Who changed it stays the last admin.
   */
  async flagNeedsReauthorisation(id: number): Promise<void> {
    await this.profiles.update({ id }, { needsReauthorisation: true });
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
    try {
      return await this.save(profile, { name: form.name, description: form.description ?? '', validity: form.validity ?? profile.validity }, by);
    } catch (err) {
      // Made valid again while another valid profile holds its account: the validity is what to change.
      if (err instanceof DomainException && err.messageKey === ACCOUNT_HELD) throw new DomainException(err.messageKey, 'validity', err.params);
      throw err;
    }
  }

  /**
   * Writes changes with who made them; the one way the wizard's services store a profile.
   * An UPDATE of the columns, not save(): save() would also try to sync the loaded hashtag relation.
   *
   * One X account, one profile: a valid profile with a verified account holds it
   * (`held_account_id`, unique), an invalid one frees it. A change that would make this profile
   * hold an account another valid profile holds is refused, naming that profile.
   */
  async save(profile: SocialMediaProfile, changes: Partial<SocialMediaProfile>, by: string): Promise<SocialMediaProfile> {
    const next = { ...profile, ...changes };
    const heldAccountId = next.validity === 'valid' && next.accountId ? next.accountId : null;
    if (heldAccountId && heldAccountId !== profile.heldAccountId) await this.assertAccountFree(profile, heldAccountId, next.accountHandle);
    try {
      await this.profiles.update({ id: profile.id }, { ...changes, heldAccountId, changedBy: by });
    } catch (err) {
      // Another admin made a profile hold the account since we looked: the index decides.
      if (heldAccountId && isUniqueViolation(err)) await this.assertAccountFree(profile, heldAccountId, next.accountHandle);
      throw err;
    }
    return this.get(profile.id);
  }

  /** Refuses when another valid profile holds the X account (before "Sign in with X" stores new tokens, too). */
  async assertAccountFree(profile: Pick<SocialMediaProfile, 'id' | 'type'>, accountId: string, handle: string | null): Promise<void> {
    const holder = await this.profiles.findOne({ where: { type: profile.type, heldAccountId: accountId, id: Not(profile.id) }, select: { id: true, name: true, accountHandle: true } });
    if (holder) throw new DomainException(ACCOUNT_HELD, undefined, { name: holder.name, handle: handle ?? holder.accountHandle ?? accountId });
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

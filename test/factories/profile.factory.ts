import { SecretsCipher } from '../../src/common/secrets-cipher';
import { SocialMediaProfile } from '../../src/social-media-profiles/social-media-profile.entity';
import { TrackedHashtag } from '../../src/social-media-profiles/tracked-hashtag.entity';
import type { TestApp } from '../utils/create-test-app';

export interface ReadyProfileOptions {
  name?: string;
  accountId?: string;
  accountHandle?: string;
  consumerKey?: string;
  consumerSecret?: string;
  accessToken?: string;
  accessTokenSecret?: string;
  targetQueueId: number;
  autoReplyText?: string;
  mentionsEnabled?: boolean;
  hashtags?: { hashtag: string; queueId: number }[];
}

/**
 * A profile that went through all six wizard steps, stored as the wizard stores it. It holds its X
 * account unless another valid profile does already; then it is what a database from before
 * "one X account, one profile" may still hold: a valid profile that does not hold its account.
 */
export async function createReadyProfile(t: TestApp, o: ReadyProfileOptions): Promise<SocialMediaProfile> {
  const cipher = t.app.get(SecretsCipher);
  const repo = t.dataSource.getRepository(SocialMediaProfile);
  const accountId = o.accountId ?? '1790000000000000042';
  const held = await repo.exists({ where: { type: 'twitter', heldAccountId: accountId } });
  const profile = await repo.save(
    repo.create({
      type: 'twitter',
      name: o.name ?? 'AcmeSupport',
      description: '',
      instructionsRead: true,
      appName: 'Helpdesk App',
      consumerKey: o.consumerKey ?? 'xvz1evFS4wEEPTGEFPHBog',
      consumerSecretEncrypted: cipher.encrypt(o.consumerSecret ?? 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw'),
      accessToken: o.accessToken ?? '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb',
      accessTokenSecretEncrypted: cipher.encrypt(o.accessTokenSecret ?? 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE'),
      accountId,
      heldAccountId: held ? null : accountId,
      accountHandle: o.accountHandle ?? 'acme_support',
      accountName: 'ACME Support',
      verifiedAt: String(Date.now()),
      targetQueueId: o.targetQueueId,
      autoReplyEnabled: !!o.autoReplyText,
      autoReplyText: o.autoReplyText ?? '',
      mentionsEnabled: o.mentionsEnabled ?? true,
      validity: 'valid',
      createdBy: 'test',
      changedBy: 'test',
    }),
  );
  for (const h of o.hashtags ?? []) await t.dataSource.getRepository(TrackedHashtag).insert({ profileId: profile.id, ...h });
  return profile;
}

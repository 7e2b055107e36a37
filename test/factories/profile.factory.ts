import { SecretsCipher } from '../../src/common/secrets-cipher';
import { SocialMediaProfile } from '../../src/social-media-profiles/social-media-profile.entity';
import { TrackedHashtag } from '../../src/social-media-profiles/tracked-hashtag.entity';
import type TestAgent from 'supertest/lib/agent';
import type { TestApp } from '../utils/create-test-app';
import { csrfTokenOf } from '../utils/http';

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
      verifiedAt: Date.now(),
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

export interface WizardProfileOptions {
  name: string;
  /** The X app's and account's keys, as registered with the fake X (registerXAccount). */
  keys: { consumerKey: string; consumerSecret: string; accessToken: string; accessTokenSecret: string };
  targetQueueId: number;
  receivingMode?: 'webhook' | 'polling' | 'both';
  /** Only the general step: a profile whose setup is incomplete. */
  stopAfterGeneral?: boolean;
}

/**
 * A profile set up as an administrator does it, over HTTP with a logged-in client: the general step,
 * steps 1–5 with a real credential check at the fake X, and step 6's "Save and finish" (which
 * registers and subscribes the webhook in webhook mode). Returns the profile's id.
 */
export async function setUpProfileThroughWizard(admin: TestAgent, o: WizardProfileOptions): Promise<number> {
  const post = async (path: string, fields: Record<string, string>) => {
    const form = await admin.get(path).expect(200);
    const res = await admin
      .post(path)
      .type('form')
      .send({ _csrf: csrfTokenOf(form.text), ...fields });
    if (res.status !== 303) throw new Error(`wizard ${path}: expected a redirect, got ${res.status}`);
    return res.headers.location;
  };
  const created = await post('/admin/social-media-profiles/twitter/new', { name: o.name });
  const id = Number(/\/twitter\/(\d+)\/step\/1$/.exec(created)![1]);
  if (o.stopAfterGeneral) return id;
  const step = `/admin/social-media-profiles/twitter/${id}/step`;
  await post(`${step}/1`, { action: 'next' });
  await post(`${step}/2`, { appName: 'Helpdesk App', action: 'next' });
  await post(`${step}/3`, { consumerKey: o.keys.consumerKey, consumerSecret: o.keys.consumerSecret, action: 'next' });
  await post(`${step}/4`, { accessToken: o.keys.accessToken, accessTokenSecret: o.keys.accessTokenSecret, action: 'next' });
  await post(`${step}/5`, { verify: '1' });
  const finished = await post(`${step}/6`, { receivingMode: o.receivingMode ?? 'webhook', targetQueueId: String(o.targetQueueId), mentionsEnabled: '1', action: 'finish' });
  if (finished !== '/admin/social-media-profiles') throw new Error(`wizard step 6 did not finish: ${finished}`);
  return id;
}

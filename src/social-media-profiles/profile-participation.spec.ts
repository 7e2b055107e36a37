import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { SecretsCipher } from '../common/secrets-cipher';
import { ProfileCredentialsService } from './profile-credentials.service';
import { PARTICIPATION_BLOCKERS, participationOf, ProfileParticipation, type TrafficDirection } from './profile-participation';
import type { SocialMediaProfile } from './social-media-profile.entity';

const ACCOUNT = '1790000000000000042';
const KEYS = { consumerKey: 'ck', consumerSecret: 'cs', accessToken: 'at', accessTokenSecret: 'ats' };

/** A profile through all six wizard steps, holding its account: it may receive and send. */
function ready(changes: Partial<SocialMediaProfile> = {}): SocialMediaProfile {
  return {
    id: 1,
    name: 'Acme',
    validity: 'valid',
    instructionsRead: true,
    appName: 'Helpdesk App',
    consumerKey: 'ck',
    consumerSecretEncrypted: 'stored',
    accessToken: 'at',
    accessTokenSecretEncrypted: 'stored',
    verifiedAt: 1764000000000,
    accountId: ACCOUNT,
    heldAccountId: ACCOUNT,
    targetQueueId: 3,
    needsReauthorisation: false,
    ...changes,
  } as SocialMediaProfile;
}

const both: TrafficDirection[] = ['receive', 'send'];

describe('may this profile take part (participationOf)', () => {
  it.each(both)('lets a valid, set-up profile that holds its account and whose keys are readable %s, with its keys', (direction) => {
    expect(participationOf(ready(), direction, KEYS)).toEqual({ ok: true, credentials: KEYS });
  });

  it.each(both)('refuses an invalid profile (%s)', (direction) => {
    expect(participationOf(ready({ validity: 'invalid' }), direction, KEYS)).toEqual({ ok: false, blocker: 'notValid' });
    expect(participationOf(ready({ validity: 'invalid-temporarily' }), direction, KEYS)).toEqual({ ok: false, blocker: 'notValid' });
  });

  it.each([
    ['step 1 not read', { instructionsRead: false }],
    ['no app name', { appName: '' }],
    ['no consumer key', { consumerKey: '' }],
    ['no consumer secret', { consumerSecretEncrypted: null }],
    ['no access token', { accessToken: '' }],
    ['no access token secret', { accessTokenSecretEncrypted: null }],
    ['not verified', { verifiedAt: null }],
    ['no target queue', { targetQueueId: null }],
    ['verified without an account', { accountId: null, heldAccountId: null }],
  ] as const)('refuses a profile not fully set up: %s', (_, changes) => {
    for (const direction of both) expect(participationOf(ready(changes), direction, KEYS)).toEqual({ ok: false, blocker: 'notSetUp' });
  });

  it.each(both)('refuses a valid profile that does not hold its X account (%s): one X account, one profile', (direction) => {
    expect(participationOf(ready({ heldAccountId: null }), direction, KEYS)).toEqual({ ok: false, blocker: 'accountHeldElsewhere' });
    expect(participationOf(ready({ heldAccountId: '1790000000000000999' }), direction, KEYS)).toEqual({ ok: false, blocker: 'accountHeldElsewhere' });
  });

  it.each(both)('refuses a profile whose stored keys this instance cannot read (%s)', (direction) => {
    expect(participationOf(ready(), direction, undefined)).toEqual({ ok: false, blocker: 'keysUnreadable' });
  });

  it('refuses to send, but still receives, while the profile needs re-authorisation', () => {
    expect(participationOf(ready({ needsReauthorisation: true }), 'send', KEYS)).toEqual({ ok: false, blocker: 'needsReauthorisation' });
    expect(participationOf(ready({ needsReauthorisation: true }), 'receive', KEYS)).toEqual({ ok: true, credentials: KEYS });
  });

  it('names the first reason in the documented order when several apply', () => {
    const everythingWrong = ready({ validity: 'invalid', verifiedAt: null, heldAccountId: null, needsReauthorisation: true });
    expect(participationOf(everythingWrong, 'send', undefined)).toEqual({ ok: false, blocker: 'notValid' });
    expect(participationOf(ready({ verifiedAt: null, heldAccountId: null }), 'send', undefined)).toEqual({ ok: false, blocker: 'notSetUp' });
    expect(participationOf(ready({ heldAccountId: null, needsReauthorisation: true }), 'send', undefined)).toEqual({ ok: false, blocker: 'accountHeldElsewhere' });
    expect(participationOf(ready({ needsReauthorisation: true }), 'send', undefined)).toEqual({ ok: false, blocker: 'keysUnreadable' });
  });

  it('differs between receiving and sending only in the re-authorisation flag, for any profile', () => {
    const profiles = fc.record({
      validity: fc.constantFrom('valid', 'invalid', 'invalid-temporarily'),
      instructionsRead: fc.boolean(),
      appName: fc.constantFrom('', 'App'),
      consumerSecretEncrypted: fc.constantFrom(null, 'stored'),
      verifiedAt: fc.constantFrom(null, 1),
      accountId: fc.constantFrom(null, ACCOUNT, '17'),
      heldAccountId: fc.constantFrom(null, ACCOUNT, '17'),
      targetQueueId: fc.constantFrom(null, 3),
      needsReauthorisation: fc.boolean(),
    });
    fc.assert(
      fc.property(profiles, fc.boolean(), (changes, readable) => {
        const profile = ready(changes);
        const keys = readable ? KEYS : undefined;
        const receive = participationOf(profile, 'receive', keys);
        const send = participationOf(profile, 'send', keys);
        if (send.ok) expect(receive.ok).toBe(true);
        if (receive.ok && !send.ok) expect(send.blocker).toBe('needsReauthorisation');
        if (!receive.ok) expect(send).toEqual(receive);
        // Every refusal is one of the documented reasons; ok only with keys.
        if (!send.ok) expect(PARTICIPATION_BLOCKERS).toContain(send.blocker);
        else expect(send.credentials).toBe(KEYS);
      }),
    );
  });
});

describe('ProfileParticipation (the rule with the keys decrypted)', () => {
  const key = () => randomBytes(32).toString('hex');
  const cipher = new SecretsCipher({ secretsKey: key(), dataDir: '/nonexistent' });
  const participation = new ProfileParticipation(new ProfileCredentialsService(undefined as never, cipher, undefined as never, undefined as never));
  const stored = (secrets: { consumer: string; token: string }) =>
    ready({ consumerKey: 'ck', accessToken: 'at', consumerSecretEncrypted: secrets.consumer, accessTokenSecretEncrypted: secrets.token });

  it('hands out the decrypted keys of a profile that may take part', () => {
    const profile = stored({ consumer: cipher.encrypt('cs'), token: cipher.encrypt('ats') });
    expect(participation.check(profile, 'send')).toEqual({ ok: true, credentials: KEYS });
    expect(participation.blocker(profile, 'receive')).toBeUndefined();
  });

  it('refuses a profile whose secrets were encrypted with another SECRETS_KEY', () => {
    const other = new SecretsCipher({ secretsKey: key(), dataDir: '/nonexistent' });
    const profile = stored({ consumer: cipher.encrypt('cs'), token: other.encrypt('ats') });
    expect(participation.blocker(profile, 'receive')).toBe('keysUnreadable');
    expect(participation.check(profile, 'send')).toEqual({ ok: false, blocker: 'keysUnreadable' });
  });
});

import { Injectable } from '@nestjs/common';
import { XApiClient, type XCredentials } from '../channels/x/x-api-client';
import { Clock } from '../common/clock';
import { DomainException } from '../common/domain.exception';
import { SecretsCipher } from '../common/secrets-cipher';
import { xErrorAsDomainException } from './x-error-message';
import { ProfilesService } from './profiles.service';
import type { SocialMediaProfile } from './social-media-profile.entity';

/** The profile's keys: stored encrypted, checked against X, or obtained through "Sign in with X". */
@Injectable()
export class ProfileCredentialsService {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly cipher: SecretsCipher,
    private readonly x: XApiClient,
    private readonly clock: Clock,
  ) {}

  /** Stores keys; a changed key or secret drops the verification, since it no longer proves anything. */
  async saveKeys(profile: SocialMediaProfile, keys: { consumerKey?: string; consumerSecret?: string; accessToken?: string; accessTokenSecret?: string }, by: string): Promise<SocialMediaProfile> {
    const changes: Partial<SocialMediaProfile> = {};
    let changed = false;
    if (keys.consumerKey !== undefined && keys.consumerKey !== profile.consumerKey) {
      changes.consumerKey = keys.consumerKey;
      changed = true;
    }
    if (keys.accessToken !== undefined && keys.accessToken !== profile.accessToken) {
      changes.accessToken = keys.accessToken;
      changed = true;
    }
    if (keys.consumerSecret && keys.consumerSecret !== this.reveal(profile.consumerSecretEncrypted)) {
      changes.consumerSecretEncrypted = this.cipher.encrypt(keys.consumerSecret);
      changed = true;
    }
    if (keys.accessTokenSecret && keys.accessTokenSecret !== this.reveal(profile.accessTokenSecretEncrypted)) {
      changes.accessTokenSecretEncrypted = this.cipher.encrypt(keys.accessTokenSecret);
      changed = true;
    }
    if (changed) Object.assign(changes, { accountId: null, accountHandle: null, accountName: null, verifiedAt: null });
    return this.profiles.save(profile, changes, by);
  }

  /** A real signed GET /2/users/me; on success the profile knows its X account. */
  async verify(profile: SocialMediaProfile, by: string): Promise<SocialMediaProfile> {
    const credentials = this.credentialsOf(profile);
    if (!credentials) throw new DomainException('profiles.error.keysMissing');
    try {
      const me = await this.x.getMe(credentials);
      // Working credentials end a "needs re-authorisation" flag set by a 401 on sending.
      return await this.profiles.save(profile, { accountId: me.id, accountHandle: me.username, accountName: me.name, verifiedAt: this.clock.now(), needsReauthorisation: false }, by);
    } catch (err) {
      throw xErrorAsDomainException(err);
    }
  }

  /**
   * Step one of the 3-legged flow: a request token for this instance's callback URL. Its secret is
   * handed out only encrypted (`sealedTokenSecret`): it waits in the session until X calls back, and
   * a session row must not hold it in the clear (docs/SECURITY.md, V3.x / V8).
   */
  async startSignIn(profile: SocialMediaProfile, callbackUrl: string): Promise<{ authorizeUrl: string; token: string; sealedTokenSecret: string }> {
    const consumerSecret = this.reveal(profile.consumerSecretEncrypted);
    if (!profile.consumerKey || !consumerSecret) throw new DomainException('profiles.error.consumerKeysFirst');
    try {
      const requestToken = await this.x.requestToken({ consumerKey: profile.consumerKey, consumerSecret }, callbackUrl);
      if (!requestToken.callbackConfirmed) throw new DomainException('profiles.error.callbackNotConfirmed');
      return { authorizeUrl: this.x.authorizeUrl(requestToken.oauthToken), token: requestToken.oauthToken, sealedTokenSecret: this.cipher.encrypt(requestToken.oauthTokenSecret) };
    } catch (err) {
      throw err instanceof DomainException ? err : xErrorAsDomainException(err);
    }
  }

  /** The callback: trade the verifier for access tokens, store them, and verify them right away. */
  async completeSignIn(profile: SocialMediaProfile, requestToken: string, sealedTokenSecret: string, verifier: string, by: string): Promise<SocialMediaProfile> {
    const consumerSecret = this.reveal(profile.consumerSecretEncrypted);
    if (!profile.consumerKey || !consumerSecret) throw new DomainException('profiles.error.consumerKeysFirst');
    const requestTokenSecret = this.cipher.tryDecrypt(sealedTokenSecret);
    if (requestTokenSecret === undefined) throw new DomainException('profiles.error.signInMismatch');
    let access;
    try {
      access = await this.x.accessToken({ consumerKey: profile.consumerKey, consumerSecret }, requestToken, requestTokenSecret, verifier);
    } catch (err) {
      throw xErrorAsDomainException(err);
    }
    // One X account, one profile: tokens of an account another valid profile holds are not even stored.
    if (profile.validity === 'valid') await this.profiles.assertAccountFree(profile, access.userId, access.screenName);
    const saved = await this.saveKeys(profile, { accessToken: access.accessToken, accessTokenSecret: access.accessTokenSecret }, by);
    return this.verify(saved, by);
  }

  /** All four keys in the clear, for a call to X; undefined when any is missing. */
  credentialsOf(profile: SocialMediaProfile): Required<XCredentials> | undefined {
    const consumerSecret = this.reveal(profile.consumerSecretEncrypted);
    const accessTokenSecret = this.reveal(profile.accessTokenSecretEncrypted);
    if (!profile.consumerKey || !consumerSecret || !profile.accessToken || !accessTokenSecret) return undefined;
    return { consumerKey: profile.consumerKey, consumerSecret, accessToken: profile.accessToken, accessTokenSecret };
  }

  /** The consumer secret alone (all X needs to check and sign a webhook), also of a profile without tokens. */
  revealConsumerSecret(profile: SocialMediaProfile): string | undefined {
    return this.reveal(profile.consumerSecretEncrypted);
  }

  /** Undefined when nothing is stored, or when this SECRETS_KEY cannot decrypt it: then it counts as not stored. */
  private reveal(encrypted: string | null): string | undefined {
    return encrypted ? this.cipher.tryDecrypt(encrypted) : undefined;
  }
}

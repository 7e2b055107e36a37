import { Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request } from 'express';
import { AdminOnly } from '../auth/access.decorators';
import { ActingAgent, type CurrentAgent } from '../auth/current-agent';
import { DomainException } from '../common/domain.exception';
import { RedirectAfterSave, type AfterSave } from '../common/redirect-after-save';
import { ProfileCredentialsService } from './profile-credentials.service';
import { ProfilePagesService, X_CALLBACK_PATH } from './profile-pages.service';
import { profilePath } from './profile-view-model';
import { ProfilesService } from './profiles.service';

declare module 'express-session' {
  interface SessionData {
    /**
     * The request token of a "Sign in with X" under way; the callback must bring the same one back.
     * Its secret only encrypted with SECRETS_KEY (ProfileCredentialsService.startSignIn).
     */
    xSignIn?: { profileId: number; token: string; sealedTokenSecret: string };
  }
}

/** Step 4's alternative: the 3-legged OAuth flow fills in the access token and secret. */
@Controller()
export class SignInWithXController {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly credentials: ProfileCredentialsService,
    private readonly pages: ProfilePagesService,
  ) {}

  @Post('admin/social-media-profiles/twitter/:id/sign-in-with-x')
  @AdminOnly()
  @RedirectAfterSave()
  async start(@Param('id', RecordIdPipe) id: number, @Req() req: Request): Promise<AfterSave> {
    const profile = await this.profiles.get(id);
    const { authorizeUrl, token, sealedTokenSecret } = await this.credentials.startSignIn(profile, this.pages.callbackUrl());
    req.session.xSignIn = { profileId: profile.id, token, sealedTokenSecret };
    return { redirect: authorizeUrl };
  }

  @Get(X_CALLBACK_PATH.slice(1))
  @AdminOnly()
  @RedirectAfterSave()
  async callback(
    @Query('oauth_token') token: string | undefined,
    @Query('oauth_verifier') verifier: string | undefined,
    @Query('denied') denied: string | undefined,
    @ActingAgent() agent: CurrentAgent,
    @Req() req: Request,
  ): Promise<AfterSave> {
    const pending = req.session.xSignIn;
    delete req.session.xSignIn;
    // `sealedTokenSecret` missing: a sign-in started before this version kept its secret in the clear; start again.
    if (!pending?.sealedTokenSecret) throw new DomainException('profiles.error.signInNotStarted');
    const profile = await this.profiles.get(pending.profileId);
    const step4 = profilePath(profile, 4);

    if (denied !== undefined || typeof token !== 'string' || typeof verifier !== 'string') {
      return { redirect: step4, flash: { type: 'error', key: 'profiles.error.signInCancelled' } };
    }
    // Only the request token we issued in this session may complete the flow.
    if (token !== pending.token) {
      return { redirect: step4, flash: { type: 'error', key: 'profiles.error.signInMismatch' } };
    }
    try {
      const verified = await this.credentials.completeSignIn(profile, pending.token, pending.sealedTokenSecret, verifier, agent.login);
      return { redirect: profilePath(profile, 5), flash: { type: 'success', key: 'profiles.flash.signedIn', params: { handle: verified.accountHandle ?? '' } } };
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      return { redirect: step4, flash: { type: 'error', key: err.messageKey, params: err.params } };
    }
  }
}

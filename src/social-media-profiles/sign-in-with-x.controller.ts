import { BadRequestException, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request, Response } from 'express';
import { AdminOnly } from '../auth/access.decorators';
import { Agent, type CurrentAgent } from '../auth/current-agent';
import { DomainException } from '../common/domain.exception';
import { addFlash, redirectAfterSave } from '../common/flash';
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
  async start(@Param('id', RecordIdPipe) id: number, @Req() req: Request, @Res() res: Response): Promise<void> {
    const profile = await this.profiles.get(id);
    const { authorizeUrl, token, sealedTokenSecret } = await this.credentials.startSignIn(profile, this.pages.callbackUrl());
    req.session.xSignIn = { profileId: profile.id, token, sealedTokenSecret };
    await redirectAfterSave(req, res, authorizeUrl);
  }

  @Get(X_CALLBACK_PATH.slice(1))
  @AdminOnly()
  async callback(
    @Query('oauth_token') token: string | undefined,
    @Query('oauth_verifier') verifier: string | undefined,
    @Query('denied') denied: string | undefined,
    @Agent() agent: CurrentAgent,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const pending = req.session.xSignIn;
    delete req.session.xSignIn;
    // `sealedTokenSecret` missing: a sign-in started before this version kept its secret in the clear; start again.
    if (!pending?.sealedTokenSecret) throw new BadRequestException();
    const profile = await this.profiles.get(pending.profileId);
    const step4 = profilePath(profile, 4);

    if (denied !== undefined || typeof token !== 'string' || typeof verifier !== 'string') {
      addFlash(req, { type: 'error', key: 'profiles.error.signInCancelled' });
      return redirectAfterSave(req, res, step4);
    }
    // Only the request token we issued in this session may complete the flow.
    if (token !== pending.token) {
      addFlash(req, { type: 'error', key: 'profiles.error.signInMismatch' });
      return redirectAfterSave(req, res, step4);
    }
    try {
      const verified = await this.credentials.completeSignIn(profile, pending.token, pending.sealedTokenSecret, verifier, agent.login);
      addFlash(req, { type: 'success', key: 'profiles.flash.signedIn', params: { handle: verified.accountHandle ?? '' } });
      await redirectAfterSave(req, res, profilePath(profile, 5));
    } catch (err) {
      if (!(err instanceof DomainException)) throw err;
      addFlash(req, { type: 'error', key: err.messageKey, params: err.params });
      await redirectAfterSave(req, res, step4);
    }
  }
}

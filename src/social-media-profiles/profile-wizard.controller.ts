import { Body, Controller, Get, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request, Response } from 'express';
import { AdminOnly } from '../auth/access.decorators';
import { Agent, type CurrentAgent } from '../auth/current-agent';
import { addFlash, redirectAfterSave } from '../common/flash';
import { RejectedForm, type FormState } from '../common/form-state';
import { AppNameDto } from './dto/app-name.dto';
import { AccessTokensDto, ConsumerKeysDto } from './dto/credentials.dto';
import { IncomingSettingsDto } from './dto/incoming-settings.dto';
import { VerifyStepDto } from './dto/verify-step.dto';
import { WizardActionDto, type WizardAction } from './dto/wizard-action';
import { ProfileCredentialsService } from './profile-credentials.service';
import { ProfilePagesService } from './profile-pages.service';
import { locationAfter } from './profile-view-model';
import { ProfileWizardService } from './profile-wizard.service';
import { ProfilesService } from './profiles.service';
import type { SocialMediaProfile } from './social-media-profile.entity';
import { parseStep, type WizardStep } from './wizard-steps';

/** Steps 1–6 of a Twitter profile; each POST saves its step, then follows the button that was pressed. */
@Controller('admin/social-media-profiles/twitter/:id/step')
export class ProfileWizardController {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly wizard: ProfileWizardService,
    private readonly credentials: ProfileCredentialsService,
    private readonly pages: ProfilePagesService,
  ) {}

  @Get(':step')
  @AdminOnly()
  async show(@Param('id', RecordIdPipe) id: number, @Param('step') stepParam: string, @RejectedForm() rejected: FormState | undefined, @Res() res: Response): Promise<void> {
    const step = parseStep(stepParam);
    if (!step) throw new NotFoundException();
    res.render(`pages/admin/social-media-profiles/step-${step}`, await this.pages.step(id, step, rejected));
  }

  @Post('1')
  @AdminOnly()
  async instructions(@Param('id', RecordIdPipe) id: number, @Body() form: WizardActionDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response) {
    const profile = await this.wizard.markInstructionsRead(await this.profiles.get(id), agent.login);
    await this.proceed(profile, 1, form.action, req, res);
  }

  @Post('2')
  @AdminOnly()
  async appName(@Param('id', RecordIdPipe) id: number, @Body() form: AppNameDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response) {
    const profile = await this.wizard.saveAppName(await this.profiles.get(id), form, agent.login);
    await this.proceed(profile, 2, form.action, req, res);
  }

  @Post('3')
  @AdminOnly()
  async consumerKeys(@Param('id', RecordIdPipe) id: number, @Body() form: ConsumerKeysDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response) {
    const profile = await this.wizard.saveConsumerKeys(await this.profiles.get(id), form, agent.login);
    await this.proceed(profile, 3, form.action, req, res);
  }

  @Post('4')
  @AdminOnly()
  async accessTokens(@Param('id', RecordIdPipe) id: number, @Body() form: AccessTokensDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response) {
    const profile = await this.wizard.saveAccessTokens(await this.profiles.get(id), form, agent.login);
    await this.proceed(profile, 4, form.action, req, res);
  }

  /** Step 5 has nothing to type: its own button asks X who these keys belong to. */
  @Post('5')
  @AdminOnly()
  async verify(@Param('id', RecordIdPipe) id: number, @Body() form: VerifyStepDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response) {
    let profile = await this.profiles.get(id);
    if (form.verify) {
      profile = await this.credentials.verify(profile, agent.login);
      addFlash(req, { type: 'success', key: 'profiles.flash.verified', params: { handle: profile.accountHandle ?? '' } });
    }
    await this.proceed(profile, 5, form.action, req, res, !form.verify);
  }

  @Post('6')
  @AdminOnly()
  async incoming(@Param('id', RecordIdPipe) id: number, @Body() form: IncomingSettingsDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response) {
    const profile = await this.wizard.saveIncoming(await this.profiles.get(id), form, agent.login);
    await this.proceed(profile, 6, form.action, req, res);
  }

  private async proceed(profile: SocialMediaProfile, step: WizardStep, action: WizardAction | undefined, req: Request, res: Response, announce = true) {
    if (action === 'finish') this.wizard.assertFinished(profile);
    if (announce) addFlash(req, { type: 'success', key: action === 'finish' ? 'profiles.flash.finished' : 'flash.saved', params: { name: profile.name } });
    await redirectAfterSave(req, res, locationAfter(profile, step, action));
  }
}

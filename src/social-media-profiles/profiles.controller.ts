import { Body, Controller, Get, Param, Post, Query, Render, Req } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request } from 'express';
import { AdminOnly } from '../auth/access.decorators';
import { ActingAgent, type CurrentAgent } from '../auth/current-agent';
import { formValues, RejectedForm, type FormState } from '../common/form-state';
import { listQuery } from '../common/list-query';
import { RedirectAfterSave, type AfterSave } from '../common/redirect-after-save';
import { GeneralDto } from './dto/general.dto';
import { ProfilePagesService } from './profile-pages.service';
import { profilePath } from './profile-view-model';
import { ProfileWizardService } from './profile-wizard.service';
import { ProfilesService } from './profiles.service';

/** The overview table and the General box of each profile. */
@Controller('admin/social-media-profiles')
export class ProfilesController {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly pages: ProfilePagesService,
    private readonly wizard: ProfileWizardService,
  ) {}

  @Get()
  @AdminOnly()
  @Render('pages/admin/social-media-profiles/list')
  list(@Query('filter') filter?: unknown, @Query('page') page?: unknown) {
    return this.pages.list(listQuery(filter, page));
  }

  @Get('twitter/new')
  @AdminOnly()
  @Render('pages/admin/social-media-profiles/general')
  newForm(@RejectedForm() rejected?: FormState) {
    return { title: 'profiles.add', nav: 'social-media-profiles', isNew: true, values: formValues({ name: '', description: '' }, rejected), errors: rejected?.errors ?? {} };
  }

  @Post('twitter/new')
  @AdminOnly()
  @RedirectAfterSave()
  async create(@Body() form: GeneralDto, @ActingAgent() agent: CurrentAgent): Promise<AfterSave> {
    const profile = await this.profiles.create(form, agent.login);
    return { redirect: profilePath(profile, 1), flash: { type: 'success', key: 'flash.created', params: { name: profile.name } } };
  }

  @Get('twitter/:id')
  @AdminOnly()
  @Render('pages/admin/social-media-profiles/general')
  general(@Param('id', RecordIdPipe) id: number, @RejectedForm() rejected?: FormState) {
    return this.pages.general(id, rejected);
  }

  @Post('twitter/:id')
  @AdminOnly()
  @RedirectAfterSave()
  async updateGeneral(@Param('id', RecordIdPipe) id: number, @Body() body: Record<string, unknown>, @ActingAgent() agent: CurrentAgent, @Req() req: Request): Promise<AfterSave> {
    const outcome = await this.wizard.submit(id, 'general', body, agent.login);
    return outcome.kind === 'saved' ? { redirect: outcome.location, flash: outcome.flashes } : { redirect: req.originalUrl };
  }

  /** "Check again": X runs its CRC check of the webhook again; the account is subscribed if it is not. */
  @Post('twitter/:id/receiving/check')
  @AdminOnly()
  @RedirectAfterSave()
  async checkReceiving(@Param('id', RecordIdPipe) id: number): Promise<AfterSave> {
    return { redirect: profilePath({ id, type: 'twitter' }), flash: await this.wizard.checkReceiving(id) };
  }
}

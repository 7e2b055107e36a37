import { Body, Controller, Get, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request, Response } from 'express';
import { AdminOnly } from '../auth/access.decorators';
import { Agent, type CurrentAgent } from '../auth/current-agent';
import { addFlash, redirectAfterSave } from '../common/flash';
import { formValues, RejectedForm, type FormState } from '../common/form-state';
import { listQuery } from '../common/list-query';
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
  async create(@Body() form: GeneralDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response): Promise<void> {
    const profile = await this.profiles.create(form, agent.login);
    addFlash(req, { type: 'success', key: 'flash.created', params: { name: profile.name } });
    await redirectAfterSave(req, res, profilePath(profile, 1));
  }

  @Get('twitter/:id')
  @AdminOnly()
  @Render('pages/admin/social-media-profiles/general')
  general(@Param('id', RecordIdPipe) id: number, @RejectedForm() rejected?: FormState) {
    return this.pages.general(id, rejected);
  }

  @Post('twitter/:id')
  @AdminOnly()
  async updateGeneral(@Param('id', RecordIdPipe) id: number, @Body() body: Record<string, unknown>, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response): Promise<void> {
    const outcome = await this.wizard.submit(id, 'general', body, agent.login);
    if (outcome.kind === 'saved') outcome.flashes.forEach((flash) => addFlash(req, flash));
    await redirectAfterSave(req, res, outcome.kind === 'saved' ? outcome.location : req.originalUrl);
  }

  /** "Check again": X runs its CRC check of the webhook again; the account is subscribed if it is not. */
  @Post('twitter/:id/receiving/check')
  @AdminOnly()
  async checkReceiving(@Param('id', RecordIdPipe) id: number, @Req() req: Request, @Res() res: Response): Promise<void> {
    const flashes = await this.wizard.checkReceiving(id);
    flashes.forEach((flash) => addFlash(req, flash));
    await redirectAfterSave(req, res, profilePath({ id, type: 'twitter' }));
  }
}

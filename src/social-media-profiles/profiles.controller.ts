import { Body, Controller, Get, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request, Response } from 'express';
import { AdminOnly } from '../auth/access.decorators';
import { Agent, type CurrentAgent } from '../auth/current-agent';
import { addFlash, redirectAfterSave } from '../common/flash';
import { formValues, RejectedForm, type FormState } from '../common/form-state';
import { GeneralDto } from './dto/general.dto';
import { ProfilePagesService } from './profile-pages.service';
import { locationAfter, profilePath } from './profile-view-model';
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
  async list(@Query('filter') filter?: string) {
    const term = typeof filter === 'string' ? filter : '';
    return { title: 'profiles.title', nav: 'social-media-profiles', filter: term, profiles: await this.profiles.list(term) };
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
  async updateGeneral(
    @Param('id', RecordIdPipe) id: number,
    @Body() form: GeneralDto,
    @Agent() agent: CurrentAgent,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const profile = await this.profiles.updateGeneral(id, form, agent.login);
    if (form.action === 'finish') this.wizard.assertFinished(profile);
    addFlash(req, { type: 'success', key: form.action === 'finish' ? 'profiles.flash.finished' : 'flash.saved', params: { name: profile.name } });
    await redirectAfterSave(req, res, locationAfter(profile, 'general', form.action));
  }
}

import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { RecordNotFoundException } from '../common/domain.exception';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request, Response } from 'express';
import { AdminOnly } from '../auth/access.decorators';
import { ActingAgent, type CurrentAgent } from '../auth/current-agent';
import { RejectedForm, rememberRejectedForm, type FormState } from '../common/form-state';
import { RedirectAfterSave, type AfterSave } from '../common/redirect-after-save';
import { ProfilePagesService } from './profile-pages.service';
import { ProfileWizardService } from './profile-wizard.service';
import { parseStep } from './wizard-steps';

/** Steps 1–6 of a Twitter profile, all driven by the wizard table (wizard-steps.ts). */
@Controller('admin/social-media-profiles/twitter/:id/step')
export class ProfileWizardController {
  constructor(
    private readonly wizard: ProfileWizardService,
    private readonly pages: ProfilePagesService,
  ) {}

  @Get(':step')
  @AdminOnly()
  async show(@Param('id', RecordIdPipe) id: number, @Param('step') stepParam: string, @RejectedForm() rejected: FormState | undefined, @Res() res: Response): Promise<void> {
    const step = parseStep(stepParam);
    if (!step) throw new RecordNotFoundException('error.notFound');
    const page = await this.pages.step(id, step, rejected);
    res.render(page.template, page);
  }

  /** Saves the step (every error in one round), then follows the button that was pressed. */
  @Post(':step')
  @AdminOnly()
  @RedirectAfterSave()
  async submit(
    @Param('id', RecordIdPipe) id: number,
    @Param('step') stepParam: string,
    @Body() body: Record<string, unknown>,
    @ActingAgent() agent: CurrentAgent,
    @Req() req: Request,
  ): Promise<AfterSave> {
    const step = parseStep(stepParam);
    if (!step) throw new RecordNotFoundException('error.notFound');
    const outcome = await this.wizard.submit(id, step, body, agent.login);
    if (outcome.kind === 'redisplay') {
      rememberRejectedForm(req, {});
      return { redirect: req.originalUrl };
    }
    return { redirect: outcome.location, flash: outcome.flashes };
  }
}

import { Body, Controller, Get, Post, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AgentOnly } from '../auth/access.decorators';
import { Agent, type CurrentAgent } from '../auth/current-agent';
import { addFlash, redirectAfterSave } from '../common/flash';
import { formValues, RejectedForm, type FormState } from '../common/form-state';
import { LANGUAGES } from '../i18n/languages';
import { AgentsService } from '../users/agents.service';
import { PreferencesDto } from './dto/preferences.dto';

/** The agent's own settings; today the language of every page. */
@Controller('preferences')
export class PreferencesController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @AgentOnly()
  @Render('pages/preferences')
  show(@Agent() agent: CurrentAgent, @RejectedForm() rejected?: FormState) {
    return {
      title: 'preferences.title',
      values: formValues({ language: agent.language }, rejected),
      errors: rejected?.errors ?? {},
      languageOptions: LANGUAGES.map((value) => ({ value, label: `language.${value}` })),
    };
  }

  @Post()
  @AgentOnly()
  async save(@Body() form: PreferencesDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.agents.setLanguage(agent.id, form.language);
    req.session.language = form.language;
    addFlash(req, { type: 'success', key: 'flash.preferencesSaved' });
    await redirectAfterSave(req, res, '/preferences');
  }
}

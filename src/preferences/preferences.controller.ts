import { Body, Controller, Get, Post, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AgentOnly } from '../auth/access.decorators';
import { Agent, agentTimeZone, type CurrentAgent } from '../auth/current-agent';
import { addFlash, redirectAfterSave } from '../common/flash';
import { formValues, RejectedForm, type FormState } from '../common/form-state';
import { timeZones } from '../common/time-zone';
import { LANGUAGES } from '../i18n/languages';
import { AgentsService } from '../users/agents.service';
import { PreferencesDto } from './dto/preferences.dto';

/** The agent's own settings: the language of every page and the time zone of every time shown or entered. */
@Controller('preferences')
export class PreferencesController {
  constructor(private readonly agents: AgentsService) {}

  @Get()
  @AgentOnly()
  @Render('pages/preferences')
  show(@Agent() agent: CurrentAgent, @RejectedForm() rejected?: FormState) {
    return {
      title: 'preferences.title',
      values: formValues({ language: agent.language, timeZone: agentTimeZone(agent) }, rejected),
      errors: rejected?.errors ?? {},
      languageOptions: LANGUAGES.map((value) => ({ value, label: `language.${value}` })),
      timeZoneOptions: timeZoneOptions(agentTimeZone(agent)),
    };
  }

  @Post()
  @AgentOnly()
  async save(@Body() form: PreferencesDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.agents.setPreferences(agent.id, { language: form.language, timeZone: form.timeZone });
    req.session.language = form.language;
    addFlash(req, { type: 'success', key: 'flash.preferencesSaved' });
    await redirectAfterSave(req, res, '/preferences');
  }
}

/** Every zone the runtime lists, and the agent's own even when it is a newer name the list lacks. */
function timeZoneOptions(current: string): { value: string; name: string }[] {
  const zones = timeZones();
  return (zones.includes(current) ? zones : [current, ...zones]).map((zone) => ({ value: zone, name: zone.replace(/_/g, ' ') }));
}

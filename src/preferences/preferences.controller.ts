import { Body, Controller, Get, Post, Render, Req } from '@nestjs/common';
import type { Request } from 'express';
import { AgentOnly } from '../auth/access.decorators';
import { ActingAgent, agentTimeZone, type CurrentAgent } from '../auth/current-agent';
import { OwnPasswordService } from '../auth/own-password.service';
import { formValues, type FormState } from '../common/form-state';
import { RedirectAfterSave, type AfterSave } from '../common/redirect-after-save';
import { timeZones } from '../common/time-zone';
import { LANGUAGES } from '../i18n/languages';
import { AgentsService } from '../agents/agents.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { PreferencesDto } from './dto/preferences.dto';

const PREFERENCES = '/preferences';
const PASSWORD = '/preferences/password';

/** A rejected form of this page, remembered under the path it was posted to (post-redirect-get). */
function takeRejected(req: Request, path: string): FormState | undefined {
  const state = req.session?.forms?.[path];
  if (state) delete req.session.forms![path];
  return state;
}

/**
 * The agent's own settings: the language of every page, the time zone of every time shown or
 * entered, and their password (docs/AGENT-WORKSPACE.md, "Preferences").
 */
@Controller('preferences')
export class PreferencesController {
  constructor(
    private readonly agents: AgentsService,
    private readonly passwords: OwnPasswordService,
  ) {}

  @Get()
  @AgentOnly()
  @Render('pages/preferences')
  show(@ActingAgent() agent: CurrentAgent, @Req() req: Request) {
    const rejected = takeRejected(req, PREFERENCES);
    return {
      title: 'preferences.title',
      values: formValues({ language: agent.language, timeZone: agentTimeZone(agent) }, rejected),
      errors: rejected?.errors ?? {},
      languageOptions: LANGUAGES.map((value) => ({ value, label: `language.${value}` })),
      timeZoneOptions: timeZoneOptions(agentTimeZone(agent)),
      // Typed passwords are never kept (form-state drops them); only the messages come back.
      passwordErrors: takeRejected(req, PASSWORD)?.errors ?? {},
    };
  }

  @Post()
  @AgentOnly()
  @RedirectAfterSave()
  async save(@Body() form: PreferencesDto, @ActingAgent() agent: CurrentAgent, @Req() req: Request): Promise<AfterSave> {
    await this.agents.setPreferences(agent.id, { language: form.language, timeZone: form.timeZone });
    req.session.language = form.language;
    return { redirect: PREFERENCES, flash: { type: 'success', key: 'flash.preferencesSaved' } };
  }

  /** Where a rejected password form lands: the preferences page, which shows its messages. */
  @Get('password')
  @AgentOnly()
  @RedirectAfterSave()
  backToPreferences(): AfterSave {
    return { redirect: PREFERENCES };
  }

  @Post('password')
  @AgentOnly()
  @RedirectAfterSave()
  async changePassword(@Body() form: ChangePasswordDto, @ActingAgent() agent: CurrentAgent, @Req() req: Request): Promise<AfterSave> {
    await this.passwords.change(agent, form, req.session, req.ip);
    return { redirect: PREFERENCES, flash: { type: 'success', key: 'preferences.flash.passwordChanged' } };
  }
}

/** Every zone the runtime lists, and the agent's own even when it is a newer name the list lacks. */
function timeZoneOptions(current: string): { value: string; name: string }[] {
  const zones = timeZones();
  return (zones.includes(current) ? zones : [current, ...zones]).map((zone) => ({ value: zone, name: zone.replace(/_/g, ' ') }));
}

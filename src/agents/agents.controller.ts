import { Body, Controller, Get, Param, Post, Query, Render, Req } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request } from 'express';
import { AdminOnly } from '../auth/access.decorators';
import { ActingAgent, type CurrentAgent } from '../auth/current-agent';
import { formValues, RejectedForm, type FormState } from '../common/form-state';
import { listQuery, listView } from '../common/list-query';
import { RedirectAfterSave, type AfterSave } from '../common/redirect-after-save';
import { VALIDITY_OPTIONS } from '../common/validity-options';
import { LANGUAGES } from '../i18n/languages';
import { AgentsService } from './agents.service';
import { AgentFormDto, NewAgentFormDto } from './dto/agent-form.dto';
import { GroupsService } from './groups.service';
import type { Permission } from './group-membership.entity';

const LANGUAGE_OPTIONS = LANGUAGES.map((value) => ({ value, label: `language.${value}` }));

@Controller('admin/agents')
export class AgentsController {
  constructor(
    private readonly agents: AgentsService,
    private readonly groups: GroupsService,
  ) {}

  @Get()
  @AdminOnly()
  @Render('pages/admin/agents/list')
  async list(@Query('filter') filter?: unknown, @Query('page') page?: unknown) {
    const query = listQuery(filter, page);
    return { title: 'agents.title', nav: 'agents', ...listView('/admin/agents', query, await this.agents.listPage(query)) };
  }

  @Get('new')
  @AdminOnly()
  @Render('pages/admin/agents/form')
  async newForm(@RejectedForm() rejected?: FormState) {
    const values = formValues({ login: '', name: '', email: '', language: 'en', validity: 'valid' }, rejected);
    return this.formModel('agents.add', values, rejected, {});
  }

  @Post('new')
  @AdminOnly()
  @RedirectAfterSave()
  async create(@Body() form: NewAgentFormDto): Promise<AfterSave> {
    const agent = await this.agents.createFromForm(form);
    return { redirect: '/admin/agents', flash: { type: 'success', key: 'flash.created', params: { name: agent.login } } };
  }

  @Get(':id')
  @AdminOnly()
  @Render('pages/admin/agents/form')
  async editForm(@Param('id', RecordIdPipe) id: number, @RejectedForm() rejected?: FormState) {
    const agent = await this.agents.get(id);
    const values = formValues({ login: agent.login, name: agent.name, email: agent.email, language: agent.language, validity: agent.validity }, rejected);
    return { ...(await this.formModel('agents.edit', values, rejected, await this.agents.membershipsOf(id))), agent };
  }

  @Post(':id')
  @AdminOnly()
  @RedirectAfterSave()
  async update(@Param('id', RecordIdPipe) id: number, @Body() form: AgentFormDto, @ActingAgent() actingAgent: CurrentAgent, @Req() req: Request): Promise<AfterSave> {
    const agent = await this.agents.updateFromForm(id, form, { agentId: actingAgent.id, session: req.session });
    return { redirect: '/admin/agents', flash: { type: 'success', key: 'flash.saved', params: { name: agent.login } } };
  }

  private async formModel(title: string, values: Record<string, unknown>, rejected: FormState | undefined, stored: Record<number, Permission>) {
    // A rejected form shows the memberships as they were typed, not as stored.
    const typed = rejected?.values.memberships as Record<string, string> | undefined;
    const groups = (await this.groups.list()).map((group) => ({
      id: group.id,
      name: group.name,
      validity: group.validity,
      permission: typed ? (typed[`g${group.id}`] ?? '') : (stored[group.id] ?? ''),
    }));
    return {
      title,
      nav: 'agents',
      values,
      errors: rejected?.errors ?? {},
      groups,
      languageOptions: LANGUAGE_OPTIONS,
      validityOptions: VALIDITY_OPTIONS,
    };
  }
}

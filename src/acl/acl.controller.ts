import { Body, Controller, Get, Param, Post, Query, Render, Req, Res, UseInterceptors } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request, Response } from 'express';
import { AdminOnly } from '../auth/access.decorators';
import { ActingAgent, type CurrentAgent } from '../auth/current-agent';
import { DomainException, RecordNotFoundException } from '../common/domain.exception';
import { isTicked } from '../common/dto/checkbox-field';
import type { FlashMessage } from '../common/flash';
import { formValues, RejectedForm, type FormState } from '../common/form-state';
import { listQuery, paginationLinks } from '../common/list-query';
import { RedirectAfterSave, type AfterSave } from '../common/redirect-after-save';
import { formValuesOf } from './acl-form';
import { engineAclOf } from './acl-record';
import type { StoredAcl } from './acl.entity';
import { ACL_CHOICES, ACL_SCREEN_USES, HONOURED_ACTIONS, HONOURED_TICKET_FIELDS, TICKET_ACTIONS } from './acl-scope';
import { AclSimulatorService, type SimulationQuery } from './acl-simulator.service';
import { aclNotes, AclStoreService, type AclImportMode } from './acl-store.service';
import { ACL_IMPORT_MAX_FILES, AclUploadInterceptor, uploadOf } from './acl-upload';
import { AclFormDto } from './dto/acl-form.dto';
import { ACL_IMPORT_MODES, AclImportDto } from './dto/acl-import.dto';
import { AclSelectionDto } from './dto/acl-selection.dto';
import { ACL_IMPORT_MAX_ACLS, aclSetWarnings } from './engine';

/** ValidID as the validity words the other admin screens use. */
const VALIDITY_BY_ID: Record<number, string> = { 1: 'valid', 2: 'invalid', 3: 'invalid-temporarily' };
const VALID_ID_OPTIONS = Object.entries(VALIDITY_BY_ID).map(([value, validity]) => ({ value, label: `validity.${validity}` }));
const NEW_ACL = { name: '', comment: '', description: '', stopAfterMatch: false, validId: 1, configMatch: '', configChange: '' };

/** `?id=3&id=8` → [3, 8]; anything else is refused as "not found". */
function idsOf(value: unknown): number[] {
  const ids = [value ?? []].flat().map((id) => (typeof id === 'string' && /^\d{1,9}$/.test(id) ? Number(id) : NaN));
  if (ids.some(Number.isNaN)) throw new RecordNotFoundException('acl.error.notFound');
  return ids;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

@Controller('admin/acl')
export class AclController {
  constructor(
    private readonly store: AclStoreService,
    private readonly simulator: AclSimulatorService,
  ) {}

  @Get()
  @AdminOnly()
  @Render('pages/admin/acl/list')
  async list(@Query('filter') filter?: unknown, @Query('warnings') warnings?: unknown, @Query('page') page?: unknown) {
    const query = listQuery(filter, page);
    const term = query.filter;
    const warningsOnly = isTicked(warnings);
    const overview = await this.store.overview({ filter: term, warningsOnly, page: query.page });
    return {
      title: 'acl.title',
      nav: 'acl',
      filter: term,
      warningsOnly,
      any: overview.total > 0,
      total: overview.total,
      matching: overview.matching,
      withWarnings: overview.withWarnings,
      acls: overview.acls.map(({ row, deployState, warnings: notes }) => ({ ...row, validity: VALIDITY_BY_ID[row.validId], deployState, warnings: notes })),
      pagination: paginationLinks('/admin/acl', { filter: term, warnings: warningsOnly ? '1' : undefined }, overview),
      lastDeployment: overview.status.lastDeployment,
      outOfSync: !overview.status.comparison.inSync,
      removed: overview.status.comparison.removed.slice(0, 20).join(', ') + (overview.status.comparison.removed.length > 20 ? ` … (+${overview.status.comparison.removed.length - 20})` : ''),
      warnings: overview.warnings,
    };
  }

  @Get('new')
  @AdminOnly()
  @Render('pages/admin/acl/form')
  newForm(@RejectedForm(AclFormDto) rejected?: FormState) {
    return this.formModel('acl.add', formValues(NEW_ACL, rejected), rejected);
  }

  @Post('new')
  @AdminOnly()
  @RedirectAfterSave()
  async create(@Body() form: AclFormDto, @ActingAgent() agent: CurrentAgent): Promise<AfterSave> {
    const acl = await this.store.create(form, agent.login);
    return { redirect: '/admin/acl', flash: savedFlashes(acl) };
  }

  @Get('import')
  @AdminOnly()
  @Render('pages/admin/acl/import')
  importForm(@RejectedForm() rejected?: FormState) {
    const problems = rejected?.errors.yaml?.params?.problems;
    const values = formValues({ yaml: '', mode: 'add' }, rejected);
    return {
      title: 'acl.import.title',
      nav: 'acl',
      values,
      modeOptions: ACL_IMPORT_MODES.map((mode) => ({ value: mode, label: `acl.import.mode.${mode}`, checked: values.mode === mode })),
      maxFiles: ACL_IMPORT_MAX_FILES,
      maxAcls: ACL_IMPORT_MAX_ACLS,
      errors: rejected?.errors ?? {},
      problems: typeof problems === 'string' ? problems.split('\n') : [],
    };
  }

  /** Guarded first (admin, CSRF from the URL), then the upload is read (AclUploadInterceptor). */
  @Post('import')
  @AdminOnly()
  @UseInterceptors(AclUploadInterceptor)
  @RedirectAfterSave()
  async import(@Body() form: AclImportDto, @ActingAgent() agent: CurrentAgent, @Req() req: Request): Promise<AfterSave> {
    const upload = uploadOf(req);
    if (upload.problem) throw new DomainException(`acl.import.error.${upload.problem}`, 'file', { max: '1 MiB', files: ACL_IMPORT_MAX_FILES });
    const mode: AclImportMode = form.mode ?? (form.overwrite ? 'overwrite' : 'add');
    // Chosen files win over the text field (the form offers both).
    const files = upload.files.length > 0 ? upload.files : text(form.yaml).trim() !== '' ? [{ name: 'text', content: text(form.yaml) }] : [];
    if (files.length === 0) throw new DomainException('acl.import.error.nothing', 'yaml');
    const result = await this.store.importFiles(files, { mode, actor: agent.login });
    const names = [...result.added, ...result.updated];
    const shown = names.length > 20 ? `${names.slice(0, 20).join(', ')} …` : names.join(', ');
    const flash: FlashMessage[] = [{ type: 'success', key: 'acl.flash.imported', params: { added: result.added.length, updated: result.updated.length, names: shown } }];
    if (result.removed.length > 0) flash.push({ type: 'info', key: 'acl.flash.importRemoved', params: { count: result.removed.length } });
    for (const warning of this.store.flashWarnings(result.warnings)) flash.push({ type: 'info', key: 'acl.flash.warning', params: { warning } });
    return { redirect: '/admin/acl', flash };
  }

  /** The OTRS export file of all ACLs, of those ticked (`?id=1&id=4`), or one part of "Export as files". */
  @Get('export')
  @AdminOnly()
  async export(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const { id, part, of } = query;
    let yaml: string;
    let filename = 'Export_ACL.yml';
    if (part !== undefined) {
      yaml = await this.store.exportPart(text(query.version), Number(text(query.start)), Number(text(query.count)));
      filename = `Export_ACL_part${Number(text(part)) || 1}_of_${Number(text(of)) || 1}.yml`;
    } else {
      yaml = await this.store.exportYaml(id === undefined ? undefined : idsOf(id));
    }
    res.set({ 'Content-Type': 'application/yaml; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}"` });
    res.send(yaml);
  }

  /** The export as files that each fit the upload, for moving a large set through the browser. */
  @Get('export/parts')
  @AdminOnly()
  @Render('pages/admin/acl/export-parts')
  async exportParts() {
    const { version, parts } = await this.store.exportParts();
    return {
      title: 'acl.export.parts.title',
      nav: 'acl',
      parts: parts.map((part, i) => ({
        number: i + 1,
        of: parts.length,
        url: `/admin/acl/export?${new URLSearchParams({ part: String(i + 1), of: String(parts.length), start: String(part.start), count: String(part.count), version })}`,
        count: part.count,
        from: part.start + 1,
        to: part.start + part.count,
        kib: Math.ceil(part.bytes / 1024),
      })),
      total: parts.reduce((sum, part) => sum + part.count, 0),
    };
  }

  @Post('deploy')
  @AdminOnly()
  @RedirectAfterSave()
  async deploy(@ActingAgent() agent: CurrentAgent): Promise<AfterSave> {
    const { count } = await this.store.deploy(agent.login);
    return { redirect: '/admin/acl', flash: { type: 'success', key: 'acl.flash.deployed', params: { count } } };
  }

  /** Where a refused deploy lands (the error filter goes back to the posted path). */
  @Get('deploy')
  @AdminOnly()
  @RedirectAfterSave()
  deployPage(): AfterSave {
    return { redirect: '/admin/acl' };
  }

  /** Confirmation for the ACLs ticked in the list. */
  @Get('delete')
  @AdminOnly()
  @Render('pages/admin/acl/delete')
  async deleteSelectionForm(@Query('id') id: unknown) {
    const ids = idsOf(id);
    const rows = ids.length > 0 ? await this.store.getMany(ids) : [];
    return { title: 'acl.delete.title', nav: 'acl', acls: rows, action: '/admin/acl/delete', valid: rows.filter((row) => row.validId === 1).length };
  }

  @Post('delete')
  @AdminOnly()
  @RedirectAfterSave()
  async deleteSelection(@Body() selection: AclSelectionDto): Promise<AfterSave> {
    const rows = await this.store.deleteMany(selection.id);
    const names = rows
      .slice(0, 20)
      .map((row) => row.name)
      .join(', ');
    return { redirect: '/admin/acl', flash: { type: 'success', key: 'acl.flash.deletedMany', params: { count: rows.length, names } } };
  }

  @Get('simulate')
  @AdminOnly()
  @Render('pages/admin/acl/simulate')
  async simulate(@Query() query: SimulationQuery) {
    return { title: 'acl.simulate.title', nav: 'acl', ...(await this.simulator.simulate(query)) };
  }

  @Get('help')
  @AdminOnly()
  @Render('pages/admin/acl/help')
  help() {
    return {
      title: 'acl.help.title',
      nav: 'acl',
      actions: Object.entries(TICKET_ACTIONS).map(([action, name]) => ({ label: `acl.help.action.${action}`, name })),
      fields: Object.entries(HONOURED_TICKET_FIELDS).map(([field, matchOn]) => ({ name: `Ticket.${field}`, matchOn: `acl.help.matchOn.${matchOn}` })),
      screens: ACL_SCREEN_USES.map((use) => ({
        label: `acl.help.screen.${use.key}`,
        frontendActions: use.frontendActions,
        fields: use.choices.flatMap((choice) => ACL_CHOICES[choice]),
        actions: [...new Set(use.actions.map((action) => TICKET_ACTIONS[action]))],
      })),
      actionCount: HONOURED_ACTIONS.length,
    };
  }

  @Get(':id')
  @AdminOnly()
  @Render('pages/admin/acl/form')
  async editForm(@Param('id', RecordIdPipe) id: number, @RejectedForm(AclFormDto) rejected?: FormState) {
    const row = await this.store.get(id);
    const acl = engineAclOf(row);
    return {
      ...this.formModel('acl.edit', formValues(formValuesOf(acl), rejected), rejected),
      acl: { ...row, validity: VALIDITY_BY_ID[row.validId] },
      warnings: [...aclNotes(acl), ...aclSetWarnings([acl])],
    };
  }

  @Post(':id')
  @AdminOnly()
  @RedirectAfterSave()
  async update(@Param('id', RecordIdPipe) id: number, @Body() form: AclFormDto, @ActingAgent() agent: CurrentAgent): Promise<AfterSave> {
    const acl = await this.store.update(id, form, agent.login);
    return { redirect: '/admin/acl', flash: savedFlashes(acl) };
  }

  @Get(':id/delete')
  @AdminOnly()
  @Render('pages/admin/acl/delete')
  async deleteForm(@Param('id', RecordIdPipe) id: number) {
    const row = await this.store.get(id);
    return { title: 'acl.delete.title', nav: 'acl', acls: [row], action: `/admin/acl/${row.id}/delete`, single: row, valid: row.validId === 1 ? 1 : 0 };
  }

  @Post(':id/delete')
  @AdminOnly()
  @RedirectAfterSave()
  async delete(@Param('id', RecordIdPipe) id: number): Promise<AfterSave> {
    const acl = await this.store.delete(id);
    return { redirect: '/admin/acl', flash: { type: 'success', key: 'acl.flash.deleted', params: { name: acl.name } } };
  }

  private formModel(title: string, values: Record<string, unknown>, rejected?: FormState) {
    return { title, nav: 'acl', values, errors: rejected?.errors ?? {}, validIdOptions: VALID_ID_OPTIONS };
  }
}

/** "Saved", then each note on the ACL just saved. */
function savedFlashes(acl: StoredAcl): FlashMessage[] {
  return [
    { type: 'success', key: 'acl.flash.saved', params: { name: acl.name } },
    ...aclNotes(engineAclOf(acl)).map((warning): FlashMessage => ({ type: 'info', key: 'acl.flash.warning', params: { warning } })),
  ];
}

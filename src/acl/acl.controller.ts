import { Body, Controller, Get, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request, Response } from 'express';
import { AdminOnly } from '../auth/access.decorators';
import { Agent, type CurrentAgent } from '../auth/current-agent';
import { DomainException } from '../common/domain.exception';
import { addFlash, redirectAfterSave } from '../common/flash';
import { formValues, RejectedForm, type FormState } from '../common/form-state';
import { formValuesOf } from './acl-form';
import { engineAclOf } from './acl-record';
import { AclSimulatorService, type SimulationQuery } from './acl-simulator.service';
import { AclStoreService } from './acl-store.service';
import { uploadOf } from './acl-upload';
import { AclFormDto } from './dto/acl-form.dto';
import { AclImportDto } from './dto/acl-import.dto';
import { aclWarnings } from './engine';

/** ValidID as the validity words the other admin screens use. */
const VALIDITY_BY_ID: Record<number, string> = { 1: 'valid', 2: 'invalid', 3: 'invalid-temporarily' };
const VALID_ID_OPTIONS = Object.entries(VALIDITY_BY_ID).map(([value, validity]) => ({ value, label: `validity.${validity}` }));
const NEW_ACL = { name: '', comment: '', description: '', stopAfterMatch: false, validId: 1, configMatch: '', configChange: '' };

@Controller('admin/acl')
export class AclController {
  constructor(
    private readonly store: AclStoreService,
    private readonly simulator: AclSimulatorService,
  ) {}

  @Get()
  @AdminOnly()
  @Render('pages/admin/acl/list')
  async list(@Query('filter') filter?: unknown) {
    const { acls, status, warnings } = await this.store.overview();
    // Like the other lists: name, comment or description containing the term, ignoring case.
    const term = typeof filter === 'string' ? filter.trim() : '';
    const folded = term.toLowerCase();
    const shown = folded === '' ? acls : acls.filter((acl) => [acl.name, acl.comment ?? '', acl.description ?? ''].some((text) => text.toLowerCase().includes(folded)));
    return {
      title: 'acl.title',
      nav: 'acl',
      filter: term,
      any: acls.length > 0,
      acls: shown.map((acl) => ({ ...acl, validity: VALIDITY_BY_ID[acl.validId] })),
      lastDeployment: status.lastDeployment,
      outOfSync: !status.comparison.inSync,
      removed: status.comparison.removed.join(', '),
      warnings,
    };
  }

  @Get('new')
  @AdminOnly()
  @Render('pages/admin/acl/form')
  newForm(@RejectedForm() rejected?: FormState) {
    return this.formModel('acl.add', formValues(NEW_ACL, withUnticked(rejected)), rejected);
  }

  @Post('new')
  @AdminOnly()
  async create(@Body() form: AclFormDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response): Promise<void> {
    const acl = await this.store.create(form, agent.login);
    addFlash(req, { type: 'success', key: 'acl.flash.saved', params: { name: acl.name } });
    await redirectAfterSave(req, res, '/admin/acl');
  }

  @Get('import')
  @AdminOnly()
  @Render('pages/admin/acl/import')
  importForm(@RejectedForm() rejected?: FormState) {
    const problems = rejected?.errors.yaml?.params?.problems;
    return {
      title: 'acl.import.title',
      nav: 'acl',
      values: formValues({ yaml: '', overwrite: false }, withUnticked(rejected, 'overwrite')),
      errors: rejected?.errors ?? {},
      problems: typeof problems === 'string' ? problems.split('\n') : [],
    };
  }

  @Post('import')
  @AdminOnly()
  async import(@Body() form: AclImportDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response): Promise<void> {
    const upload = uploadOf(req);
    if (upload.problem) throw new DomainException(`acl.import.error.${upload.problem}`, 'file', { max: '1 MiB' });
    // A chosen file wins over the text field (the form offers both).
    const input = upload.file?.buffer ?? form.yaml ?? '';
    if (typeof input === 'string' && input.trim() === '') throw new DomainException('acl.import.error.nothing', 'yaml');
    const result = await this.store.importYaml(input, { overwrite: form.overwrite ?? false, actor: agent.login });
    const names = [...result.added, ...result.updated].join(', ');
    addFlash(req, { type: 'success', key: 'acl.flash.imported', params: { added: result.added.length, updated: result.updated.length, names } });
    for (const warning of result.warnings) addFlash(req, { type: 'info', key: 'acl.flash.warning', params: { warning } });
    await redirectAfterSave(req, res, '/admin/acl');
  }

  /** The OTRS export file of all ACLs, or of those ticked (`?id=1&id=4`). */
  @Get('export')
  @AdminOnly()
  async export(@Query('id') id: unknown, @Res() res: Response): Promise<void> {
    const ids = id === undefined ? undefined : [id].flat().map((value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN));
    if (ids?.some(Number.isNaN)) throw new DomainException('acl.error.notFound');
    const yaml = await this.store.exportYaml(ids);
    res.set({ 'Content-Type': 'application/yaml; charset=utf-8', 'Content-Disposition': 'attachment; filename="Export_ACL.yml"' });
    res.send(yaml);
  }

  @Post('deploy')
  @AdminOnly()
  async deploy(@Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response): Promise<void> {
    const { count } = await this.store.deploy(agent.login);
    addFlash(req, { type: 'success', key: 'acl.flash.deployed', params: { count } });
    await redirectAfterSave(req, res, '/admin/acl');
  }

  /** Where a refused deploy lands (the error filter goes back to the posted path). */
  @Get('deploy')
  @AdminOnly()
  deployPage(@Res() res: Response): void {
    res.redirect(303, '/admin/acl');
  }

  @Get('simulate')
  @AdminOnly()
  @Render('pages/admin/acl/simulate')
  async simulate(@Query() query: SimulationQuery) {
    const simulation = await this.simulator.simulate(query);
    return {
      title: 'acl.simulate.title',
      nav: 'acl',
      ...simulation,
      matchOnOptions: [
        { value: 'key', label: 'acl.simulate.matchOn.key' },
        { value: 'value', label: 'acl.simulate.matchOn.value' },
      ],
      setOptions: [
        { value: 'deployed', label: 'acl.simulate.set.deployed' },
        { value: 'drafts', label: 'acl.simulate.set.drafts' },
      ],
    };
  }

  @Get('help')
  @AdminOnly()
  @Render('pages/admin/acl/help')
  help() {
    return { title: 'acl.help.title', nav: 'acl' };
  }

  @Get(':id')
  @AdminOnly()
  @Render('pages/admin/acl/form')
  async editForm(@Param('id', RecordIdPipe) id: number, @RejectedForm() rejected?: FormState) {
    const row = await this.store.get(id);
    const acl = engineAclOf(row);
    return {
      ...this.formModel('acl.edit', formValues(formValuesOf(acl), withUnticked(rejected)), rejected),
      acl: { ...row, validity: VALIDITY_BY_ID[row.validId], deletable: row.validId !== 1 },
      warnings: aclWarnings([acl]),
    };
  }

  @Post(':id')
  @AdminOnly()
  async update(@Param('id', RecordIdPipe) id: number, @Body() form: AclFormDto, @Agent() agent: CurrentAgent, @Req() req: Request, @Res() res: Response): Promise<void> {
    const acl = await this.store.update(id, form, agent.login);
    addFlash(req, { type: 'success', key: 'acl.flash.saved', params: { name: acl.name } });
    await redirectAfterSave(req, res, '/admin/acl');
  }

  @Get(':id/delete')
  @AdminOnly()
  @Render('pages/admin/acl/delete')
  async deleteForm(@Param('id', RecordIdPipe) id: number) {
    const row = await this.store.get(id);
    return { title: 'acl.delete.title', nav: 'acl', acl: { ...row, deletable: row.validId !== 1 } };
  }

  @Post(':id/delete')
  @AdminOnly()
  async delete(@Param('id', RecordIdPipe) id: number, @Req() req: Request, @Res() res: Response): Promise<void> {
    const acl = await this.store.delete(id);
    addFlash(req, { type: 'success', key: 'acl.flash.deleted', params: { name: acl.name } });
    await redirectAfterSave(req, res, '/admin/acl');
  }

  private formModel(title: string, values: Record<string, unknown>, rejected?: FormState) {
    return { title, nav: 'acl', values, errors: rejected?.errors ?? {}, validIdOptions: VALID_ID_OPTIONS };
  }
}

/** An unticked checkbox sends nothing, so a rejected form's absent checkbox means "not ticked". */
function withUnticked(rejected: FormState | undefined, checkbox = 'stopAfterMatch'): FormState | undefined {
  return rejected && { ...rejected, values: { [checkbox]: false, ...rejected.values } };
}

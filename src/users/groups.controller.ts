import { Body, Controller, Get, Param, Post, Query, Render, Req, Res } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import type { Request, Response } from 'express';
import { AdminOnly } from '../auth/access.decorators';
import { addFlash, redirectAfterSave } from '../common/flash';
import { formValues, RejectedForm, type FormState } from '../common/form-state';
import { listQuery, listView } from '../common/list-query';
import { VALIDITY_OPTIONS } from '../common/validity-options';
import { GroupFormDto } from './dto/group-form.dto';
import { GroupsService } from './groups.service';

@Controller('admin/groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @AdminOnly()
  @Render('pages/admin/groups/list')
  async list(@Query('filter') filter?: unknown, @Query('page') page?: unknown) {
    const query = listQuery(filter, page);
    return { title: 'groups.title', nav: 'groups', ...listView('/admin/groups', query, await this.groups.listPage(query)) };
  }

  @Get('new')
  @AdminOnly()
  @Render('pages/admin/groups/form')
  newForm(@RejectedForm() rejected?: FormState) {
    return this.formModel('groups.add', formValues({ name: '', comment: '', validity: 'valid' }, rejected), rejected);
  }

  @Post('new')
  @AdminOnly()
  async create(@Body() form: GroupFormDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const group = await this.groups.create(form);
    addFlash(req, { type: 'success', key: 'flash.created', params: { name: group.name } });
    await redirectAfterSave(req, res, '/admin/groups');
  }

  @Get(':id')
  @AdminOnly()
  @Render('pages/admin/groups/form')
  async editForm(@Param('id', RecordIdPipe) id: number, @RejectedForm() rejected?: FormState) {
    const group = await this.groups.get(id);
    return { ...this.formModel('groups.edit', formValues({ name: group.name, comment: group.comment, validity: group.validity }, rejected), rejected), group };
  }

  @Post(':id')
  @AdminOnly()
  async update(@Param('id', RecordIdPipe) id: number, @Body() form: GroupFormDto, @Req() req: Request, @Res() res: Response): Promise<void> {
    const group = await this.groups.update(id, form);
    addFlash(req, { type: 'success', key: 'flash.saved', params: { name: group.name } });
    await redirectAfterSave(req, res, '/admin/groups');
  }

  private formModel(title: string, values: Record<string, unknown>, rejected?: FormState) {
    return { title, nav: 'groups', values, errors: rejected?.errors ?? {}, validityOptions: VALIDITY_OPTIONS };
  }
}

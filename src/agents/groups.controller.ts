import { Body, Controller, Get, Param, Post, Query, Render } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import { AdminOnly } from '../auth/access.decorators';
import { formValues, RejectedForm, type FormState } from '../common/form-state';
import { listQuery, listView } from '../common/list-query';
import { RedirectAfterSave, type AfterSave } from '../common/redirect-after-save';
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
  @RedirectAfterSave()
  async create(@Body() form: GroupFormDto): Promise<AfterSave> {
    const group = await this.groups.create(form);
    return { redirect: '/admin/groups', flash: { type: 'success', key: 'flash.created', params: { name: group.name } } };
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
  @RedirectAfterSave()
  async update(@Param('id', RecordIdPipe) id: number, @Body() form: GroupFormDto): Promise<AfterSave> {
    const group = await this.groups.update(id, form);
    return { redirect: '/admin/groups', flash: { type: 'success', key: 'flash.saved', params: { name: group.name } } };
  }

  private formModel(title: string, values: Record<string, unknown>, rejected?: FormState) {
    return { title, nav: 'groups', values, errors: rejected?.errors ?? {}, validityOptions: VALIDITY_OPTIONS };
  }
}

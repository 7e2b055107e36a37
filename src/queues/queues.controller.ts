import { Body, Controller, Get, Param, Post, Query, Render } from '@nestjs/common';
import { RecordIdPipe } from '../common/record-id.pipe';
import { AdminOnly } from '../auth/access.decorators';
import { formValues, RejectedForm, type FormState } from '../common/form-state';
import { listQuery, listView } from '../common/list-query';
import { RedirectAfterSave, type AfterSave } from '../common/redirect-after-save';
import { VALIDITY_OPTIONS } from '../common/validity-options';
import { GroupsService } from '../agents/groups.service';
import { QueueFormDto } from './dto/queue-form.dto';
import { FOLLOW_UP_OPTIONS } from './queue.entity';
import { QueuesService } from './queues.service';

const FOLLOW_UP_SELECT = FOLLOW_UP_OPTIONS.map((value) => ({ value, label: `queues.followUp.${value}` }));

@Controller('admin/queues')
export class QueuesController {
  constructor(
    private readonly queues: QueuesService,
    private readonly groups: GroupsService,
  ) {}

  @Get()
  @AdminOnly()
  @Render('pages/admin/queues/list')
  async list(@Query('filter') filter?: unknown, @Query('page') page?: unknown) {
    const query = listQuery(filter, page);
    return { title: 'queues.title', nav: 'queues', ...listView('/admin/queues', query, await this.queues.listPage(query)) };
  }

  @Get('new')
  @AdminOnly()
  @Render('pages/admin/queues/form')
  newForm(@RejectedForm(QueueFormDto) rejected?: FormState) {
    const defaults = { name: '', groupId: '', followUp: 'possible', followUpLock: false, comment: '', validity: 'valid' };
    return this.formModel('queues.add', formValues(defaults, rejected), rejected);
  }

  @Post('new')
  @AdminOnly()
  @RedirectAfterSave()
  async create(@Body() form: QueueFormDto): Promise<AfterSave> {
    const queue = await this.queues.create(form);
    return { redirect: '/admin/queues', flash: { type: 'success', key: 'flash.created', params: { name: queue.name } } };
  }

  @Get(':id')
  @AdminOnly()
  @Render('pages/admin/queues/form')
  async editForm(@Param('id', RecordIdPipe) id: number, @RejectedForm(QueueFormDto) rejected?: FormState) {
    const queue = await this.queues.get(id);
    const stored = { name: queue.name, groupId: queue.groupId, followUp: queue.followUp, followUpLock: queue.followUpLock, comment: queue.comment, validity: queue.validity };
    const values = formValues(stored, rejected);
    return { ...(await this.formModel('queues.edit', values, rejected)), queue };
  }

  @Post(':id')
  @AdminOnly()
  @RedirectAfterSave()
  async update(@Param('id', RecordIdPipe) id: number, @Body() form: QueueFormDto): Promise<AfterSave> {
    const queue = await this.queues.update(id, form);
    return { redirect: '/admin/queues', flash: { type: 'success', key: 'flash.saved', params: { name: queue.name } } };
  }

  private async formModel(title: string, values: Record<string, unknown>, rejected?: FormState) {
    return {
      title,
      nav: 'queues',
      values,
      errors: rejected?.errors ?? {},
      groupOptions: (await this.groups.list()).map((g) => ({ value: g.id, name: g.name })),
      followUpOptions: FOLLOW_UP_SELECT,
      validityOptions: VALIDITY_OPTIONS,
    };
  }
}

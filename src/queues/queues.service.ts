import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainException, RecordNotFoundException } from '../common/domain.exception';
import { ADMIN_LIST_PAGE_SIZE, type ListPage, type ListQuery } from '../common/list-query';
import { whereContains } from '../database/contains-filter';
import { pageOf } from '../database/paged-query';
import { Group } from '../users/group.entity';
import type { QueueFormDto } from './dto/queue-form.dto';
import { Queue } from './queue.entity';

@Injectable()
export class QueuesService {
  constructor(
    @InjectRepository(Queue) private readonly queues: Repository<Queue>,
    @InjectRepository(Group) private readonly groups: Repository<Group>,
  ) {}

  /** All queues with their groups, by name. */
  list(): Promise<Queue[]> {
    return this.queues.find({ relations: { group: true }, order: { name: 'ASC' } });
  }

  /** One page of the admin list: queues whose name, comment or group contains the filter (in SQL, any case). */
  listPage(query: ListQuery): Promise<ListPage<Queue>> {
    const queues = this.queues.createQueryBuilder('q').leftJoinAndSelect('q.group', 'g').orderBy('q.name', 'ASC');
    return pageOf(whereContains(queues, ['q.name', 'q.comment', 'g.name'], query.filter), query.page, ADMIN_LIST_PAGE_SIZE);
  }

  listValid(): Promise<Queue[]> {
    return this.queues.find({ where: { validity: 'valid' }, order: { name: 'ASC' } });
  }

  async get(id: number): Promise<Queue> {
    const queue = await this.queues.findOneBy({ id });
    if (!queue) throw new RecordNotFoundException('queues.error.notFound');
    return queue;
  }

  async create(form: QueueFormDto): Promise<Queue> {
    await this.assertNameFree(form.name);
    await this.assertGroupExists(form.groupId);
    return this.queues.save(this.queues.create(this.fieldsOf(form)));
  }

  async update(id: number, form: QueueFormDto): Promise<Queue> {
    const queue = await this.get(id);
    await this.assertNameFree(form.name, id);
    await this.assertGroupExists(form.groupId);
    return this.queues.save(Object.assign(queue, this.fieldsOf(form)));
  }

  private fieldsOf(form: QueueFormDto): Partial<Queue> {
    return {
      name: form.name,
      groupId: form.groupId,
      followUp: form.followUp,
      followUpLock: form.followUpLock ?? false,
      comment: form.comment ?? '',
      validity: form.validity,
    };
  }

  private async assertNameFree(name: string, exceptId?: number): Promise<void> {
    const existing = await this.queues.createQueryBuilder('q').where('LOWER(q.name) = LOWER(:name)', { name }).getOne();
    if (existing && existing.id !== exceptId) throw new DomainException('queues.error.nameTaken', 'name', { name });
  }

  private async assertGroupExists(groupId: number): Promise<void> {
    if (!(await this.groups.existsBy({ id: groupId }))) throw new DomainException('validation.choose', 'groupId');
  }
}

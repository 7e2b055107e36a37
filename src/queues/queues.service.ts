import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { DomainException, RecordNotFoundException } from '../common/domain.exception';
import { ADMIN_LIST_PAGE_SIZE, type ListPage, type ListQuery } from '../common/list-query';
import { whereContains } from '../database/contains-filter';
import { pageOf } from '../database/paged-query';
import { GroupsService } from '../agents/groups.service';
import type { QueueFormDto } from './dto/queue-form.dto';
import { Queue } from './queue.entity';

@Injectable()
export class QueuesService {
  constructor(
    @InjectRepository(Queue) private readonly queues: Repository<Queue>,
    private readonly groups: GroupsService,
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

  /** Queues (with their group) whose group is one of these, by name; only valid queues with `validOnly`. */
  inGroups(groupNames: string[], validOnly = false): Promise<Queue[]> {
    if (groupNames.length === 0) return Promise.resolve([]);
    const query = this.queues.createQueryBuilder('q').innerJoinAndSelect('q.group', 'g').where('g.name IN (:...groupNames)', { groupNames }).orderBy('q.name', 'ASC');
    if (validOnly) query.andWhere("q.validity = 'valid'");
    return query.getMany();
  }

  /** Id and name of the queues with these ids, in one query; unknown ids are left out. */
  namesOf(ids: number[]): Promise<Pick<Queue, 'id' | 'name'>[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.queues.find({ where: { id: In(ids) }, select: { id: true, name: true } });
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
    if (!(await this.groups.exists(groupId))) throw new DomainException('validation.choose', 'groupId');
  }
}

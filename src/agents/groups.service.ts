import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DomainException, RecordNotFoundException } from '../common/domain.exception';
import { ADMIN_LIST_PAGE_SIZE, type ListPage, type ListQuery } from '../common/list-query';
import { whereContains } from '../database/contains-filter';
import { pageOf } from '../database/paged-query';
import type { GroupFormDto } from './dto/group-form.dto';
import { Group } from './group.entity';

@Injectable()
export class GroupsService {
  constructor(@InjectRepository(Group) private readonly groups: Repository<Group>) {}

  list(): Promise<Group[]> {
    return this.groups.find({ order: { name: 'ASC' } });
  }

  /** One page of the admin list: groups whose name or comment contains the filter (in SQL, any case). */
  listPage(query: ListQuery): Promise<ListPage<Group>> {
    const groups = this.groups.createQueryBuilder('g').orderBy('g.name', 'ASC');
    return pageOf(whereContains(groups, ['g.name', 'g.comment'], query.filter), query.page, ADMIN_LIST_PAGE_SIZE);
  }

  listValid(): Promise<Group[]> {
    return this.groups.find({ where: { validity: 'valid' }, order: { name: 'ASC' } });
  }

  async get(id: number): Promise<Group> {
    const group = await this.groups.findOneBy({ id });
    if (!group) throw new RecordNotFoundException('groups.error.notFound');
    return group;
  }

  /** Whether a group with this id exists (valid or not). */
  exists(id: number): Promise<boolean> {
    return this.groups.existsBy({ id });
  }

  findByName(name: string): Promise<Group | null> {
    return this.groups.createQueryBuilder('g').where('LOWER(g.name) = LOWER(:name)', { name }).getOne();
  }

  async create(form: GroupFormDto): Promise<Group> {
    await this.assertNameFree(form.name);
    return this.groups.save(this.groups.create({ name: form.name, comment: form.comment ?? '', validity: form.validity }));
  }

  async update(id: number, form: GroupFormDto): Promise<Group> {
    const group = await this.get(id);
    await this.assertNameFree(form.name, id);
    if (group.name === 'admin' && (form.name !== 'admin' || form.validity !== 'valid')) {
      // Without it nobody could reach the admin screens again.
      throw new DomainException('groups.error.adminProtected', 'name');
    }
    Object.assign(group, { name: form.name, comment: form.comment ?? '', validity: form.validity });
    return this.groups.save(group);
  }

  private async assertNameFree(name: string, exceptId?: number): Promise<void> {
    const existing = await this.findByName(name);
    if (existing && existing.id !== exceptId) throw new DomainException('groups.error.nameTaken', 'name', { name });
  }
}

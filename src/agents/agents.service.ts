import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Session, SessionData } from 'express-session';
import { In, Repository, type EntityManager } from 'typeorm';
import type { CurrentAgent } from '../auth/current-agent';
import { PasswordHasher } from './password-hasher';
import { DomainException, RecordNotFoundException } from '../common/domain.exception';
import { ADMIN_LIST_PAGE_SIZE, type ListPage, type ListQuery } from '../common/list-query';
import { DEFAULT_TIME_ZONE, knownTimeZone } from '../common/time-zone';
import type { Validity } from '../common/validity';
import { whereContains } from '../database/contains-filter';
import { pageOf } from '../database/paged-query';
import type { Language } from '../i18n/languages';
import { AgentSessionsService } from './agent-sessions.service';
import type { AgentFormDto, NewAgentFormDto } from './dto/agent-form.dto';
import { Group } from './group.entity';
import { PERMISSIONS, GroupMembership, type Permission } from './group-membership.entity';
import { Agent } from './agent.entity';

export interface NewAgent {
  login: string;
  name: string;
  email?: string;
  language?: Language;
  password: string;
  validity?: Validity;
}

/** Agents (table `users`) and their group memberships. */
@Injectable()
export class AgentsService {
  constructor(
    @InjectRepository(Agent) private readonly users: Repository<Agent>,
    @InjectRepository(GroupMembership) private readonly memberships: Repository<GroupMembership>,
    @InjectRepository(Group) private readonly groups: Repository<Group>,
    private readonly hasher: PasswordHasher,
    private readonly sessions: AgentSessionsService,
  ) {}

  list(): Promise<Agent[]> {
    return this.users.find({ order: { login: 'ASC' } });
  }

  /** One page of the admin list: agents whose login, name or e-mail contains the filter (in SQL, any case). */
  listPage(query: ListQuery): Promise<ListPage<Agent>> {
    const agents = this.users.createQueryBuilder('u').orderBy('u.login', 'ASC');
    return pageOf(whereContains(agents, ['u.login', 'u.name', 'u.email'], query.filter), query.page, ADMIN_LIST_PAGE_SIZE);
  }

  count(): Promise<number> {
    return this.users.count();
  }

  async get(id: number): Promise<Agent> {
    const user = await this.users.findOneBy({ id });
    if (!user) throw new RecordNotFoundException('agents.error.notFound');
    return user;
  }

  /**
   * Id, name and login of the agents with these ids, in one query; unknown ids are left out. Inside
   * a caller's transaction pass its manager: on PostgreSQL a second connection while one is held
   * could wait for a pool that transactions like it have emptied.
   */
  namesOf(ids: number[], m: EntityManager = this.users.manager): Promise<Pick<Agent, 'id' | 'name' | 'login'>[]> {
    return ids.length === 0 ? Promise.resolve([]) : m.find(Agent, { where: { id: In(ids) }, select: { id: true, name: true, login: true } });
  }

  /** Valid agents with `rw` in the group, while the group is valid, by name: who may own a ticket of its queues. */
  rwMembersOf(groupId: number): Promise<Agent[]> {
    return this.users
      .createQueryBuilder('u')
      .innerJoin('u.memberships', 'm', 'm.groupId = :groupId AND m.permission = :rw', { groupId, rw: 'rw' })
      .innerJoin('m.group', 'g', "g.validity = 'valid'")
      .where("u.validity = 'valid'")
      .orderBy('u.name', 'ASC')
      .getMany();
  }

  findByLogin(login: string): Promise<Agent | null> {
    return this.users.createQueryBuilder('u').where('LOWER(u.login) = LOWER(:login)', { login: login.trim() }).getOne();
  }

  /**
   * The agent behind a session, or undefined when the account is gone or no longer valid, or (given
   * the session's generation) when the session dates from before a password change.
   */
  async findCurrentAgent(id: number, session?: { generation: number }): Promise<CurrentAgent | undefined> {
    const user = await this.users.findOne({ where: { id }, relations: { memberships: { group: true } } });
    if (!user || user.validity !== 'valid') return undefined;
    if (session && session.generation !== user.sessionGeneration) return undefined;
    const groups: Record<string, Permission> = {};
    for (const m of user.memberships) if (m.group.validity === 'valid') groups[m.group.name] = m.permission;
    return {
      id: user.id,
      login: user.login,
      name: user.name,
      language: user.language,
      // A zone the runtime no longer knows falls back to UTC rather than breaking every page.
      timeZone: knownTimeZone(user.timeZone) ?? DEFAULT_TIME_ZONE,
      isAdmin: groups.admin === 'rw',
      groups,
    };
  }

  /** groupId → permission for the edit form. */
  async membershipsOf(userId: number): Promise<Record<number, Permission>> {
    const rows = await this.memberships.findBy({ userId });
    return Object.fromEntries(rows.map((m) => [m.groupId, m.permission]));
  }

  async create(agent: NewAgent): Promise<Agent> {
    await this.assertLoginFree(agent.login);
    return this.users.save(
      this.users.create({
        login: agent.login,
        name: agent.name,
        email: agent.email ?? '',
        language: agent.language ?? 'en',
        validity: agent.validity ?? 'valid',
        passwordHash: await this.hasher.hash(agent.password),
      }),
    );
  }

  async createFromForm(form: NewAgentFormDto): Promise<Agent> {
    // Checked before anything is written, so a refused form leaves nothing half-saved.
    const memberships = await this.validMemberships(form.memberships);
    const user = await this.create({ ...form, password: form.password });
    await this.replaceMemberships(user.id, memberships);
    return user;
  }

  /**
   * The admin's edit form. A new password ends the agent's other sessions (the acting admin's own
   * session stays when they edit themselves); setting the agent invalid ends all of them.
   */
  async updateFromForm(id: number, form: AgentFormDto, acting: { agentId: number; session?: Session & Partial<SessionData> }): Promise<Agent> {
    const user = await this.get(id);
    await this.assertLoginFree(form.login, id);
    const memberships = await this.validMemberships(form.memberships);
    if (id === acting.agentId && (form.validity !== 'valid' || !(await this.keepsAdmin(memberships)))) {
      // An admin locking themselves out is never what they meant.
      throw new DomainException('agents.error.cannotLockOutSelf', 'validity');
    }
    const endsSessions = !!form.password || (user.validity === 'valid' && form.validity !== 'valid');
    const changes: Partial<Agent> = { login: form.login, name: form.name, email: form.email ?? '', language: form.language, validity: form.validity };
    if (form.password) changes.passwordHash = await this.hasher.hash(form.password);
    // Only these columns: a save() of the whole row could write back a session generation read before a concurrent reset.
    await this.users.update({ id }, changes);
    Object.assign(user, changes);
    await this.replaceMemberships(id, memberships);
    if (endsSessions) await this.sessions.endSessions(id, { keep: id === acting.agentId ? acting.session : undefined });
    return user;
  }

  async setLanguage(id: number, language: Language): Promise<void> {
    await this.users.update({ id }, { language });
  }

  /**
   * A new password the agent chose themselves (its checks are OwnPasswordService's): stored as a
   * new hash, and every other session of the agent ends; `keep` (the session that asked) stays.
   */
  async changeOwnPassword(id: number, password: string, keep: Session & Partial<SessionData>): Promise<void> {
    await this.users.update({ id }, { passwordHash: await this.hasher.hash(password) });
    await this.sessions.endSessions(id, { keep });
  }

  /** The agent's own preferences (language and time zone), as the Preferences form saves them. */
  async setPreferences(id: number, preferences: { language: Language; timeZone?: string }): Promise<void> {
    const timeZone = preferences.timeZone === undefined ? undefined : knownTimeZone(preferences.timeZone);
    if (preferences.timeZone !== undefined && !timeZone) throw new DomainException('validation.choose', 'timeZone');
    await this.users.update({ id }, { language: preferences.language, ...(timeZone ? { timeZone } : {}) });
  }

  /** Sets (or with `undefined`, removes) one membership. */
  async setMembership(userId: number, groupId: number, permission: Permission | undefined): Promise<void> {
    await this.memberships.delete({ userId, groupId });
    if (permission) await this.memberships.insert({ userId, groupId, permission });
  }

  private async validMemberships(field: Record<string, string> | undefined): Promise<Map<number, Permission>> {
    const wanted = parseMembershipField(field);
    const groupIds = new Set((await this.groups.find({ select: { id: true } })).map((g) => g.id));
    if ([...wanted.keys()].some((id) => !groupIds.has(id))) throw new DomainException('agents.error.badMembership', 'memberships');
    return wanted;
  }

  private async replaceMemberships(userId: number, wanted: Map<number, Permission>): Promise<void> {
    await this.memberships.delete({ userId });
    if (wanted.size > 0) await this.memberships.insert([...wanted].map(([groupId, permission]) => ({ userId, groupId, permission })));
  }

  private async keepsAdmin(memberships: Map<number, Permission>): Promise<boolean> {
    const admin = await this.groups.findOneBy({ name: 'admin' });
    return !!admin && memberships.get(admin.id) === 'rw';
  }

  private async assertLoginFree(login: string, exceptId?: number): Promise<void> {
    const existing = await this.findByLogin(login);
    if (existing && existing.id !== exceptId) throw new DomainException('agents.error.loginTaken', 'login', { login });
  }
}

/** `{ g3: 'rw', g4: '' }` → Map { 3 → 'rw' }; anything else is refused, not guessed. */
export function parseMembershipField(field: Record<string, string> | undefined): Map<number, Permission> {
  const result = new Map<number, Permission>();
  for (const [key, value] of Object.entries(field ?? {})) {
    const match = /^g(\d+)$/.exec(key);
    if (!match || !(value === '' || (PERMISSIONS as readonly string[]).includes(value))) {
      throw new DomainException('agents.error.badMembership', 'memberships');
    }
    if (value) result.set(Number(match[1]), value as Permission);
  }
  return result;
}

import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DomainException } from '../common/domain.exception';
import { translate } from '../i18n/translator';
import { AgentsService } from '../users/agents.service';
import { GroupsService } from '../users/groups.service';
import type { CliCommand } from './parse-cli-args';

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Runs one parsed command against the app's services; returns the process exit code. */
export async function runCliCommand(app: INestApplicationContext, command: CliCommand, io: CliOutput): Promise<number> {
  const agents = app.get(AgentsService);
  const groups = app.get(GroupsService);
  try {
    switch (command.kind) {
      case 'user-add': {
        const password = command.password ?? randomBytes(12).toString('base64url');
        const user = await agents.create({ ...command, password });
        io.out(`Added agent ${user.login} (id ${user.id}).`);
        if (!command.password) io.out(`Password: ${password}`);
        return 0;
      }
      case 'group-add': {
        const group = await groups.create({ name: command.name, comment: command.comment, validity: 'valid' });
        io.out(`Added group ${group.name} (id ${group.id}).`);
        return 0;
      }
      case 'user-groups-show': {
        const user = await agentOrFail(agents, command.login);
        const byId = new Map((await groups.list()).map((g) => [g.id, g.name]));
        const memberships = Object.entries(await agents.membershipsOf(user.id)).map(([id, permission]) => `${byId.get(Number(id))}\t${permission}`);
        io.out(memberships.length > 0 ? memberships.sort().join('\n') : `${user.login} is in no group.`);
        return 0;
      }
      case 'user-groups-set': {
        const user = await agentOrFail(agents, command.login);
        const group = await groups.findByName(command.group);
        if (!group) throw new CliFailure(`no group named "${command.group}"`);
        await agents.setMembership(user.id, group.id, command.permission === 'none' ? undefined : command.permission);
        io.out(`${user.login} in ${group.name}: ${command.permission}`);
        return 0;
      }
      case 'help':
        return 0;
    }
  } catch (err) {
    if (err instanceof CliFailure) io.err(`error: ${err.message}`);
    else if (err instanceof DomainException) io.err(`error: ${translate('en', err.messageKey, err.params)}`);
    else throw err;
    return 2;
  }
}

class CliFailure extends Error {}

async function agentOrFail(agents: AgentsService, login: string) {
  const user = await agents.findByLogin(login);
  if (!user) throw new CliFailure(`no agent with login "${login}"`);
  return user;
}

import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { AclStoreService, CLI_ACTOR } from '../acl/acl-store.service';
import { answerEvaluateInput } from '../acl/engine';
import { DataSource } from 'typeorm';
import { generateDemoData } from '../demo/demo-data';
import { Clock } from '../common/clock';
import { DomainException, FormValidationException } from '../common/domain.exception';
import { validateAs } from '../common/validation-pipe';
import { translate } from '../i18n/translator';
import { AgentsService } from '../agents/agents.service';
import { NewAgentFormDto } from '../agents/dto/agent-form.dto';
import { GroupFormDto } from '../agents/dto/group-form.dto';
import { GroupsService } from '../agents/groups.service';
import type { CliCommand } from './parse-cli-args';

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
  /** The whole of stdin, for commands that read it (acl evaluate); tests pass text in. */
  stdin?(): Promise<string>;
}

/** Runs one parsed command against the app's services; returns the process exit code. */
export async function runCliCommand(app: INestApplicationContext, command: CliCommand, io: CliOutput): Promise<number> {
  const agents = app.get(AgentsService);
  const groups = app.get(GroupsService);
  const acls = app.get(AclStoreService);
  try {
    switch (command.kind) {
      case 'user-add': {
        const password = command.password ?? randomBytes(12).toString('base64url');
        // The same rules as the Add agent form (a login without spaces, a long enough password …).
        const form = await validateAs(NewAgentFormDto, { login: command.login, name: command.name, email: command.email ?? '', language: command.language, password, validity: 'valid' });
        const user = await agents.create({ ...form, password });
        io.out(`Added agent ${user.login} (id ${user.id}).`);
        if (!command.password) io.out(`Password: ${password}`);
        return 0;
      }
      case 'group-add': {
        const group = await groups.create(await validateAs(GroupFormDto, { name: command.name, comment: command.comment ?? '', validity: 'valid' }));
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
      case 'acl-import': {
        const files = [];
        for (const file of command.files) {
          const content = await readFile(file).catch((err: Error) => {
            throw new CliFailure(`cannot read ${file}: ${err.message}`);
          });
          files.push({ name: file, content });
        }
        // No web upload here: no size or count limit per file.
        const result = await acls.importFiles(files, { mode: command.mode, actor: CLI_ACTOR, limits: { maxBytes: Infinity, maxAcls: Infinity } }).catch(aclImportFailure);
        const changed = [...result.added, ...result.updated];
        const names =
          changed.length > 50
            ? `${changed
                .slice(0, 50)
                .map((name) => `"${name}"`)
                .join(', ')} and ${changed.length - 50} more`
            : changed.map((name) => `"${name}"`).join(', ');
        io.out(`Imported ${result.added.length} added, ${result.updated.length} replaced${names ? `: ${names}` : ''}. Run "acl deploy" to make them effective.`);
        if (result.removed.length > 0) io.out(`Deleted ${result.removed.length} draft(s) not in the files (--replace-all).`);
        for (const warning of result.warnings) io.err(`warning: ${warning}`);
        return 0;
      }
      case 'acl-export': {
        const yaml = await acls.exportYaml();
        if (command.file === undefined) io.out(yaml.replace(/\n$/, ''));
        else {
          await writeFile(command.file, yaml, 'utf8').catch((err: Error) => {
            throw new CliFailure(`cannot write ${command.file}: ${err.message}`);
          });
          io.out(`Wrote the ACL export to ${command.file}.`);
        }
        return 0;
      }
      case 'acl-deploy': {
        const { count } = await acls.deploy(CLI_ACTOR);
        io.out(`Deployed ${count} valid ACL(s).`);
        return 0;
      }
      case 'acl-evaluate': {
        // §10: answers (and {"error": …} lines) on stdout; exit code 2 if any request was malformed.
        const { output, exitCode } = answerEvaluateInput((await io.stdin?.()) ?? '', await acls.deployedSet());
        io.out(output.replace(/\n$/, ''));
        return exitCode;
      }
      case 'demo-generate': {
        const now = app.get(Clock).now();
        const summary = await generateDemoData(app.get(DataSource), { tickets: command.tickets, articles: command.articles, seed: now % 2 ** 31, now, log: (line) => io.err(line) });
        io.out(`Added ${command.tickets} tickets with ${command.articles} articles to ${Object.keys(summary.queues).join(', ')} (group users); ticket ${summary.zoomTicketId} has 50 articles.`);
        return 0;
      }
      case 'help':
        return 0;
    }
  } catch (err) {
    if (err instanceof CliFailure) io.err(`error: ${err.message}`);
    else if (err instanceof DomainException) io.err(`error: ${translate('en', err.messageKey, err.params)}`);
    else if (err instanceof FormValidationException) {
      for (const [field, error] of Object.entries(err.errors)) io.err(`error: --${field}: ${translate('en', error.key, error.params)}`);
    } else throw err;
    return 2;
  }
}

class CliFailure extends Error {}

/** The import's refusals in command-line words (the form's wording talks about a checkbox). */
function aclImportFailure(err: unknown): never {
  if (err instanceof DomainException && err.messageKey === 'acl.error.namesExist') {
    throw new CliFailure(`nothing was imported: ACLs with these names exist already: ${err.params.names}; use --overwrite or --replace-all to replace them`);
  }
  if (err instanceof DomainException && err.messageKey === 'acl.error.importInvalid') {
    const problems = String(err.params.problems)
      .split('\n')
      .map((line) => `  ${line}`);
    throw new CliFailure([`nothing was imported: ${err.params.count} problem(s) found`, ...problems].join('\n'));
  }
  throw err;
}

async function agentOrFail(agents: AgentsService, login: string) {
  const user = await agents.findByLogin(login);
  if (!user) throw new CliFailure(`no agent with login "${login}"`);
  return user;
}

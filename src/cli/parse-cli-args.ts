import { parseArgs } from 'node:util';
import { isLanguage, LANGUAGES, type Language } from '../i18n/languages';
import { PERMISSIONS, type Permission } from '../agents/group-membership.entity';

export type CliCommand =
  | { kind: 'user-add'; login: string; name: string; email?: string; language: Language; password?: string }
  | { kind: 'group-add'; name: string; comment?: string }
  | { kind: 'user-groups-show'; login: string }
  | { kind: 'user-groups-set'; login: string; group: string; permission: Permission | 'none' }
  | { kind: 'acl-import'; files: string[]; mode: 'add' | 'overwrite' | 'replaceAll' }
  | { kind: 'acl-export'; file?: string }
  | { kind: 'acl-deploy' }
  | { kind: 'acl-evaluate' }
  | { kind: 'demo-generate'; tickets: number; articles: number }
  | { kind: 'help' };

export class CliUsageError extends Error {}

export const CLI_USAGE = `Usage: npm run cli -- <command>
  user add --login LOGIN --name NAME [--email EMAIL] [--language ${LANGUAGES.join('|')}] [--password PASSWORD]
           (without --password a password is generated and printed once)
  group add --name NAME [--comment TEXT]
  user groups --login LOGIN                                         show the agent's groups
  user groups --login LOGIN --group GROUP --permission rw|ro|none   set one membership
  acl import FILE... [--overwrite | --replace-all]
                                    import OTRS/Znuny ACL exports, all files or nothing (drafts until
                                    deployed; no size or count limit here); --replace-all deletes the
                                    drafts that are not in the files
  acl export [FILE]                 write all ACLs as YAML to FILE, or to stdout
  acl deploy                        make the valid ACLs the deployed set
  acl evaluate < REQUESTS           answer ACL requests (JSON, or one per line) on stdout
  demo generate [--tickets N] [--articles N]   add demo tickets (default 1000, 3 articles each) to queues "Demo …" of group users`;

/** Turns argv (after the script name) into one command, or says exactly what is wrong. */
export function parseCliArgs(argv: string[]): CliCommand {
  const [noun, verb, ...rest] = argv;
  if (!noun || noun === 'help' || noun === '--help') return { kind: 'help' };
  const command = `${noun} ${verb ?? ''}`.trim();

  switch (command) {
    case 'user add': {
      const o = options(rest, ['login', 'name', 'email', 'language', 'password']);
      const language = o.language ?? 'en';
      if (!isLanguage(language)) throw new CliUsageError(`--language must be one of ${LANGUAGES.join(', ')}`);
      return { kind: 'user-add', login: formField(o, 'login'), name: formField(o, 'name'), email: o.email, language, password: o.password };
    }
    case 'group add': {
      const o = options(rest, ['name', 'comment']);
      return { kind: 'group-add', name: formField(o, 'name'), comment: o.comment };
    }
    case 'user groups': {
      const o = options(rest, ['login', 'group', 'permission']);
      const login = required(o, 'login');
      if (o.group === undefined && o.permission === undefined) return { kind: 'user-groups-show', login };
      const permission = required(o, 'permission');
      if (permission !== 'none' && !(PERMISSIONS as readonly string[]).includes(permission)) {
        throw new CliUsageError('--permission must be rw, ro or none');
      }
      return { kind: 'user-groups-set', login, group: required(o, 'group'), permission: permission as Permission | 'none' };
    }
    case 'acl import': {
      const { positionals, flags } = positionalsAndFlags(rest, ['overwrite', 'replace-all'], 1, Infinity);
      if (flags.overwrite && flags['replace-all']) throw new CliUsageError('--overwrite and --replace-all exclude each other');
      return { kind: 'acl-import', files: positionals, mode: flags['replace-all'] ? 'replaceAll' : flags.overwrite ? 'overwrite' : 'add' };
    }
    case 'acl export': {
      const { positionals } = positionalsAndFlags(rest, [], 0, 1);
      return { kind: 'acl-export', file: positionals[0] };
    }
    case 'acl deploy':
      positionalsAndFlags(rest, [], 0, 0);
      return { kind: 'acl-deploy' };
    case 'acl evaluate':
      positionalsAndFlags(rest, [], 0, 0);
      return { kind: 'acl-evaluate' };
    case 'demo generate': {
      const o = options(rest, ['tickets', 'articles']);
      const tickets = count(o.tickets ?? '1000', 'tickets');
      const articles = count(o.articles ?? String(tickets * 3 + 49), 'articles');
      if (articles < tickets + 49) throw new CliUsageError('--articles must be at least --tickets + 49 (one each, fifty on the first)');
      return { kind: 'demo-generate', tickets, articles };
    }
    default:
      throw new CliUsageError(`unknown command "${command}"`);
  }
}

function options(args: string[], names: string[]): Record<string, string | undefined> {
  try {
    const { values } = parseArgs({
      args,
      options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
      strict: true,
      allowPositionals: false,
    });
    return values;
  } catch (err) {
    throw new CliUsageError((err as Error).message.split('\n')[0]);
  }
}

/** Arguments such as `FILE [--overwrite]`: between min and max positionals, boolean flags only. */
function positionalsAndFlags(args: string[], flagNames: string[], min: number, max: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: Object.fromEntries(flagNames.map((name) => [name, { type: 'boolean' as const }])), strict: true, allowPositionals: true });
  } catch (err) {
    throw new CliUsageError((err as Error).message.split('\n')[0]);
  }
  const { positionals, values } = parsed;
  if (positionals.length < min) throw new CliUsageError(min === 1 ? 'a FILE is required' : `${min} arguments are required`);
  if (positionals.length > max) throw new CliUsageError(`unexpected argument "${positionals[max]}"`);
  const flags = Object.fromEntries(flagNames.map((name) => [name, values[name] === true]));
  return { positionals, flags };
}

function count(value: string, name: string): number {
  const n = Number(value);
  if (!/^\d{1,7}$/.test(value) || n < 1) throw new CliUsageError(`--${name} must be a whole number from 1 to 9999999`);
  return n;
}

/**
 * An option that fills a web form's field: only its absence is a usage error here. What it holds,
 * empty or blank included, is judged by the form's DTO, so the messages are the web form's.
 */
function formField(values: Record<string, string | undefined>, name: string): string {
  const value = values[name];
  if (value === undefined) throw new CliUsageError(`--${name} is required`);
  return value;
}

function required(values: Record<string, string | undefined>, name: string): string {
  const value = values[name]?.trim();
  if (!value) throw new CliUsageError(`--${name} is required`);
  return value;
}

import { parseArgs } from 'node:util';
import { isLanguage, LANGUAGES, type Language } from '../i18n/languages';
import { PERMISSIONS, type Permission } from '../users/user-group.entity';

export type CliCommand =
  | { kind: 'user-add'; login: string; name: string; email?: string; language: Language; password?: string }
  | { kind: 'group-add'; name: string; comment?: string }
  | { kind: 'user-groups-show'; login: string }
  | { kind: 'user-groups-set'; login: string; group: string; permission: Permission | 'none' }
  | { kind: 'help' };

export class CliUsageError extends Error {}

export const CLI_USAGE = `Usage: npm run cli -- <command>
  user add --login LOGIN --name NAME [--email EMAIL] [--language ${LANGUAGES.join('|')}] [--password PASSWORD]
           (without --password a password is generated and printed once)
  group add --name NAME [--comment TEXT]
  user groups --login LOGIN                                         show the agent's groups
  user groups --login LOGIN --group GROUP --permission rw|ro|none   set one membership`;

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
      return { kind: 'user-add', login: required(o, 'login'), name: required(o, 'name'), email: o.email, language, password: o.password };
    }
    case 'group add': {
      const o = options(rest, ['name', 'comment']);
      return { kind: 'group-add', name: required(o, 'name'), comment: o.comment };
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
    return values as Record<string, string | undefined>;
  } catch (err) {
    throw new CliUsageError((err as Error).message.split('\n')[0]);
  }
}

function required(values: Record<string, string | undefined>, name: string): string {
  const value = values[name]?.trim();
  if (!value) throw new CliUsageError(`--${name} is required`);
  return value;
}

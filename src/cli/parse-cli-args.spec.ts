import { CliUsageError, parseCliArgs } from './parse-cli-args';

describe('parseCliArgs', () => {
  it('reads user add with defaults', () => {
    expect(parseCliArgs(['user', 'add', '--login', 'anna', '--name', 'Anna A'])).toEqual({
      kind: 'user-add',
      login: 'anna',
      name: 'Anna A',
      email: undefined,
      language: 'en',
      password: undefined,
    });
  });

  it('tells show from set for user groups', () => {
    expect(parseCliArgs(['user', 'groups', '--login', 'anna'])).toEqual({ kind: 'user-groups-show', login: 'anna' });
    expect(parseCliArgs(['user', 'groups', '--login', 'anna', '--group', 'twitter', '--permission', 'rw'])).toEqual({
      kind: 'user-groups-set',
      login: 'anna',
      group: 'twitter',
      permission: 'rw',
    });
  });

  it.each([
    [['user', 'remove'], 'unknown command "user remove"'],
    [['user', 'add', '--name', 'x'], '--login is required'],
    [['user', 'add', '--login', 'a', '--name', 'b', '--language', 'fr'], '--language must be one of en, de, sr'],
    [['user', 'groups', '--login', 'a', '--group', 'g', '--permission', 'admin'], '--permission must be rw, ro or none'],
    [['user', 'groups', '--login', 'a', '--group', 'g'], '--permission is required'],
    [['group', 'add', '--name', 'g', '--colour', 'red'], "Unknown option '--colour'"],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

describe('parseCliArgs: acl commands', () => {
  it('reads acl import FILE... with --overwrite or --replace-all', () => {
    expect(parseCliArgs(['acl', 'import', 'acls.yml'])).toEqual({ kind: 'acl-import', files: ['acls.yml'], mode: 'add' });
    expect(parseCliArgs(['acl', 'import', '--overwrite', 'acls.yml'])).toEqual({ kind: 'acl-import', files: ['acls.yml'], mode: 'overwrite' });
    expect(parseCliArgs(['acl', 'import', 'a.yml', 'b.yml', '--replace-all'])).toEqual({ kind: 'acl-import', files: ['a.yml', 'b.yml'], mode: 'replaceAll' });
    expect(() => parseCliArgs(['acl', 'import', 'a.yml', '--overwrite', '--replace-all'])).toThrow('--overwrite and --replace-all exclude each other');
  });

  it('reads acl export with an optional FILE, acl deploy and acl evaluate', () => {
    expect(parseCliArgs(['acl', 'export'])).toEqual({ kind: 'acl-export', file: undefined });
    expect(parseCliArgs(['acl', 'export', 'out.yml'])).toEqual({ kind: 'acl-export', file: 'out.yml' });
    expect(parseCliArgs(['acl', 'deploy'])).toEqual({ kind: 'acl-deploy' });
    expect(parseCliArgs(['acl', 'evaluate'])).toEqual({ kind: 'acl-evaluate' });
  });

  it.each([
    [['acl', 'import'], 'a FILE is required'],
    [['acl', 'import', 'a.yml', '--force'], "Unknown option '--force'"],
    [['acl', 'deploy', 'now'], 'unexpected argument "now"'],
    [['acl', 'evaluate', '--acls', 'x'], "Unknown option '--acls'"],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

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

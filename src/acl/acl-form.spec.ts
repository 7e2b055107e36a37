import { aclFromForm, formValuesOf } from './acl-form';
import type { AclFormDto } from './dto/acl-form.dto';

const form = (changes: Partial<AclFormDto> = {}): AclFormDto => ({
  name: 'Limit Access to Twitter Profile',
  comment: 'Twitter access restriction',
  description: '',
  stopAfterMatch: false,
  validId: 1,
  configMatch: "Properties:\n  User:\n    Group_rw:\n    - '[Not]twitter'\n",
  configChange: "PossibleNot:\n  Ticket:\n    TwitterProfileID:\n    - '1'\n",
  ...changes,
});

describe('the ACL editor form', () => {
  it('turns the fields and both YAML sections into an engine ACL', () => {
    expect(aclFromForm(form())).toEqual({
      ok: true,
      acl: {
        Name: 'Limit Access to Twitter Profile',
        Comment: 'Twitter access restriction',
        Description: '',
        StopAfterMatch: false,
        ValidID: 1,
        ConfigMatch: { Properties: { User: { Group_rw: ['[Not]twitter'] } } },
        ConfigChange: { PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } },
      },
    });
  });

  it('reads empty sections as none and an empty comment as null', () => {
    const result = aclFromForm(form({ comment: '', configMatch: '', configChange: '  ' }));
    expect(result.ok && [result.acl.Comment, result.acl.ConfigMatch, result.acl.ConfigChange]).toEqual([null, null, null]);
  });

  it('puts each problem next to its field', () => {
    const result = aclFromForm(form({ name: '0', configMatch: 'Propertys:\n  User:\n    Group_rw: [twitter]\n', configChange: 'PossibleNot: [' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.name).toEqual({ key: 'acl.error.nameZero' });
    expect(result.errors.configMatch.params?.problems).toBe('ACL "0": ConfigMatch.Propertys: unknown section; expected Properties or PropertiesDatabase');
    expect(String(result.errors.configChange.params?.problems)).toMatch(/^the text is not valid YAML at line/);
  });

  it('refuses a modifier that OTRS would misread, naming the item', () => {
    const result = aclFromForm(form({ configMatch: "Properties:\n  User:\n    Group_rw:\n    - '[NotExact]twitter'\n" }));
    expect(!result.ok && String(result.errors.configMatch.params?.problems)).toContain('ConfigMatch.Properties.User.Group_rw[0] "[NotExact]twitter"');
  });

  it('refuses [Nto] with the ACL, the key and a suggestion, worded as at import', () => {
    const result = aclFromForm(form({ configMatch: "Properties:\n  User:\n    Group_rw:\n    - '[Nto]twitter'\n" }));
    expect(!result.ok && result.errors.configMatch.params?.problems).toBe(
      'ACL "Limit Access to Twitter Profile": ConfigMatch.Properties.User.Group_rw[0] "[Nto]twitter": unknown modifier [Nto]; did you mean [Not]? known modifiers are [Not], [RegExp], [regexp], [NotRegExp], [Notregexp]',
    );
  });

  it('refuses a pattern that needs backtracking', () => {
    const result = aclFromForm(form({ configChange: "PossibleNot:\n  Ticket:\n    Queue:\n    - '[RegExp]^(\\w+)\\1$'\n" }));
    expect(!result.ok && result.errors.configChange.params?.problems).toContain(
      'ConfigChange.PossibleNot.Ticket.Queue[0] "[RegExp]^(\\\\w+)\\\\1$": backreference "\\1" which needs a backtracking regex engine',
    );
  });

  it('shows a stored ACL the way it reads back', () => {
    const result = aclFromForm(form({ stopAfterMatch: true, validId: 2 }));
    if (!result.ok) throw new Error('expected a valid form');
    const values = formValuesOf(result.acl);
    expect(values).toMatchObject({ name: 'Limit Access to Twitter Profile', stopAfterMatch: true, validId: 2, configMatch: "Properties:\n  User:\n    Group_rw:\n    - '[Not]twitter'\n" });
    expect(aclFromForm({ ...(values as unknown as AclFormDto) })).toEqual(result);
  });
});

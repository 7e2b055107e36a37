import { compileAcls } from './acl-engine';
import { answerEvaluateInput, answerEvaluateLine, evaluateInputNeedsDeployedSet, parseEvaluateRequest } from './acl-evaluate-contract';

const twitterAcl = {
  Name: 'Limit Access to Twitter Profile',
  StopAfterMatch: 0,
  ValidID: 1,
  ConfigMatch: { Properties: { User: { Group_rw: ['[Not]twitter'] } } },
  ConfigChange: { PossibleNot: { Ticket: { TwitterProfileID: ['1'] } } },
};

function request(overrides: Record<string, unknown> = {}) {
  return {
    acls: [twitterAcl],
    properties: { User: { UserLogin: 'agent', Group_rw: ['users'] } },
    userId: '2',
    field: 'Ticket.TwitterProfileID',
    matchOn: 'key',
    options: { '1': 'ProfileA', '2': 'ProfileB' },
    ...overrides,
  };
}

const answer = (overrides: Record<string, unknown> = {}) => answerEvaluateLine(JSON.stringify(request(overrides)));
const withGroups = (groups: string[]) => answer({ properties: { User: { Group_rw: groups } } });

describe('acl evaluate: the worked Twitter example (§7)', () => {
  it('a member of twitter (rw) keeps both profiles, not applied', () => {
    expect(withGroups(['twitter', 'users'])).toEqual({ applied: false, possible: ['1', '2'] });
  });

  it('a non-member (also one with only ro on twitter) and an agent without groups lose profile 1', () => {
    expect(withGroups(['users'])).toEqual({ applied: true, possible: ['2'] });
    expect(withGroups([])).toEqual({ applied: true, possible: ['2'] });
  });

  it('a group named Twitter is not twitter (case-sensitive)', () => {
    expect(withGroups(['Twitter'])).toEqual({ applied: true, possible: ['2'] });
  });

  it('the superuser (user id 1) is never restricted', () => {
    expect(answer({ userId: '1' })).toEqual({ applied: false, possible: ['1', '2'] });
    expect(answer({ userId: 1 })).toEqual({ applied: false, possible: ['1', '2'] });
    expect(answer({ userId: '01' })).toEqual({ applied: false, possible: ['1', '2'] });
    expect(answer({ userId: '12' })).toEqual({ applied: true, possible: ['2'] });
  });

  it('an ACL with ValidID 2 is not deployed', () => {
    expect(answer({ acls: [{ ...twitterAcl, ValidID: 2 }] })).toEqual({ applied: false, possible: ['1', '2'] });
  });
});

describe('acl evaluate: the request', () => {
  it('answers the remaining keys in input order, also for integer-like keys', () => {
    const options = '{"10": "ProfileJ", "2": "ProfileB", "1": "ProfileA"}';
    const line = JSON.stringify(request()).replace('{"1":"ProfileA","2":"ProfileB"}', options);
    expect(answerEvaluateLine(line)).toEqual({ applied: true, possible: ['10', '2'] });
  });

  it('compares with option values unless matchOn is "key"', () => {
    expect(answer({ matchOn: undefined })).toEqual({ applied: true, possible: ['1', '2'] });
    expect(answer({ matchOn: 'value', options: { '7': '1', '8': '2' } })).toEqual({ applied: true, possible: ['8'] });
  });

  it('reads numbers in ACL items and in properties as decimal text', () => {
    const numeric = { ...twitterAcl, ConfigMatch: { Properties: { User: { UserID: [5] } } }, ConfigChange: { PossibleNot: { Ticket: { TwitterProfileID: [1] } } } };
    expect(answer({ acls: [numeric], properties: { User: { UserID: 5 } } })).toEqual({ applied: true, possible: ['2'] });
  });

  it('uses properties for the stored view when propertiesDatabase is absent', () => {
    const stored = { ...twitterAcl, ConfigMatch: { PropertiesDatabase: { Ticket: { Queue: ['Raw'] } } } };
    expect(answer({ acls: [stored], properties: { Ticket: { Queue: 'Raw' } } })).toEqual({ applied: true, possible: ['2'] });
    expect(answer({ acls: [stored], properties: { Ticket: { Queue: 'Raw' } }, propertiesDatabase: { Ticket: { Queue: 'Misc' } } })).toEqual({
      applied: false,
      possible: ['1', '2'],
    });
  });

  it('uses the deployed set when the request brings no acls', () => {
    const deployed = compileAcls([
      { Name: 'deployed', Comment: null, Description: '', StopAfterMatch: false, ValidID: 1, ConfigMatch: null, ConfigChange: { PossibleNot: { Ticket: { TwitterProfileID: ['2'] } } } },
    ]);
    expect(answerEvaluateLine(JSON.stringify(request({ acls: undefined })), deployed)).toEqual({ applied: true, possible: ['1'] });
    expect(answerEvaluateLine(JSON.stringify(request({ acls: undefined })))).toEqual({
      error: 'the request has no "acls" and no deployed ACL set is available',
    });
  });

  it('for Action takes a plain string as one option, and "-" or no options as the current screen', () => {
    const noClose = { Name: 'a', ConfigChange: { PossibleNot: { Action: ['AgentTicketClose'] } } };
    const closeScreen = { User: { Group_rw: [] }, Frontend: { Action: 'AgentTicketClose' } };
    expect(answer({ acls: [noClose], field: 'Action', matchOn: 'value', options: 'AgentTicketZoom' })).toEqual({ applied: true, possible: ['1'] });
    expect(answer({ acls: [noClose], field: 'Action', matchOn: 'value', options: '-', properties: closeScreen })).toEqual({ applied: true, possible: [] });
    expect(answer({ acls: [noClose], field: 'Action', matchOn: 'value', options: {}, properties: closeScreen })).toEqual({ applied: true, possible: [] });
  });

  it('reads null attributes as absent and booleans as 1 / 0', () => {
    const flagged = { ...twitterAcl, ConfigMatch: { Properties: { Ticket: { Flag: ['1'] } } } };
    expect(answer({ acls: [flagged], properties: { Ticket: { Flag: true } } })).toEqual({ applied: true, possible: ['2'] });
    expect(answer({ acls: [flagged], properties: { Ticket: { Flag: false } } })).toEqual({ applied: false, possible: ['1', '2'] });
    const notFlagged = { ...twitterAcl, ConfigMatch: { Properties: { Ticket: { Flag: ['[Not]1'] } } } };
    expect(answer({ acls: [notFlagged], properties: { Ticket: { Flag: null } } })).toEqual({ applied: false, possible: ['1', '2'] });
    const unconditional = { ...twitterAcl, ConfigMatch: '' };
    expect(answer({ acls: [unconditional], properties: { User: null } })).toEqual({ applied: true, possible: ['2'] });
    expect(answer({ acls: [unconditional], properties: {} })).toEqual({ applied: false, possible: ['1', '2'] });
  });
});

describe('acl evaluate: malformed requests get a one-line error', () => {
  it.each([
    ['not JSON', '{"field": ', /^invalid JSON: /],
    ['not an object', '[1]', /^a request must be a JSON object$/],
    ['no field', JSON.stringify(request({ field: undefined })), /^field is required/],
    ['an unknown field', JSON.stringify(request({ field: 'Queue' })), /^unknown field "Queue"/],
    ['a bad matchOn', JSON.stringify(request({ matchOn: 'id' })), /^matchOn must be "key" or "value"$/],
    ['options that are no object', JSON.stringify(request({ options: ['1'] })), /^options must be an object/],
    ['an option value that is no text', JSON.stringify(request({ options: { '1': null } })), /^options.1 must be a text or a number$/],
    ['properties that are no object', JSON.stringify(request({ properties: 'x' })), /^properties must be an object/],
    ['a nested object as attribute value', JSON.stringify(request({ properties: { User: { Group_rw: { a: 1 } } } })), /^properties.User.Group_rw must be a text/],
    ['a bad userId', JSON.stringify(request({ userId: true })), /^userId must be a text or a number$/],
  ])('%s', (_, line, message) => {
    const result = answerEvaluateLine(line);
    expect(result).toEqual({ error: expect.stringMatching(message) });
    expect((result as { error: string }).error).not.toMatch(/\n/);
  });

  it('names the first bad ACL and how many more problems there are', () => {
    const result = answer({ acls: [{ ...twitterAcl, ValidID: 0 }, { Name: '' }] });
    expect(result).toEqual({
      error: 'acls: ACL "Limit Access to Twitter Profile" (#1): ValidID: must be 1 (valid), 2 (invalid) or 3 (invalid-temporarily), not 0 (and 1 more)',
    });
  });

  it('parses a valid request into engine terms', () => {
    const parsed = parseEvaluateRequest(JSON.stringify(request({ field: 'Action.-', options: { b: 'x', a: 'y' } })));
    expect(parsed).toMatchObject({ field: 'Action', matchOn: 'key', superuser: false });
    expect([...parsed.options.keys()]).toEqual(['b', 'a']);
    expect(parsed.stored).toBe(parsed.current);
  });
});

describe('acl evaluate: stdin and stdout', () => {
  it('answers JSON Lines one per line, in order, and still answers after a bad line (exit code 2)', () => {
    const input = [JSON.stringify(request()), '{broken', '', JSON.stringify(request({ userId: '1' }))].join('\n');
    const { output, exitCode } = answerEvaluateInput(input);
    expect(output.split('\n')).toEqual(['{"applied":true,"possible":["2"]}', expect.stringMatching(/^\{"error":"invalid JSON: /), '{"applied":false,"possible":["1","2"]}', '']);
    expect(exitCode).toBe(2);
  });

  it('accepts one pretty-printed request, with exit code 0', () => {
    expect(answerEvaluateInput(JSON.stringify(request(), null, 2))).toEqual({ output: '{"applied":true,"possible":["2"]}\n', exitCode: 0 });
  });

  it('answers empty input with an error', () => {
    expect(answerEvaluateInput('\n')).toEqual({ output: '{"error":"no request on stdin"}\n', exitCode: 2 });
  });
});

describe('acl evaluate: does the input need the deployed set?', () => {
  const withoutAcls = () => {
    const { acls: _acls, ...rest } = request();
    return rest;
  };

  it('not when every request brings its own acls, or is malformed anyway', () => {
    expect(evaluateInputNeedsDeployedSet(JSON.stringify(request(), null, 2))).toBe(false);
    expect(evaluateInputNeedsDeployedSet(`${JSON.stringify(request())}\n{not json\n`)).toBe(false);
    expect(evaluateInputNeedsDeployedSet('')).toBe(false);
  });

  it('when any well-formed request has no acls', () => {
    expect(evaluateInputNeedsDeployedSet(`${JSON.stringify(request())}\n${JSON.stringify(withoutAcls())}\n`)).toBe(true);
  });
});

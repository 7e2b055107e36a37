import { parseSimulatorOptions, SIMULATOR_MAX_OPTIONS } from './acl-simulator';

describe('the simulator options box', () => {
  it('reads key=value lines in order, and a bare key as key=key', () => {
    const result = parseSimulatorOptions('2 = ProfileB\r\n\n1=ProfileA\n3\n');
    expect(result.ok && [...result.options]).toEqual([
      ['2', 'ProfileB'],
      ['1', 'ProfileA'],
      ['3', '3'],
    ]);
  });

  it('keeps "=" inside a value', () => {
    const result = parseSimulatorOptions('1=a=b');
    expect(result.ok && result.options.get('1')).toBe('a=b');
  });

  it.each([
    ['', 'validation.required'],
    ['=nameless', 'acl.simulate.error.badLine'],
    ['1=a\n1=b', 'acl.simulate.error.duplicateKey'],
    [Array.from({ length: SIMULATOR_MAX_OPTIONS + 1 }, (_, i) => String(i)).join('\n'), 'acl.simulate.error.tooMany'],
  ])('refuses %j with %s', (text, key) => {
    const result = parseSimulatorOptions(text);
    expect(!result.ok && result.error.key).toBe(key);
  });
});

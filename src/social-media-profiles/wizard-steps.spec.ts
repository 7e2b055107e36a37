import { firstMissingStep, isSetupComplete, isStepDone, parseStep, type WizardFacts } from './wizard-steps';

const complete: WizardFacts = {
  instructionsRead: true,
  appName: 'Helpdesk',
  consumerKey: 'ck',
  hasConsumerSecret: true,
  accessToken: 'at',
  hasAccessTokenSecret: true,
  verifiedAt: '1763700000000',
  targetQueueId: 3,
};

describe('wizard steps', () => {
  it('counts a fully filled profile as set up', () => {
    expect(isSetupComplete(complete)).toBe(true);
    expect(firstMissingStep(complete)).toBeUndefined();
  });

  it.each([
    [1, { instructionsRead: false }],
    [2, { appName: '' }],
    [3, { hasConsumerSecret: false }],
    [3, { consumerKey: '' }],
    [4, { accessToken: '' }],
    [4, { hasAccessTokenSecret: false }],
    [5, { verifiedAt: null }],
    [6, { targetQueueId: null }],
  ] as const)('names step %i as missing when %j', (step, change) => {
    const facts = { ...complete, ...change };
    expect(firstMissingStep(facts)).toBe(step);
    expect(isStepDone(step, facts)).toBe(false);
    expect(isSetupComplete(facts)).toBe(false);
  });

  it('names the earliest missing step first', () => {
    expect(firstMissingStep({ ...complete, appName: '', targetQueueId: null })).toBe(2);
  });

  it('accepts only step numbers 1 to 6', () => {
    expect(parseStep('4')).toBe(4);
    expect(parseStep('0')).toBeUndefined();
    expect(parseStep('7')).toBeUndefined();
    expect(parseStep('x')).toBeUndefined();
  });
});

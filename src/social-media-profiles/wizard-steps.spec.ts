import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WIZARD_ACTIONS } from './dto/wizard-action';
import { firstMissingStep, isSetupComplete, isStepDone, LAST_STEP, neighbour, parseStep, WIZARD, WIZARD_STEPS, type WizardFacts } from './wizard-steps';

const complete: WizardFacts = {
  instructionsRead: true,
  appName: 'Helpdesk',
  consumerKey: 'ck',
  hasConsumerSecret: true,
  accessToken: 'at',
  hasAccessTokenSecret: true,
  verifiedAt: 1763700000000,
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
    expect(parseStep('general')).toBeUndefined();
    for (const alias of ['1e0', '0x1', ' 1', '1.0', '+1', '01', '']) expect(parseStep(alias)).toBeUndefined();
    expect(parseStep(4)).toBeUndefined();
  });
});

describe('the wizard table', () => {
  it('lists General, then steps 1 to 6, in order', () => {
    expect(WIZARD.map((page) => page.page)).toEqual(['general', 1, 2, 3, 4, 5, 6]);
    expect(WIZARD_STEPS).toEqual([1, 2, 3, 4, 5, 6]);
    expect(LAST_STEP).toBe(6);
  });

  it('names a template that exists, a title, a form and what Enter does for every page', () => {
    for (const page of WIZARD) {
      expect(existsSync(join(__dirname, '..', '..', 'views', `${page.template}.hbs`))).toBe(true);
      expect(page.title).toMatch(/^profiles\.(general|step\d)\.title$/);
      expect(typeof page.dto).toBe('function');
      expect(WIZARD_ACTIONS).toContain(page.enterAction);
    }
  });

  it('goes forward and back through the table, and stops at both ends', () => {
    expect(neighbour('general', -1)).toBeUndefined();
    expect(neighbour('general', 1)).toBe(1);
    expect(neighbour(3, -1)).toBe(2);
    expect(neighbour(6, 1)).toBeUndefined();
  });

  it('makes Enter go forward, finish on the last step and save on General', () => {
    expect(WIZARD.map((page) => page.enterAction)).toEqual(['save', 'next', 'next', 'next', 'next', 'next', 'finish']);
  });
});
